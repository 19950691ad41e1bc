package dev.keycast.nip46.bunker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SecretKey;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.BunkerUri;
import dev.keycast.nip46.EventJson;
import dev.keycast.nip46.EventTemplate;
import dev.keycast.nip46.Filter;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.client.Nip46Client;
import dev.keycast.nip46.client.Nip46Result;
import dev.keycast.nip46.relay.DevRelay;
import dev.keycast.nip46.relay.RelayPoolConfig;
import dev.keycast.nip46.relay.Subscriptions;
import dev.keycast.nip46.store.AesGcmKeyEncryption;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.store.MasterKey;
import dev.keycast.nip46.store.NewAuthorization;
import dev.keycast.nip46.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A real in-process set-up: SQLite file, dev relays on ephemeral ports, a running Bunker, real
 * clients.
 */
final class Fixture implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final RelayPoolConfig FAST_RECONNECT =
      RelayPoolConfig.builder().backoff(Duration.ofMillis(100), Duration.ofMillis(500)).build();

  final MasterKey masterKey = MasterKey.random();
  final String jdbcUrl;
  final KeycastDatabase db;
  final List<DevRelay> relays = new ArrayList<>();
  final FlakyAuthorizationStore store;
  final Bunker bunker;
  private final List<Nip46Client> clients = new ArrayList<>();

  final TestDatabase database;

  Fixture(int relayCount, Consumer<Bunker.Builder> customize) throws Exception {
    this(TestDatabase.sqlite(), relayCount, customize);
  }

  Fixture(TestDatabase database, int relayCount, Consumer<Bunker.Builder> customize)
      throws Exception {
    this(database, database.url(), relayCount, customize);
  }

  /** A fixture whose store connects through {@code jdbcUrl} (e.g. a fault proxy's). */
  Fixture(TestDatabase database, String jdbcUrl, int relayCount, Consumer<Bunker.Builder> customize)
      throws Exception {
    this(database, jdbcUrl, Duration.ofSeconds(5), relayCount, customize);
  }

  /**
   * A fixture whose store connects through {@code jdbcUrl} and waits at most {@code dbTimeout} for
   * a connection (the daemon's {@code --db-timeout}).
   */
  Fixture(
      TestDatabase database,
      String jdbcUrl,
      Duration dbTimeout,
      int relayCount,
      Consumer<Bunker.Builder> customize)
      throws Exception {
    this.database = database;
    this.jdbcUrl = jdbcUrl;
    db =
        KeycastDatabase.builder(jdbcUrl)
            .keyEncryption(AesGcmKeyEncryption.create(masterKey))
            .connectionTimeout(dbTimeout)
            .open();
    db.keys().generate("alice");
    for (int i = 0; i < relayCount; i++) {
      relays.add(DevRelay.start("127.0.0.1", 0));
    }
    store = new FlakyAuthorizationStore(db.authorizations());
    Bunker.Builder b =
        Bunker.builder()
            .stores(store.store, db.keys(), db.audit())
            .relayPoolConfig(FAST_RECONNECT)
            .relays(relayUrls())
            .pollInterval(Duration.ofMillis(200))
            .changeFeed(db.changeFeed())
            // remembered approval answers in the database, as Builder.database (the daemon) sets
            .rememberedApprovals(db.rememberedApprovals())
            .shutdownDeadline(Duration.ofSeconds(2));
    customize.accept(b);
    bunker = b.build().start();
  }

  List<String> relayUrls() {
    return relays.stream().map(DevRelay::url).toList();
  }

  /** Opens a second database handle on the same file, as the CLI would. */
  KeycastDatabase secondHandle() {
    return KeycastDatabase.open(jdbcUrl, AesGcmKeyEncryption.create(masterKey));
  }

  Authorization authorize(String policy, Integer maxUses) {
    return authorize(policy, maxUses, relayUrls());
  }

  Authorization authorize(String policy, Integer maxUses, List<String> relays) {
    Authorization a =
        db.authorizations()
            .create(
                NewAuthorization.builder("alice")
                    .relays(relays)
                    .policyName(policy)
                    .maxUses(maxUses)
                    .build());
    awaitServing(a);
    return a;
  }

  /**
   * Waits until the bunker serves the authorization and one of its relays holds the bunker's
   * subscription for the new key: the REQ may still be in flight when the bunker lists the key, and
   * a client's request (ephemeral) that reaches the relay before it is lost.
   */
  void awaitServing(Authorization a) {
    String hex = a.bunkerPublicKey().toHex();
    await("bunker subscribed to the new authorization")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> bunker.signerKeys().contains(hex));
    Predicate<Filter> forKey =
        f ->
            f.kinds() != null
                && f.kinds().contains(24133)
                && (!f.tags().containsKey('p') || f.tags().get('p').contains(hex));
    await("a relay holds the bunker's subscription for the new key")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(20))
        .until(
            () ->
                relays.stream()
                    .filter(r -> a.relays().contains(r.url()))
                    .anyMatch(r -> hasSubscription(r, forKey)));
  }

  private static boolean hasSubscription(DevRelay r, Predicate<Filter> filter) {
    try {
      return r.awaitSubscription(filter, Duration.ZERO); // never waits
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * Waits until a client holds a live subscription on the first relay to events addressed to {@code
   * recipient}: the signer's ephemeral replies reach live subscriptions only.
   */
  void awaitSubscriber(PublicKey recipient) throws InterruptedException {
    Subscriptions.awaitAddressedTo(relays.get(0), recipient.toHex(), WAIT);
  }

  Nip46Client client(Authorization a) throws InterruptedException {
    return client(a, SecretKey.generate(), b -> {});
  }

  Nip46Client client(Authorization a, SecretKey key, Consumer<Nip46Client.Builder> customize)
      throws InterruptedException {
    Nip46Client.Builder b =
        Nip46Client.builder(new BunkerUri(a.bunkerPublicKey(), a.relays(), a.secret()), key)
            .timeout(WAIT)
            .relayPoolConfig(FAST_RECONNECT);
    customize.accept(b);
    Nip46Client c = b.build();
    clients.add(c);
    assertThat(c.awaitConnected(WAIT)).as("client connected to a relay").isTrue();
    return c;
  }

  /** An authorization plus a client that connected to it with the given perms. */
  Nip46Client connected(String policy, String perms) throws Exception {
    Authorization a = authorize(policy, 1);
    Nip46Client c = client(a);
    assertThat(result(c.connect(PermissionSet.parse(perms))))
        .isEqualTo(new Nip46Result.Success("ack"));
    return c;
  }

  static Nip46Result result(java.util.concurrent.CompletableFuture<Nip46Result> f)
      throws Exception {
    return f.get(WAIT.toSeconds() + 5, TimeUnit.SECONDS);
  }

  static EventTemplate note(int kind, String content) {
    return new EventTemplate(
        kind, content, List.of(List.of("t", "test")), System.currentTimeMillis() / 1000);
  }

  static SignedEvent verifiedEvent(String json) throws Exception {
    SignedEvent e = EventJson.parse(json);
    NostrEvents.verify(e);
    return e;
  }

  @Override
  public void close() throws Exception {
    for (Nip46Client c : clients) {
      c.close();
    }
    bunker.close();
    for (DevRelay r : relays) {
      r.close();
    }
    db.close();
    database.close();
  }
}
