package dev.keycast.nip46.bunker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.BunkerUri;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.client.Nip46Client;
import dev.keycast.nip46.client.Nip46Result;
import dev.keycast.nip46.relay.DevRelay;
import dev.keycast.nip46.relay.Subscriptions;
import dev.keycast.nip46.store.AesGcmKeyEncryption;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.AuthorizationStore;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.store.MasterKey;
import dev.keycast.nip46.store.NewAuthorization;
import dev.keycast.nip46.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 16 item 3, "cold is as fast as warm", checked by what the daemon does rather than by a
 * timing: after start and its key warmer, the first request to each of several bunker keys that
 * were never used since start reads nothing from the authorization store (the authorization, the
 * bunker key and the connected client are in memory from start) and derives no conversation key
 * (the warmer derived every connected client's). Real SQLite store, real relay, real clients.
 */
class ColdKeyFirstRequestTest {
  private static final int KEYS = 7;

  /** Store calls a bunker makes on its own, not for a request: the change poll. */
  private static final Set<String> BACKGROUND = Set.of("changeVersion", "changesSince");

  @Test
  void afterTheWarmer_firstRequestsToUnusedKeys_readNoStoreAndDeriveNoKey() throws Exception {
    try (TestDatabase t = TestDatabase.sqlite();
        KeycastDatabase db =
            KeycastDatabase.open(t.url(), AesGcmKeyEncryption.create(MasterKey.random()));
        DevRelay relay = DevRelay.start("127.0.0.1", 0)) {
      db.keys().generate("alice");
      List<Authorization> auths = new ArrayList<>();
      List<SecretKey> clientKeys = new ArrayList<>();
      for (int i = 0; i < KEYS; i++) {
        auths.add(
            db.authorizations()
                .create(NewAuthorization.builder("alice").relays(List.of(relay.url())).build()));
        clientKeys.add(SecretKey.generate());
      }
      // The clients connect through a first daemon, which then stops: the connections are in
      // the store, and the daemon under test has served none of these keys.
      try (Bunker first = start(db, db.authorizations(), relay)) {
        awaitSubscribed(relay, auths);
        for (int i = 0; i < KEYS; i++) {
          try (Nip46Client c = client(auths.get(i), clientKeys.get(i))) {
            assertThat(c.connect(PermissionSet.parse("sign_event")).get(20, TimeUnit.SECONDS))
                .isEqualTo(new Nip46Result.Success("ack"));
          }
        }
      }
      FlakyAuthorizationStore store = new FlakyAuthorizationStore(db.authorizations());
      try (Bunker bunker = start(db, store.store, relay)) {
        assertThat(bunker.awaitKeysWarmed(Duration.ofSeconds(30))).as("key warmer done").isTrue();
        awaitSubscribed(relay, auths);
        int derived = bunker.conversationKeysCached();
        assertThat(derived).as("conversation keys derived ahead").isGreaterThanOrEqualTo(KEYS);
        List<Nip46Client> clients = new ArrayList<>();
        try {
          for (int i = 0; i < KEYS; i++) {
            clients.add(client(auths.get(i), clientKeys.get(i)));
          }
          Thread.sleep(300); // the clients' subscriptions reach the relay
          store.calls.clear();
          List<CompletableFuture<Nip46Result>> first = new ArrayList<>();
          for (Nip46Client c : clients) {
            first.add(c.signEvent(Fixture.note(1, "first request since start")));
          }
          for (CompletableFuture<Nip46Result> f : first) {
            assertThat(f.get(20, TimeUnit.SECONDS)).isInstanceOf(Nip46Result.Success.class);
          }
          Map<String, Integer> lookups = new TreeMap<>();
          store.calls.forEach(
              (method, n) -> {
                if (!BACKGROUND.contains(method)) {
                  lookups.put(method, n.get());
                }
              });
          assertThat(lookups).as("authorization store calls for the first requests").isEmpty();
          assertThat(bunker.conversationKeysCached())
              .as("no conversation key derived on a request")
              .isEqualTo(derived);
        } finally {
          for (Nip46Client c : clients) {
            c.close();
          }
        }
      }
    }
  }

  /** Waits until the relay holds the bunker's subscription for each key (its clients' requests). */
  private static void awaitSubscribed(DevRelay relay, List<Authorization> auths)
      throws InterruptedException {
    for (Authorization a : auths) {
      Subscriptions.awaitAddressedTo(relay, a.bunkerPublicKey().toHex(), Duration.ofSeconds(20));
    }
  }

  private static Bunker start(KeycastDatabase db, AuthorizationStore store, DevRelay relay) {
    return Bunker.builder()
        .stores(store, db.keys(), db.audit())
        .rememberedApprovals(db.rememberedApprovals())
        .changeFeed(db.changeFeed())
        .relayPoolConfig(Fixture.FAST_RECONNECT)
        .relays(List.of(relay.url()))
        .pollInterval(Duration.ofMillis(200))
        .shutdownDeadline(Duration.ofSeconds(2))
        .build()
        .start();
  }

  private static Nip46Client client(Authorization a, SecretKey key) throws InterruptedException {
    Nip46Client c =
        Nip46Client.builder(new BunkerUri(a.bunkerPublicKey(), a.relays(), a.secret()), key)
            .timeout(Duration.ofSeconds(20))
            .relayPoolConfig(Fixture.FAST_RECONNECT)
            .build();
    assertThat(c.awaitConnected(Duration.ofSeconds(20))).isTrue();
    return c;
  }
}
