package dev.keycast.nip46.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycast.nip46.policy.Policies;
import dev.keycast.nip46.policy.Policy;
import dev.keycast.nip46.policy.RateLimit;
import dev.keycast.nip46.testing.TestDatabase;
import dev.keycast.nip46.testing.TestDatabase.Backend;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PolicyStoreTest {
  private final KeyEncryption encryption = AesGcmKeyEncryption.create(MasterKey.random());

  @ParameterizedTest
  @EnumSource(Backend.class)
  void save_thenFindAndResolve_roundTrips(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeycastDatabase db = t.open(encryption);
      PolicyStore store = db.policies();
      Policy notes =
          Policy.builder("notes")
              .permissions("sign_event:1,sign_event:30023,nip44_encrypt")
              .blockedWords(List.of("Spam", "scam"))
              .selfEncryptionOnly(true)
              .rateLimit(new RateLimit(10, Duration.ofSeconds(30)))
              .maxFuture(Duration.ofSeconds(90))
              .maxPast(Duration.ofDays(2))
              .ask("sign_event:0,nip44_decrypt")
              .build();
      long v = db.changeVersion();
      store.save(notes);
      assertThat(db.changeVersion()).isGreaterThan(v);
      assertThat(store.find("notes")).contains(notes);
      assertThat(store.resolve("notes")).contains(notes);
      assertThat(store.resolve("social")).contains(Policies.SOCIAL);
      assertThat(store.resolve("nope")).isEmpty();

      Policy changed = Policy.builder("notes").permissions("sign_event").build();
      store.save(changed);
      assertThat(store.list()).containsExactly(changed);
      assertThat(store.find("notes").orElseThrow().maxFuture()).isEqualTo(Duration.ofMinutes(10));
      assertThat(store.find("notes").orElseThrow().maxPast()).isNull();
      assertThat(store.find("notes").orElseThrow().askPermissions().isEmpty()).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void save_builtInName_throwsAndDeleteInUse_throws(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeycastDatabase db = t.open(encryption);
      assertThatThrownBy(() -> db.policies().save(Policy.builder("full").build()))
          .isInstanceOf(IllegalArgumentException.class);
      db.policies().save(Policy.builder("mine").permissions("sign_event:1").build());
      db.keys().generate("alice");
      Authorization a =
          db.authorizations()
              .create(
                  NewAuthorization.builder("alice").relays("wss://r").policyName("mine").build());
      assertThatThrownBy(() -> db.policies().delete("mine"))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("used by 1");
      assertThat(db.authorizations().setPolicyName(a.id(), "social")).isTrue();
      assertThat(db.policies().delete("mine")).isTrue();
      assertThat(db.policies().delete("mine")).isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void setPolicyAndRelays_updateAndReportChange(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeycastDatabase db = t.open(encryption);
      db.keys().generate("alice");
      Authorization a =
          db.authorizations().create(NewAuthorization.builder("alice").relays("wss://r").build());
      long v = db.changeVersion();
      assertThat(db.authorizations().setRelays(a.id(), List.of("wss://a", "ws://b"))).isTrue();
      assertThat(db.authorizations().setPolicyName(a.id(), "readonly")).isTrue();
      Authorization updated = db.authorizations().find(a.id()).orElseThrow();
      assertThat(updated.relays()).containsExactly("wss://a", "ws://b");
      assertThat(updated.policyName()).isEqualTo("readonly");
      assertThat(db.authorizations().changesSince(v).changed()).containsExactly(updated);
      assertThatThrownBy(() -> db.authorizations().setRelays(a.id(), List.of()))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(db.authorizations().setPolicyName(a.id() + 99, "full")).isFalse();
    }
  }
}
