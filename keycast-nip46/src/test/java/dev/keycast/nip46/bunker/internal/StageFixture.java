package dev.keycast.nip46.bunker.internal;

import dev.keycast.crypto.Nip44ConversationKeyCache;
import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SchnorrSigner;
import dev.keycast.crypto.SecretKey;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.Nip46Envelope;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.server.BunkerStatsCounter;
import dev.keycast.nip46.server.EventRejectReason;
import dev.keycast.nip46.store.AesGcmKeyEncryption;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.ConnectOutcome;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.store.MasterKey;
import dev.keycast.nip46.store.NewAuthorization;
import dev.keycast.queue.CpuExecutor;
import dev.keycast.queue.CpuExecutorConfig;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Real parts for the stage tests: a SQLite database with one user key and one authorization, the
 * cache over it, a one-thread CPU executor, a client key and requests sealed by it.
 */
final class StageFixture implements AutoCloseable {
  static final String RELAY = "wss://stage.invalid";
  static final String AUTH_RELAY = "wss://auth.invalid";

  final KeycastDatabase db;
  final Authorization auth;
  final AuthorizationCache cache;
  final StatsRecorder stats = new StatsRecorder(BunkerStatsCounter.disabled());
  final CpuExecutor cpu =
      CpuExecutor.start(CpuExecutorConfig.builder().name("stage-crypto").threads(1).build());
  final Nip46Envelope envelope = new Nip46Envelope(new Nip44ConversationKeyCache(16));
  final CountedCpu counted = new CountedCpu(stats, () -> false);
  final SecretKey client = SecretKey.generate();
  final Clock clock = Clock.systemUTC();

  StageFixture(String policyName) throws Exception {
    db =
        KeycastDatabase.open(
            "jdbc:sqlite:" + Files.createTempDirectory("keycast-stage").resolve("k.db"),
            AesGcmKeyEncryption.create(MasterKey.random()));
    db.keys().generate("alice");
    auth =
        db.authorizations()
            .create(
                NewAuthorization.builder("alice")
                    .relays(AUTH_RELAY)
                    .policyName(policyName)
                    .build());
    cache =
        AuthorizationCache.builder(db.authorizations(), db.keys())
            .policies(db.policies()::resolve)
            .build();
  }

  /** Connects the client to the authorization with {@code perms}. */
  void connect(String perms) {
    ConnectOutcome o =
        db.authorizations()
            .connect(
                auth.id(),
                client.publicKey(),
                auth.secret(),
                PermissionSet.parse(perms),
                Instant.now());
    if (!(o instanceof ConnectOutcome.Connected)) {
      throw new IllegalStateException(o.toString());
    }
  }

  PublicKey signerKey() {
    return auth.bunkerPublicKey();
  }

  AuthorizedSigner signer() {
    return cache.signer(signerKey()).orElseThrow();
  }

  /** A request from the client to the signer key, NIP-44 or NIP-04. */
  SignedEvent request(String body, Nip46Envelope.Scheme scheme) throws Exception {
    return envelope.seal(
        scheme,
        body,
        client,
        SchnorrSigner.create(client),
        signerKey(),
        clock.instant().getEpochSecond(),
        List.of());
  }

  SignedEvent request(String body) throws Exception {
    return request(body, Nip46Envelope.Scheme.NIP44);
  }

  RequestTask task(SignedEvent event) {
    return new RequestTask(
        event,
        signerKey().toHex(),
        Nip46Envelope.dedupeKey(event),
        RELAY,
        clock.instant(),
        t -> {});
  }

  RequestParties parties() {
    return new RequestParties(client.publicKey(), signerKey());
  }

  long rejected(EventRejectReason reason) {
    return stats.snapshot().rejected(reason);
  }

  @Override
  public void close() {
    cpu.close();
    db.close();
  }
}
