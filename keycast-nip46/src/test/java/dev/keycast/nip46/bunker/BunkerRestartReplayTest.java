package dev.keycast.nip46.bunker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keycast.crypto.Nip44Cipher;
import dev.keycast.crypto.Nip44ConversationKey;
import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.SchnorrSigner;
import dev.keycast.crypto.SecretKey;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.crypto.UnsignedEvent;
import dev.keycast.nip46.server.EventRejectReason;
import dev.keycast.nip46.store.AesGcmKeyEncryption;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.store.MasterKey;
import dev.keycast.nip46.store.NewAuthorization;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A request captured while one bunker runs and replayed to the next one on the same database (a
 * restart): the next bunker refuses it, although its in-memory dedupe is empty.
 */
class BunkerRestartReplayTest {
  static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void requestSeenBeforeARestart_replayedAfterIt_notAnsweredAgain() throws Exception {
    try (KeycastDatabase db = openDatabase()) {
      Authorization a = authorize(db);
      SecretKey client = SecretKey.generate();
      CapturingTransport first = new CapturingTransport();
      SignedEvent request = ping(client, a, "r1", System.currentTimeMillis() / 1000);
      try (Bunker bunker = start(db, first)) {
        first.inject(request);
        await().atMost(WAIT).until(() -> first.published.size() == 1);
      }
      SignedEvent captured = request;
      // The restart happens in a later second than the request's created_at (the usual case: a
      // restart takes longer than a second).
      await().atMost(WAIT).until(() -> System.currentTimeMillis() / 1000 > captured.createdAt());

      CapturingTransport second = new CapturingTransport();
      try (Bunker bunker = start(db, second)) {
        long tooOld = bunker.stats().rejected(EventRejectReason.TOO_OLD);
        second.inject(captured);
        await()
            .atMost(WAIT)
            .until(() -> bunker.stats().rejected(EventRejectReason.TOO_OLD) == tooOld + 1);
        assertThat(second.published).isEmpty();
      }
    }
  }

  /**
   * The gap the start-time rule leaves: a request dated ahead of the clock (within the intake's
   * future skew) seen before a restart is still "new" after it. It is answered again, with the
   * identical reply event (replies are deterministic), so a client or relay sees one answer.
   */
  @Test
  void futureDatedRequestSeenBeforeARestart_replayedAfterIt_getsTheIdenticalReplyEvent()
      throws Exception {
    try (KeycastDatabase db = openDatabase()) {
      Authorization a = authorize(db);
      SecretKey client = SecretKey.generate();
      SignedEvent request = ping(client, a, "r2", System.currentTimeMillis() / 1000 + 30);
      CapturingTransport first = new CapturingTransport();
      try (Bunker bunker = start(db, first)) {
        first.inject(request);
        await().atMost(WAIT).until(() -> first.published.size() == 1);
      }
      CapturingTransport second = new CapturingTransport();
      try (Bunker bunker = start(db, second)) {
        second.inject(request);
        await().atMost(WAIT).until(() -> second.published.size() == 1);
      }
      assertThat(second.published.get(0)).isEqualTo(first.published.get(0));
    }
  }

  static KeycastDatabase openDatabase() throws Exception {
    var dir = Files.createTempDirectory("keycast-restart");
    return KeycastDatabase.open(
        "jdbc:sqlite:" + dir.resolve("k.db"), AesGcmKeyEncryption.create(MasterKey.random()));
  }

  static Authorization authorize(KeycastDatabase db) {
    db.keys().generate("alice");
    return db.authorizations()
        .create(
            NewAuthorization.builder("alice")
                .relays(List.of(CapturingTransport.RELAY))
                .policyName("social")
                .build());
  }

  /** A {@code ping} request from {@code client} to the authorization's bunker key. */
  static SignedEvent ping(SecretKey client, Authorization a, String id, long createdAt)
      throws Exception {
    String content =
        Nip44Cipher.encrypt(
            "{\"id\":\"" + id + "\",\"method\":\"ping\",\"params\":[]}",
            Nip44ConversationKey.derive(client, a.bunkerPublicKey()));
    return NostrEvents.sign(
        new UnsignedEvent(
            client.publicKey(),
            createdAt,
            24133,
            List.of(List.of("p", a.bunkerPublicKey().toHex())),
            content),
        SchnorrSigner.create(client));
  }

  static Bunker start(KeycastDatabase db, CapturingTransport transport) {
    return Bunker.builder()
        .database(db)
        .relays(List.of(CapturingTransport.RELAY))
        .transport(b -> transport)
        .shutdownDeadline(Duration.ofSeconds(2))
        .build()
        .start();
  }
}
