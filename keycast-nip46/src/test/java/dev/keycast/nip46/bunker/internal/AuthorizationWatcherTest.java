package dev.keycast.nip46.bunker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.AuthorizationStore;
import dev.keycast.nip46.store.NewAuthorization;
import java.lang.ref.WeakReference;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AuthorizationWatcherTest {
  final StageFixture fx = new StageFixture("social");
  final AtomicInteger changeReads = new AtomicInteger();
  final AuthorizationStore counting =
      (AuthorizationStore)
          Proxy.newProxyInstance(
              AuthorizationStore.class.getClassLoader(),
              new Class<?>[] {AuthorizationStore.class},
              (proxy, m, args) -> {
                if (m.getName().equals("changesSince") || m.getName().equals("list")) {
                  changeReads.incrementAndGet();
                }
                try {
                  return m.invoke(fx.db.authorizations(), args);
                } catch (InvocationTargetException e) {
                  throw e.getCause();
                }
              });
  final AuthorizationCache cache =
      AuthorizationCache.builder(counting, fx.db.keys())
          .policies(fx.db.policies()::resolve)
          .watched()
          .build();
  final AuthorizationWatcher watcher = new AuthorizationWatcher(counting, cache, fx.clock);

  AuthorizationWatcherTest() throws Exception {}

  @AfterEach
  void close() {
    fx.close();
  }

  @Test
  void poll_first_servesEveryActiveAuthorizationAndItsRelays() {
    AuthorizationWatcher.Served served = watcher.poll(false);
    assertThat(served).isNotNull();
    assertThat(served.signerKeys()).containsExactly(fx.signerKey().toHex());
    assertThat(served.relays()).containsExactly(StageFixture.AUTH_RELAY);
    assertThat(watcher.poll(false)).isNull(); // nothing changed
  }

  @Test
  void poll_afterAChange_readsItOnceForBothTheCacheAndTheSubscription() {
    watcher.poll(false);
    assertThat(cache.signer(fx.signerKey()).orElseThrow().authorization().isRevoked()).isFalse();
    Authorization second =
        fx.db
            .authorizations()
            .create(NewAuthorization.builder("alice").relays("wss://b.invalid").build());
    fx.db.authorizations().revoke(fx.auth.id(), Instant.now());
    int before = changeReads.get();
    AuthorizationWatcher.Served served = watcher.poll(false);
    assertThat(changeReads.get() - before).isEqualTo(1);
    // still served for a day after revocation, so its clients hear "unauthorized"
    assertThat(served.signerKeys())
        .containsExactlyInAnyOrder(fx.signerKey().toHex(), second.bunkerPublicKey().toHex());
    // the cache dropped the revoked entry without reading the changes itself
    assertThat(cache.signer(fx.signerKey()).orElseThrow().authorization().isRevoked()).isTrue();
    assertThat(changeReads.get() - before).isEqualTo(1);
  }

  @Test
  void poll_first_holdsEveryServedBunkerKey_soLookupsNeverReadTheStore() {
    watcher.poll(false);
    // the store is gone: the key is still found, from memory
    fx.db.close();
    AuthorizedSigner held = cache.signer(fx.signerKey()).orElseThrow();
    assertThat(held.authorization().id()).isEqualTo(fx.auth.id());
    assertThat(held.signer().publicKey()).isEqualTo(fx.signerKey());
  }

  /** Issue 16 item 3: a first request finds its connected client in memory, not in the store. */
  @Test
  void poll_first_loadsEveryConnectedClient_soAFirstLookupNeverReadsTheStore() {
    fx.connect("sign_event:1");
    watcher.poll(false);
    long loads = cache.loadCount();
    fx.db.close(); // the store is gone: the client is still found, from memory
    assertThat(cache.client(fx.auth.id(), fx.client.publicKey())).isPresent();
    assertThat(cache.loadCount()).isEqualTo(loads);
  }

  /** Every served bunker key can be derived ahead of its first request; a stop ends the walk. */
  @Test
  void warmSigners_derivesEveryServedKey_orNoneWhenStopped() {
    watcher.poll(false);
    assertThat(cache.warmSigners(() -> true)).isZero();
    assertThat(cache.warmSigners(() -> false)).isEqualTo(1);
    fx.db.close(); // derived: no store needed
    assertThat(cache.signer(fx.signerKey()).orElseThrow().signer().publicKey())
        .isEqualTo(fx.signerKey());
  }

  /** A preloaded client's conversation key can be derived before its first request. */
  @Test
  void warmConversations_derivesOnePerConnectedClient_upToTheLimit() {
    fx.connect("sign_event:1");
    watcher.poll(false);
    java.util.List<dev.keycast.crypto.PublicKey> seen = new java.util.ArrayList<>();
    assertThat(cache.warmConversations((bunker, client) -> seen.add(client), 0, () -> false))
        .isZero();
    assertThat(
            cache.warmConversations(
                (bunker, client) -> {
                  assertThat(bunker.publicKey()).isEqualTo(fx.signerKey());
                  seen.add(client);
                },
                10,
                () -> false))
        .isEqualTo(1);
    assertThat(seen).containsExactly(fx.client.publicKey());
  }

  /** Issue 13 item 10: a deleted authorization's decrypted bunker key is not kept. */
  @Test
  void poll_afterDeletion_dropsTheKeyAndKeepsNoReference() throws Exception {
    watcher.poll(false);
    WeakReference<Object> key =
        new WeakReference<>(cache.signer(fx.signerKey()).orElseThrow().bunkerKey());
    assertThat(fx.db.authorizations().delete(fx.auth.id())).isTrue();
    watcher.poll(false);
    assertThat(cache.signer(fx.signerKey())).isEmpty();
    assertThat(SingleFlightCacheTest.collected(key)).as("the deleted key is unreachable").isTrue();
  }
}
