package dev.keycast.nip46.bunker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.bunker.FlakyAuthorizationStore;
import dev.keycast.nip46.store.AesGcmKeyEncryption;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.DatabaseUnavailableException;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.store.MasterKey;
import dev.keycast.nip46.store.NewAuthorization;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The cache over a real SQLite store, with a counting (and switchable) wrapper around it. */
class AuthorizationCacheTest {
  MasterKey master = MasterKey.random();
  String url;
  KeycastDatabase db;
  FlakyAuthorizationStore store;
  Authorization auth;

  @BeforeEach
  void setUp() throws Exception {
    url = "jdbc:sqlite:" + Files.createTempDirectory("keycast-cache").resolve("k.db");
    db = KeycastDatabase.open(url, AesGcmKeyEncryption.create(master));
    db.keys().generate("alice");
    auth =
        db.authorizations()
            .create(NewAuthorization.builder("alice").relays("ws://127.0.0.1:1").build());
    store = new FlakyAuthorizationStore(db.authorizations());
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  AuthorizationCache cache() {
    return AuthorizationCache.builder(store.store, db.keys())
        .refreshInterval(Duration.ofHours(1))
        .build();
  }

  @Test
  void signer_manyConcurrentColdLookups_oneStoreLoad() throws Exception {
    AuthorizationCache cache = cache();
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Optional<AuthorizedSigner>>> results = new ArrayList<>();
    try (var ex = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 64; i++) {
        results.add(
            ex.submit(
                () -> {
                  go.await();
                  return cache.signer(auth.bunkerPublicKey());
                }));
      }
      go.countDown();
    }
    for (Future<Optional<AuthorizedSigner>> f : results) {
      assertThat(f.get()).get().extracting(s -> s.authorization().id()).isEqualTo(auth.id());
    }
    assertThat(store.findByBunkerKeyCalls.get()).isEqualTo(1);
    assertThat(cache.signerLoadCount()).isEqualTo(1);
    assertThat(cache.signer(auth.bunkerPublicKey()).orElseThrow().bunkerKey().publicKey())
        .isEqualTo(auth.bunkerPublicKey());
  }

  @Test
  void signer_unknownKey_missCachedNegatively() {
    AuthorizationCache cache = cache();
    PublicKey unknown = SecretKey.generate().publicKey();
    for (int i = 0; i < 100; i++) {
      assertThat(cache.signer(unknown)).isEmpty();
    }
    assertThat(store.findByBunkerKeyCalls.get()).isEqualTo(1);
  }

  @Test
  void refresh_afterRevokeThroughOtherHandle_reloadsRevoked() {
    AuthorizationCache cache = cache();
    cache.refresh();
    assertThat(cache.signer(auth.bunkerPublicKey()).orElseThrow().authorization().isRevoked())
        .isFalse();
    try (KeycastDatabase cli = KeycastDatabase.open(url, AesGcmKeyEncryption.create(master))) {
      cli.authorizations().revoke(auth.id(), Instant.now());
    }
    assertThat(cache.refreshIfChanged()).isTrue();
    assertThat(cache.signer(auth.bunkerPublicKey()).orElseThrow().authorization().isRevoked())
        .isTrue();
    assertThat(cache.refreshIfChanged()).isFalse();
  }

  @Test
  void signer_storeDown_failureNotCachedThenRecovers() {
    AuthorizationCache cache = cache();
    store.down = true;
    assertThatThrownBy(() -> cache.signer(auth.bunkerPublicKey()))
        .isInstanceOf(DatabaseUnavailableException.class);
    store.down = false;
    assertThat(cache.signer(auth.bunkerPublicKey())).isPresent();
  }

  @Test
  void refresh_changeToOneAuthorization_keepsTheOthersCached() {
    Authorization other =
        db.authorizations()
            .create(NewAuthorization.builder("alice").relays("ws://127.0.0.1:2").build());
    AuthorizationCache cache = cache();
    cache.refresh();
    cache.signer(auth.bunkerPublicKey());
    cache.signer(other.bunkerPublicKey());
    int loads = store.findByBunkerKeyCalls.get();
    try (KeycastDatabase cli = KeycastDatabase.open(url, AesGcmKeyEncryption.create(master))) {
      cli.authorizations().revoke(auth.id(), Instant.now());
    }
    assertThat(cache.refreshIfChanged()).isTrue();
    assertThat(cache.signer(other.bunkerPublicKey()).orElseThrow().authorization().isRevoked())
        .isFalse();
    assertThat(store.findByBunkerKeyCalls.get()).isEqualTo(loads); // untouched: still cached
    assertThat(cache.signer(auth.bunkerPublicKey()).orElseThrow().authorization().isRevoked())
        .isTrue();
    assertThat(store.findByBunkerKeyCalls.get()).isEqualTo(loads + 1);
  }
}
