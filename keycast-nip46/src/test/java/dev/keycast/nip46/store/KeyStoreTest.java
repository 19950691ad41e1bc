package dev.keycast.nip46.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.testing.TestDatabase;
import dev.keycast.nip46.testing.TestDatabase.Backend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class KeyStoreTest {
  private final KeyEncryption encryption = AesGcmKeyEncryption.create(MasterKey.random());

  @ParameterizedTest
  @EnumSource(Backend.class)
  void generate_thenLoadSecret_matchesPublicKey(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeyStore keys = t.open(encryption).keys();
      StoredKey alice = keys.generate("alice");
      assertThat(keys.find("alice")).contains(alice);
      assertThat(keys.findByPublicKey(alice.publicKey())).contains(alice);
      SecretKey secret = keys.loadSecret("alice").orElseThrow();
      assertThat(secret.publicKey()).isEqualTo(alice.publicKey());
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void importKey_thenLoadSecret_returnsSameKey(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeyStore keys = t.open(encryption).keys();
      SecretKey original = SecretKey.generate();
      StoredKey stored = keys.importKey("bob", original);
      assertThat(stored.publicKey()).isEqualTo(original.publicKey());
      assertThat(keys.loadSecret("bob")).contains(original);
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void list_returnsKeysOrderedByName(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeyStore keys = t.open(encryption).keys();
      keys.generate("zed");
      keys.generate("amy");
      keys.generate("mia");
      assertThat(keys.list()).extracting(StoredKey::name).containsExactly("amy", "mia", "zed");
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void importKey_duplicateNameOrKey_throwsDuplicateEntry(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeyStore keys = t.open(encryption).keys();
      SecretKey key = SecretKey.generate();
      keys.importKey("carol", key);
      assertThatThrownBy(() -> keys.generate("carol"))
          .isInstanceOf(DuplicateEntryException.class)
          .hasMessageContaining("carol");
      assertThatThrownBy(() -> keys.importKey("carol2", key))
          .isInstanceOf(DuplicateEntryException.class);
      assertThat(keys.list()).hasSize(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void missingKey_findAndLoad_returnEmpty(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeyStore keys = t.open(encryption).keys();
      assertThat(keys.find("nobody")).isEmpty();
      assertThat(keys.loadSecret("nobody")).isEmpty();
      assertThat(keys.delete("nobody")).isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void delete_keyWithAuthorizations_removesThemAndReportsDeletion(Backend backend)
      throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeycastDatabase db = t.open(encryption);
      db.keys().generate("dave");
      Authorization auth =
          db.authorizations()
              .create(NewAuthorization.builder("dave").relays("wss://relay.example").build());
      long before = db.changeVersion();
      assertThat(db.keys().delete("dave")).isTrue();
      assertThat(db.keys().find("dave")).isEmpty();
      assertThat(db.authorizations().find(auth.id())).isEmpty();
      AuthorizationChanges changes = db.authorizations().changesSince(before);
      assertThat(changes.deletedIds()).containsExactly(auth.id());
      assertThat(changes.version()).isGreaterThan(before);
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void generate_invalidName_throwsIllegalArgument(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeyStore keys = t.open(encryption).keys();
      for (String bad : new String[] {"", "with space", "x".repeat(65), "semi;colon", "ünï"}) {
        assertThatThrownBy(() -> keys.generate(bad)).isInstanceOf(IllegalArgumentException.class);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void loadSecret_ciphertextMovedToOtherRow_failsToDecrypt(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeyStore keys = t.open(encryption).keys();
      keys.generate("eve");
      keys.generate("fay");
      try (var c = t.rawConnection();
          var s = c.createStatement()) {
        s.execute(
            "UPDATE user_keys SET encrypted_secret = "
                + "(SELECT encrypted_secret FROM user_keys WHERE name = 'eve') WHERE name = 'fay'");
      }
      assertThatThrownBy(() -> keys.loadSecret("fay")).isInstanceOf(KeyEncryptionException.class);
    }
  }
}
