package dev.keycast.nip46.bunker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keycast.crypto.Nip04Cipher;
import dev.keycast.crypto.Nip44Cipher;
import dev.keycast.crypto.Nip44ConversationKey;
import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SchnorrSigner;
import dev.keycast.crypto.SecretKey;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.crypto.UnsignedEvent;
import dev.keycast.nip46.Nip46Codec;
import dev.keycast.nip46.Nip46Response;
import dev.keycast.nip46.server.EventRejectReason;
import dev.keycast.nip46.server.ResponseOutcome;
import dev.keycast.nip46.store.AesGcmKeyEncryption;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.store.MasterKey;
import dev.keycast.nip46.store.NewAuthorization;
import dev.keycast.queue.WorkQueueConfig;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The refusal path (a full queue answers {@code overloaded, retry later} from the overflow lane)
 * skips the Schnorr verification of NIP-44 requests, whose MAC authenticates the sender. These
 * tests pin down what that may and may not change: a refusal still needs a content that decrypts
 * under the named sender's key, NIP-04 requests are still verified, and a forged copy refused first
 * never suppresses the genuine request. Real bunker, database, queue and crypto; a capturing
 * transport (a relay would refuse the forged events before the signer saw them).
 */
class BunkerRefusalTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final String OVERLOADED = "overloaded, retry later";

  KeycastDatabase db;
  CapturingTransport transport;
  BunkerOverloadTest.GatedPing gate;
  Bunker bunker;
  PublicKey signer;

  @BeforeEach
  void start() throws Exception {
    var dir = Files.createTempDirectory("keycast-refusal");
    db =
        KeycastDatabase.open(
            "jdbc:sqlite:" + dir.resolve("k.db"), AesGcmKeyEncryption.create(MasterKey.random()));
    db.keys().generate("alice");
    Authorization a =
        db.authorizations()
            .create(
                NewAuthorization.builder("alice")
                    .relays(List.of(CapturingTransport.RELAY))
                    .policyName("social")
                    .build());
    signer = a.bunkerPublicKey();
    transport = new CapturingTransport();
    gate = new BunkerOverloadTest.GatedPing();
    bunker =
        Bunker.builder()
            .database(db)
            .relays(List.of(CapturingTransport.RELAY))
            .handler(gate)
            .workQueue(WorkQueueConfig.builder().name("tiny").workers(1).capacity(1).build())
            .transport(b -> transport)
            .build()
            .start();
    // Occupy the only worker (a gated ping) and the only slot (a second request): everything after
    // is refused.
    SecretKey holder = SecretKey.generate();
    transport.inject(
        request(holder, nip44(holder, "{\"id\":\"hold\",\"method\":\"ping\",\"params\":[]}")));
    assertThat(gate.entered.await(20, TimeUnit.SECONDS)).isTrue();
    transport.inject(
        request(
            holder,
            nip44(holder, "{\"id\":\"slot\",\"method\":\"get_public_key\",\"params\":[]}")));
    await().atMost(WAIT).until(() -> bunker.health().queueDepth() == 1);
  }

  @AfterEach
  void stop() {
    gate.release.countDown();
    bunker.close();
    db.close();
  }

  SignedEvent request(SecretKey from, String content) {
    return NostrEvents.sign(
        new UnsignedEvent(
            from.publicKey(),
            System.currentTimeMillis() / 1000,
            24133,
            List.of(List.of("p", signer.toHex())),
            content),
        SchnorrSigner.create(from));
  }

  String nip44(SecretKey from, String plaintext) throws Exception {
    return Nip44Cipher.encrypt(plaintext, Nip44ConversationKey.derive(from, signer));
  }

  static SignedEvent withSig(SignedEvent e, String sig) {
    return new SignedEvent(e.id(), e.pubkey(), e.createdAt(), e.kind(), e.tags(), e.content(), sig);
  }

  List<SignedEvent> repliesTo(SignedEvent request) {
    return transport.published.stream()
        .filter(e -> e.tags().contains(List.of("e", request.id())))
        .toList();
  }

  Nip46Response onlyReply(SignedEvent request, SecretKey client, boolean nip04) throws Exception {
    await().atMost(WAIT).until(() -> !repliesTo(request).isEmpty());
    List<SignedEvent> replies = repliesTo(request);
    assertThat(replies).hasSize(1);
    SignedEvent reply = replies.get(0);
    NostrEvents.verify(reply);
    assertThat(reply.tags()).contains(List.of("p", client.publicKey().toHex()));
    String plain =
        nip04
            ? Nip04Cipher.decrypt(reply.content(), client, signer)
            : Nip44Cipher.decrypt(reply.content(), Nip44ConversationKey.derive(client, signer));
    return Nip46Codec.parseResponse(plain);
  }

  long rejected(EventRejectReason r) {
    return bunker.stats().rejected(r);
  }

  @Test
  void nip44Refusal_answeredOverloaded_inTheRequestsScheme() throws Exception {
    SecretKey client = SecretKey.generate();
    SignedEvent req =
        request(
            client, nip44(client, "{\"id\":\"r1\",\"method\":\"get_public_key\",\"params\":[]}"));
    long full = rejected(EventRejectReason.QUEUE_FULL);
    transport.inject(req);
    assertThat(onlyReply(req, client, false)).isEqualTo(Nip46Response.error("r1", OVERLOADED));
    assertThat(rejected(EventRejectReason.QUEUE_FULL)).isEqualTo(full + 1);
    assertThat(bunker.stats().responses("get_public_key", ResponseOutcome.OVERLOADED)).isEqualTo(1);
  }

  @Test
  void replyNoRelayAccepts_countedUndelivered() throws Exception {
    transport.relaysAccept = false;
    SecretKey client = SecretKey.generate();
    SignedEvent req =
        request(client, nip44(client, "{\"id\":\"u1\",\"method\":\"ping\",\"params\":[]}"));
    long before = rejected(EventRejectReason.REPLY_UNDELIVERED);
    transport.inject(req);
    await().atMost(WAIT).until(() -> rejected(EventRejectReason.REPLY_UNDELIVERED) == before + 1);
    assertThat(repliesTo(req)).hasSize(1);
  }

  @Test
  void nip44ForgedSignature_refusedToTheNamedSender_genuineRequestStillServedLater()
      throws Exception {
    SecretKey client = SecretKey.generate();
    SignedEvent good =
        request(client, nip44(client, "{\"id\":\"g1\",\"method\":\"ping\",\"params\":[]}"));
    SignedEvent forged = withSig(good, "00".repeat(64));
    transport.inject(forged);
    // The content's MAC proves the sender holds the client key: the refusal goes to that client,
    // encrypted.
    assertThat(onlyReply(forged, client, false)).isEqualTo(Nip46Response.error("g1", OVERLOADED));
    // The unverified id was not recorded as seen: once there is room, the genuine event is served.
    gate.release.countDown();
    await().atMost(WAIT).until(() -> bunker.health().queueDepth() == 0);
    transport.published.clear();
    long duplicates = rejected(EventRejectReason.DUPLICATE);
    transport.inject(good);
    assertThat(onlyReply(good, client, false)).isEqualTo(Nip46Response.ok("g1", "pong"));
    assertThat(rejected(EventRejectReason.DUPLICATE)).isEqualTo(duplicates);
  }

  @Test
  void nip44CapturedPayloadResentWithRandomIdsAndSignatures_oneRefusalInAll() throws Exception {
    SecretKey client = SecretKey.generate();
    SignedEvent good =
        request(client, nip44(client, "{\"id\":\"c1\",\"method\":\"ping\",\"params\":[]}"));
    long duplicates = rejected(EventRejectReason.DUPLICATE);
    java.util.Random random = new java.util.Random(7);
    List<SignedEvent> copies = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      byte[] id = new byte[32];
      byte[] sig = new byte[64];
      random.nextBytes(id);
      random.nextBytes(sig);
      java.util.HexFormat hex = java.util.HexFormat.of();
      copies.add(
          new SignedEvent(
              hex.formatHex(id),
              good.pubkey(),
              good.createdAt(),
              good.kind(),
              good.tags(),
              good.content(),
              hex.formatHex(sig)));
    }
    copies.forEach(transport::inject);
    await()
        .atMost(WAIT)
        .until(() -> rejected(EventRejectReason.DUPLICATE) == duplicates + copies.size() - 1);
    await().atMost(WAIT).until(() -> copies.stream().anyMatch(c -> !repliesTo(c).isEmpty()));
    long answered = copies.stream().filter(c -> !repliesTo(c).isEmpty()).count();
    assertThat(answered).isEqualTo(1);
  }

  @Test
  void nip44TamperedContent_noReply_countedUndecryptable() throws Exception {
    SecretKey client = SecretKey.generate();
    byte[] payload =
        Base64.getDecoder()
            .decode(nip44(client, "{\"id\":\"t1\",\"method\":\"ping\",\"params\":[]}"));
    payload[payload.length - 40] ^= 1; // inside the ciphertext: the MAC no longer matches
    SignedEvent req = request(client, Base64.getEncoder().encodeToString(payload));
    long before = rejected(EventRejectReason.UNDECRYPTABLE);
    transport.inject(req);
    await().atMost(WAIT).until(() -> rejected(EventRejectReason.UNDECRYPTABLE) == before + 1);
    assertThat(repliesTo(req)).isEmpty();
  }

  @Test
  void nip44ContentFromAnotherKey_noReply() throws Exception {
    // Someone else's genuine ciphertext under a claimed pubkey: the MAC is checked with the claimed
    // sender's key.
    SecretKey victim = SecretKey.generate();
    SecretKey attacker = SecretKey.generate();
    SignedEvent req =
        request(attacker, nip44(victim, "{\"id\":\"v1\",\"method\":\"ping\",\"params\":[]}"));
    long before = rejected(EventRejectReason.UNDECRYPTABLE);
    transport.inject(req);
    await().atMost(WAIT).until(() -> rejected(EventRejectReason.UNDECRYPTABLE) == before + 1);
    assertThat(repliesTo(req)).isEmpty();
  }

  @Test
  void nip04Refusal_verified_answeredInNip04() throws Exception {
    SecretKey client = SecretKey.generate();
    SignedEvent req =
        request(
            client,
            Nip04Cipher.encrypt(
                "{\"id\":\"n1\",\"method\":\"ping\",\"params\":[]}", client, signer));
    transport.inject(req);
    assertThat(onlyReply(req, client, true)).isEqualTo(Nip46Response.error("n1", OVERLOADED));
  }

  @Test
  void nip04ForgedSignature_noReply_countedBadSignature() throws Exception {
    SecretKey client = SecretKey.generate();
    SignedEvent good =
        request(
            client,
            Nip04Cipher.encrypt(
                "{\"id\":\"n2\",\"method\":\"ping\",\"params\":[]}", client, signer));
    SignedEvent forged = withSig(good, "00".repeat(64));
    long before = rejected(EventRejectReason.BAD_SIGNATURE);
    transport.inject(forged);
    await().atMost(WAIT).until(() -> rejected(EventRejectReason.BAD_SIGNATURE) == before + 1);
    assertThat(repliesTo(forged)).isEmpty();
  }

  @Test
  void invalidBodyWhileOverloaded_answeredInvalidRequest() throws Exception {
    SecretKey client = SecretKey.generate();
    SignedEvent req = request(client, nip44(client, "{\"id\":\"i1\",\"method\":42}"));
    transport.inject(req);
    assertThat(onlyReply(req, client, false))
        .isEqualTo(Nip46Response.error("i1", "invalid request"));
  }
}
