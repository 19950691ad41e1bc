package dev.keycast.nip46.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.testing.TestDatabase;
import dev.keycast.nip46.testing.TestDatabase.Backend;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Remembered approval answers in the database (schema version 9), on both databases. */
class RememberedApprovalStoreTest {
  private final KeyEncryption encryption = AesGcmKeyEncryption.create(MasterKey.random());
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

  private static Authorization create(KeycastDatabase db) {
    if (db.keys().find("alice").isEmpty()) {
      db.keys().generate("alice");
    }
    return db.authorizations()
        .create(NewAuthorization.builder("alice").relays("wss://relay.one").maxUses(null).build());
  }

  private RememberedApproval answer(
      Authorization a, PublicKey client, String permission, boolean allowed, Duration ttl) {
    return new RememberedApproval(
        a.id(), client, permission, allowed, "admin api", now, now.plus(ttl));
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void remember_find_list_roundTripAcrossReopen(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      Authorization a;
      PublicKey c1 = SecretKey.generate().publicKey();
      RememberedApproval allow = null;
      try (KeycastDatabase db = t.open(encryption)) {
        a = create(db);
        allow = answer(a, c1, "sign_event:1", true, Duration.ofHours(1));
        assertThat(db.rememberedApprovals().remember(allow)).isTrue();
        assertThat(
                db.rememberedApprovals()
                    .remember(answer(a, c1, "nip44_decrypt", false, Duration.ofMinutes(10))))
            .isTrue();
      }
      // another opener (a restarted daemon, another cluster member) sees them
      KeycastDatabase db = t.open(encryption);
      RememberedApprovalStore store = db.rememberedApprovals();
      assertThat(store.find(a.id(), c1, "sign_event:1", now)).contains(allow);
      assertThat(store.find(a.id(), c1, "nip44_decrypt", now).orElseThrow().allowed()).isFalse();
      assertThat(store.find(a.id(), c1, "sign_event:7", now)).isEmpty();
      assertThat(store.find(a.id(), SecretKey.generate().publicKey(), "sign_event:1", now))
          .isEmpty();
      assertThat(store.list(now, 10))
          .extracting(RememberedApproval::permission)
          .containsExactly("nip44_decrypt", "sign_event:1"); // soonest to expire first

      // replacing: the later answer wins
      RememberedApproval deny = answer(a, c1, "sign_event:1", false, Duration.ofDays(1));
      assertThat(store.remember(deny)).isTrue();
      assertThat(store.find(a.id(), c1, "sign_event:1", now)).contains(deny);
      assertThat(store.list(now, 1)).hasSize(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void expired_isIgnoredAndCleaned(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeycastDatabase db = t.open(encryption);
      RememberedApprovalStore store = db.rememberedApprovals();
      Authorization a = create(db);
      PublicKey c1 = SecretKey.generate().publicKey();
      store.remember(answer(a, c1, "sign_event:1", true, Duration.ofMinutes(10)));
      Instant later = now.plus(Duration.ofMinutes(10));
      assertThat(store.find(a.id(), c1, "sign_event:1", later)).isEmpty();
      assertThat(store.list(later, 10)).isEmpty();
      assertThat(store.find(a.id(), c1, "sign_event:1", now)).isPresent(); // the row is still there
      // remembering another answer later deletes the expired row
      store.remember(
          new RememberedApproval(
              a.id(), c1, "nip44_encrypt", true, "x", later, later.plus(Duration.ofMinutes(1))));
      assertThat(store.find(a.id(), c1, "sign_event:1", now)).isEmpty();
      assertThat(store.deleteExpired(later.plus(Duration.ofHours(1)))).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void revokeLogoutAndDelete_dropTheAnswers(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeycastDatabase db = t.open(encryption);
      RememberedApprovalStore store = db.rememberedApprovals();
      AuthorizationStore auths = db.authorizations();
      Authorization a = create(db);
      Authorization b = create(db);
      PublicKey c1 = SecretKey.generate().publicKey();
      PublicKey c2 = SecretKey.generate().publicKey();
      auths.connect(a.id(), c1, a.secret(), PermissionSet.empty(), now);
      auths.connect(a.id(), c2, a.secret(), PermissionSet.empty(), now);
      auths.connect(b.id(), c1, b.secret(), PermissionSet.empty(), now);
      for (Authorization x : new Authorization[] {a, b}) {
        for (PublicKey c : new PublicKey[] {c1, c2}) {
          store.remember(answer(x, c, "sign_event:1", true, Duration.ofHours(1)));
        }
      }
      assertThat(store.list(now, 100)).hasSize(4);

      assertThat(auths.disconnect(a.id(), c1)).isTrue(); // logout: that client's answers only
      assertThat(store.find(a.id(), c1, "sign_event:1", now)).isEmpty();
      assertThat(store.find(a.id(), c2, "sign_event:1", now)).isPresent();
      assertThat(store.find(b.id(), c1, "sign_event:1", now)).isPresent();

      assertThat(auths.revoke(a.id(), now)).isTrue(); // revocation: every client of a
      assertThat(store.find(a.id(), c2, "sign_event:1", now)).isEmpty();
      assertThat(store.list(now, 100)).hasSize(2);

      assertThat(auths.delete(b.id())).isTrue();
      assertThat(store.list(now, 100)).isEmpty();
      // an answer for an authorization that no longer exists is not kept
      assertThat(store.remember(answer(b, c1, "sign_event:1", true, Duration.ofHours(1))))
          .isFalse();
      assertThat(store.forget(a.id(), c2)).isZero();
    }
  }
}
