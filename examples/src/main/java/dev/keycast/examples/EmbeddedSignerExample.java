package dev.keycast.examples;

import dev.keycast.nip46.BunkerUri;
import dev.keycast.nip46.bunker.Bunker;
import dev.keycast.nip46.policy.Policies;
import dev.keycast.nip46.policy.Policy;
import dev.keycast.nip46.policy.RateLimit;
import dev.keycast.nip46.relay.DevRelay;
import dev.keycast.nip46.store.AesGcmKeyEncryption;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.store.MasterKey;
import dev.keycast.nip46.store.NewAuthorization;
import dev.keycast.nip46.store.StoredKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Embeds the signer in your own program, as a service: the stored keys are encrypted (AES-256-GCM)
 * under a master key file, the key {@code alice} and her authorization are found or created (so a
 * second run reuses them), a custom "notes-only" policy is resolved by name, and the bunker serves
 * until SIGTERM or Ctrl-C, then closes.
 *
 * <p>To protect the keys with a KMS or HSM instead of a file, implement {@code KeyEncryption} and
 * pass it to {@code keyEncryption(...)}. Needs {@code keycast-nip46} with {@code
 * keycast-store-sqlite} (and {@code Java-WebSocket} only for the dev relay); run the JVM with
 * {@code --enable-native-access=ALL-UNNAMED}.
 *
 * <p>Run: {@code ./mvnw -q -pl examples -am compile exec:java
 * -Dexec.mainClass=dev.keycast.examples.EmbeddedSignerExample -Dexec.args="keycast-data
 * wss://relay.example.com"} (without a relay it starts a dev relay on 127.0.0.1 and serves on
 * that).
 */
public final class EmbeddedSignerExample {
  private EmbeddedSignerExample() {}

  /**
   * Your policy: text notes (kind 1) only, no encryption, no "password" in content, 60 requests a
   * minute.
   */
  static final Policy NOTES_ONLY =
      Policy.builder("notes-only")
          .permissions("sign_event:1")
          .blockedWords(List.of("password"))
          .rateLimit(RateLimit.perMinute(60))
          .build();

  static Optional<Policy> policies(String name) {
    return NOTES_ONLY.name().equals(name) ? Optional.of(NOTES_ONLY) : Policies.builtIn(name);
  }

  /**
   * Runs the signer until the JVM is asked to stop.
   *
   * @param args {@code [data folder [relay URL]]}; defaults: {@code keycast-data}, a dev relay on
   *     127.0.0.1
   * @throws Exception if anything fails
   */
  public static void main(String[] args) throws Exception {
    Path home = Path.of(args.length > 0 ? args[0] : "keycast-data");
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    // SIGTERM/Ctrl-C: release main, then hold the JVM until main has closed the bunker and the
    // database.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stop.countDown();
                  try {
                    closed.await(30, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "keycast-example-shutdown"));
    try {
      if (args.length > 1) {
        serve(home, args[1], uri -> System.out.println("bunker URI: " + uri), stop);
      } else {
        try (DevRelay relay = DevRelay.start("127.0.0.1", 0)) {
          System.out.println("dev relay: " + relay.url());
          serve(home, relay.url(), uri -> System.out.println("bunker URI: " + uri), stop);
        }
      }
    } finally {
      closed.countDown();
    }
  }

  /**
   * Opens (or creates) the signer's data in {@code home}, serves on {@code relay} until {@code
   * stop} opens, then closes everything. Blocks.
   *
   * @param home the data folder: {@code master.key} and {@code signer.db}
   * @param relay the relay URL the bunker listens and answers on
   * @param onUri receives the bunker URI to give to a client app, once serving
   * @param stop opened to stop
   * @throws Exception if opening, serving or closing fails (interrupted included)
   */
  static void serve(Path home, String relay, Consumer<String> onUri, CountDownLatch stop)
      throws Exception {
    Files.createDirectories(home);
    MasterKey masterKey =
        MasterKey.readOrGenerate(home.resolve("master.key")); // 0600; back it up apart from the db
    try (KeycastDatabase db =
        KeycastDatabase.builder("jdbc:sqlite:" + home.resolve("signer.db"))
            .keyEncryption(AesGcmKeyEncryption.create(masterKey))
            .open()) {
      StoredKey alice = db.keys().find("alice").orElseGet(() -> db.keys().generate("alice"));
      Authorization auth =
          db.authorizations().listForKey(alice.name()).stream()
              .filter(a -> a.revokedAt() == null && a.relays().contains(relay))
              .findFirst()
              // The store keeps only a hash of the connect secret: a reused authorization gets a
              // fresh one so that its URI can be shown (connected clients stay connected).
              .flatMap(a -> db.authorizations().renewSecret(a.id()))
              .orElseGet(
                  () ->
                      db.authorizations()
                          .create(
                              NewAuthorization.builder(alice.name())
                                  .relays(relay)
                                  .policyName(NOTES_ONLY.name())
                                  .maxUses(null)
                                  .build()));
      try (Bunker bunker =
          Bunker.builder()
              .database(db)
              .relays(List.of(relay))
              .policies(EmbeddedSignerExample::policies)
              .build()
              .start()) {
        onUri.accept(new BunkerUri(auth.bunkerPublicKey(), auth.relays(), auth.secret()).format());
        stop.await();
        System.out.println("stopping: " + bunker.health().status());
      }
    }
  }
}
