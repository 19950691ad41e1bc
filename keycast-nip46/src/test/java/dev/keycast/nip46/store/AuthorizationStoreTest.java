package dev.keycast.nip46.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.store.ConnectOutcome.Connected;
import dev.keycast.nip46.store.ConnectOutcome.Reason;
import dev.keycast.nip46.store.ConnectOutcome.Rejected;
import dev.keycast.nip46.testing.TestDatabase;
import dev.keycast.nip46.testing.TestDatabase.Backend;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AuthorizationStoreTest {
  private final KeyEncryption encryption = AesGcmKeyEncryption.create(MasterKey.random());
  private final Instant now = Instant.now();

  private static PublicKey client() {
    return SecretKey.generate().publicKey();
  }

  private static Authorization create(KeycastDatabase db, NewAuthorization.Builder b) {
    if (db.keys().find("alice").isEmpty()) {
      db.keys().generate("alice");
    }
    return db.authorizations().create(b.build());
  }

  private static NewAuthorization.Builder alice() {
    return NewAuthorization.builder("alice").relays("wss://relay.one", "wss://relay.two");
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void listAllClients_everyConnectedClientOfEveryAuthorization(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeycastDatabase db = t.open(encryption);
      Authorization a = create(db, alice().maxUses(5));
      Authorization b = create(db, alice().maxUses(5));
      assertThat(db.authorizations().listAllClients()).isEmpty();
      List<PublicKey> clients = List.of(client(), client(), client());
      db.authorizations().connect(a.id(), clients.get(0), a.secret(), PermissionSet.empty(), now);
      db.authorizations().connect(b.id(), clients.get(1), b.secret(), PermissionSet.empty(), now);
      db.authorizations().connect(a.id(), clients.get(2), a.secret(), PermissionSet.empty(), now);
      List<ConnectedClient> all = db.authorizations().listAllClients();
      assertThat(all)
          .extracting(ConnectedClient::authorizationId, ConnectedClient::clientPublicKey)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple(a.id(), clients.get(0)),
              org.assertj.core.groups.Tuple.tuple(b.id(), clients.get(1)),
              org.assertj.core.groups.Tuple.tuple(a.id(), clients.get(2)));
      assertThat(all)
          .isEqualTo(
              java.util.stream.Stream.concat(
                      db.authorizations().listClients(a.id()).stream(),
                      db.authorizations().listClients(b.id()).stream())
                  .sorted(java.util.Comparator.comparingLong(ConnectedClient::authorizationId))
                  .toList());
    }
  }

  /** In batches for a few ids; one pass over the table for many (a daemon's start): same answer. */
  @ParameterizedTest
  @EnumSource(Backend.class)
  void loadBunkerSecrets_fewOrManyIds_exactlyThePresentOnes_decryptToTheirPublicKeys(
      Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeycastDatabase db = t.open(encryption);
      List<Authorization> created =
          List.of(create(db, alice()), create(db, alice()), create(db, alice()));
      create(db, alice()); // not asked for
      List<Long> few = created.stream().map(Authorization::id).toList();
      List<Long> many = new java.util.ArrayList<>(few);
      for (long absent = 1_000_000; many.size() < 25_000; absent++) {
        many.add(absent); // no such authorization: left out
      }
      for (List<Long> ids : List.of(few, many)) {
        Map<Long, java.util.function.Supplier<dev.keycast.crypto.SecretKey>> keys =
            db.authorizations().loadBunkerSecrets(ids);
        assertThat(keys).as("%d ids asked", ids.size()).containsOnlyKeys(few);
        for (Authorization a : created) {
          assertThat(keys.get(a.id()).get().publicKey()).isEqualTo(a.bunkerPublicKey());
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void create_storesAllFieldsAndAnEncryptedBunkerKey(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeycastDatabase db = t.open(encryption);
      Instant expiry = Instant.ofEpochMilli(now.toEpochMilli() + 3_600_000);
      Authorization a =
          create(db, alice().policyName("full").maxUses(3).expiresAt(expiry).label("phone"));
      assertThat(a.keyName()).isEqualTo("alice");
      assertThat(a.userPublicKey()).isEqualTo(db.keys().find("alice").orElseThrow().publicKey());
      assertThat(a.relays()).containsExactly("wss://relay.one", "wss://relay.two");
      assertThat(a.policyName()).isEqualTo("full");
      assertThat(a.maxUses()).isEqualTo(3);
      assertThat(a.uses()).isZero();
      assertThat(a.expiresAt()).isEqualTo(expiry);
      assertThat(a.revokedAt()).isNull();
      assertThat(a.label()).isEqualTo("phone");
      assertThat(a.secret()).matches("[0-9a-f]{32}");
      assertThat(a.toString()).doesNotContain(a.secret());
      assertThat(a.bunkerPublicKey()).isNotEqualTo(a.userPublicKey());
      SecretKey bunker = db.authorizations().loadBunkerSecret(a.id()).orElseThrow();
      assertThat(bunker.publicKey()).isEqualTo(a.bunkerPublicKey());
      // Read back, the secret is absent (the store keeps only its hash); all else is equal.
      Authorization stored = withoutSecret(a);
      assertThat(db.authorizations().find(a.id())).contains(stored);
      assertThat(db.authorizations().findByBunkerPublicKey(a.bunkerPublicKey())).contains(stored);
      assertThat(db.authorizations().findByBunkerPublicKey(client())).isEmpty();
      assertThat(db.authorizations().listForKey("alice")).containsExactly(stored);
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void create_givenSecretAndUnlimitedUses_keepsThem(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeycastDatabase db = t.open(encryption);
      Authorization a = create(db, alice().secret("client-chosen").maxUses(null));
      assertThat(a.secret()).isEqualTo("client-chosen");
      assertThat(a.maxUses()).isNull();
      for (int i = 0; i < 5; i++) {
        assertThat(
                db.authorizations()
                    .connect(a.id(), client(), "client-chosen", PermissionSet.empty(), now))
            .isInstanceOf(Connected.class);
      }
      assertThat(db.authorizations().find(a.id()).orElseThrow().uses()).isEqualTo(5);
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void create_unknownKey_throwsStoreException(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeycastDatabase db = t.open(encryption);
      assertThatThrownBy(
              () ->
                  db.authorizations()
                      .create(NewAuthorization.builder("ghost").relays("wss://r").build()))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("ghost");
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void connect_secretRules_singleUse(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeycastDatabase db = t.open(encryption);
      AuthorizationStore store = db.authorizations();
      Authorization a = create(db, alice());
      PublicKey c1 = client();
      PermissionSet perms = PermissionSet.parse("sign_event:1,nip44_encrypt");

      assertThat(store.connect(a.id(), c1, "wrong", perms, now))
          .isEqualTo(new Rejected(Reason.WRONG_SECRET));
      assertThat(store.connect(a.id(), c1, null, perms, now))
          .isEqualTo(new Rejected(Reason.WRONG_SECRET));
      assertThat(store.find(a.id()).orElseThrow().uses()).isZero();

      Connected first = (Connected) store.connect(a.id(), c1, a.secret(), perms, now);
      assertThat(first.newlyConnected()).isTrue();
      assertThat(first.authorization().uses()).isEqualTo(1);
      assertThat(first.client().grantedPerms()).isEqualTo(perms);
      assertThat(first.client().clientPublicKey()).isEqualTo(c1);

      // the same client reconnecting (clients resend connect) is fine, even without the secret
      Connected again = (Connected) store.connect(a.id(), c1, null, PermissionSet.empty(), now);
      assertThat(again.newlyConnected()).isFalse();
      assertThat(again.client().grantedPerms()).isEqualTo(perms);

      // a second client with the used-up secret is refused
      assertThat(store.connect(a.id(), client(), a.secret(), perms, now))
          .isEqualTo(new Rejected(Reason.SECRET_USED_UP));
      assertThat(store.find(a.id()).orElseThrow().uses()).isEqualTo(1);
      assertThat(store.findClient(a.id(), c1)).contains(first.client());
      assertThat(store.listClients(a.id())).containsExactly(first.client());
      assertThat(store.connect(a.id() + 1000, c1, a.secret(), perms, now))
          .isEqualTo(new Rejected(Reason.UNKNOWN_AUTHORIZATION));
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void disconnect_thenReconnectWithUsedSecret_refused(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeycastDatabase db = t.open(encryption);
      AuthorizationStore store = db.authorizations();
      Authorization a = create(db, alice());
      PublicKey c1 = client();
      assertThat(store.connect(a.id(), c1, a.secret(), PermissionSet.empty(), now))
          .isInstanceOf(Connected.class);
      assertThat(store.disconnect(a.id(), c1)).isTrue();
      assertThat(store.disconnect(a.id(), c1)).isFalse();
      assertThat(store.findClient(a.id(), c1)).isEmpty();
      assertThat(store.connect(a.id(), c1, a.secret(), PermissionSet.empty(), now))
          .isEqualTo(new Rejected(Reason.SECRET_USED_UP));
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void revokeAndExpiry_refuseConnectsAndLeaveActiveList(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeycastDatabase db = t.open(encryption);
      AuthorizationStore store = db.authorizations();
      Authorization revoked = create(db, alice());
      Authorization expiring = create(db, alice().expiresAt(now.plus(Duration.ofHours(1))));
      Authorization plain = create(db, alice());
      PublicKey c = client();
      assertThat(store.connect(revoked.id(), c, revoked.secret(), PermissionSet.empty(), now))
          .isInstanceOf(Connected.class);

      assertThat(store.revoke(revoked.id(), now)).isTrue();
      assertThat(store.revoke(revoked.id(), now.plusSeconds(5))).isFalse();
      Authorization r = store.find(revoked.id()).orElseThrow();
      assertThat(r.isRevoked()).isTrue();
      assertThat(r.revokedAt()).isEqualTo(Instant.ofEpochMilli(now.toEpochMilli()));
      // even an already-connected client is refused once revoked
      assertThat(store.connect(revoked.id(), c, revoked.secret(), PermissionSet.empty(), now))
          .isEqualTo(new Rejected(Reason.REVOKED));

      Instant later = now.plus(Duration.ofHours(2));
      assertThat(
              store.connect(
                  expiring.id(), client(), expiring.secret(), PermissionSet.empty(), later))
          .isEqualTo(new Rejected(Reason.EXPIRED));
      assertThat(store.listActive(now))
          .extracting(Authorization::id)
          .containsExactly(expiring.id(), plain.id());
      assertThat(store.listActive(later)).extracting(Authorization::id).containsExactly(plain.id());

      assertThat(store.setExpiresAt(expiring.id(), null)).isTrue();
      assertThat(store.listActive(later))
          .extracting(Authorization::id)
          .containsExactly(expiring.id(), plain.id());
      assertThat(store.list()).hasSize(3);
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void delete_removesAuthorizationAndClients(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeycastDatabase db = t.open(encryption);
      AuthorizationStore store = db.authorizations();
      Authorization a = create(db, alice());
      PublicKey c = client();
      store.connect(a.id(), c, a.secret(), PermissionSet.empty(), now);
      assertThat(store.delete(a.id())).isTrue();
      assertThat(store.delete(a.id())).isFalse();
      assertThat(store.find(a.id())).isEmpty();
      assertThat(store.findClient(a.id(), c)).isEmpty();
      assertThat(store.loadBunkerSecret(a.id())).isEmpty();
    }
  }

  /** Of many concurrent connects with one secret exactly maxUses win, on both databases. */
  @ParameterizedTest
  @EnumSource(Backend.class)
  void connect_concurrentWithOneSecret_exactlyMaxUsesWin(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeycastDatabase db = t.open(encryption);
      for (int maxUses : new int[] {1, 3}) {
        Authorization a = create(db, alice().maxUses(maxUses));
        int threads = 24;
        CountDownLatch start = new CountDownLatch(1);
        ConcurrentLinkedQueue<ConnectOutcome> outcomes = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        List<Thread> started = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          PublicKey c = client();
          started.add(
              Thread.ofVirtual()
                  .start(
                      () -> {
                        try {
                          start.await();
                          outcomes.add(
                              db.authorizations()
                                  .connect(a.id(), c, a.secret(), PermissionSet.empty(), now));
                        } catch (Throwable e) {
                          errors.add(e);
                        }
                      }));
        }
        start.countDown();
        for (Thread th : started) {
          th.join();
        }
        assertThat(errors).isEmpty();
        assertThat(outcomes).hasSize(threads);
        assertThat(outcomes.stream().filter(o -> o instanceof Connected)).hasSize(maxUses);
        assertThat(outcomes.stream().filter(o -> o.equals(new Rejected(Reason.SECRET_USED_UP))))
            .hasSize(threads - maxUses);
        assertThat(db.authorizations().find(a.id()).orElseThrow().uses()).isEqualTo(maxUses);
        assertThat(db.authorizations().listClients(a.id())).hasSize(maxUses);
      }
    }
  }

  /** The same client connecting twice at once consumes one use and is connected either way. */
  @ParameterizedTest
  @EnumSource(Backend.class)
  void connect_sameClientConcurrently_consumesOneUse(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeycastDatabase db = t.open(encryption);
      Authorization a = create(db, alice().maxUses(2));
      PublicKey c = client();
      CountDownLatch start = new CountDownLatch(1);
      ConcurrentLinkedQueue<ConnectOutcome> outcomes = new ConcurrentLinkedQueue<>();
      List<Thread> started = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        started.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      try {
                        start.await();
                        outcomes.add(
                            db.authorizations()
                                .connect(a.id(), c, a.secret(), PermissionSet.empty(), now));
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                    }));
      }
      start.countDown();
      for (Thread th : started) {
        th.join();
      }
      assertThat(outcomes).hasSize(8).allMatch(o -> o instanceof Connected);
      assertThat(outcomes.stream().filter(o -> ((Connected) o).newlyConnected())).hasSize(1);
      assertThat(db.authorizations().find(a.id()).orElseThrow().uses()).isEqualTo(1);
    }
  }

  @org.junit.jupiter.api.Test
  void newAuthorization_invalid_throwsIllegalArgument() {
    assertThatThrownBy(() -> NewAuthorization.builder("a").build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NewAuthorization.builder("a").relays("https://x").build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NewAuthorization.builder("a").relays("wss://x").maxUses(0).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NewAuthorization.builder("a").relays("wss://x").secret(" ").build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(NewAuthorization.builder("a").relays("wss://x").secret("s3cr3t").build().toString())
        .doesNotContain("s3cr3t");
  }

  private static Authorization withoutSecret(Authorization a) {
    return new Authorization(
        a.id(),
        a.keyName(),
        a.userPublicKey(),
        a.bunkerPublicKey(),
        null,
        a.relays(),
        a.policyName(),
        a.maxUses(),
        a.uses(),
        a.expiresAt(),
        a.revokedAt(),
        a.label(),
        a.createdAt(),
        a.updatedAt());
  }
}
