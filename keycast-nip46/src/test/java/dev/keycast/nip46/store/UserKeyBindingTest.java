package dev.keycast.nip46.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycast.crypto.InsecureSecretKeyAccess;
import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.testing.TestDatabase;
import dev.keycast.nip46.testing.TestDatabase.Backend;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 13, item 9: a user key's ciphertext is bound to its public key, and a loaded key is checked
 * against the row's {@code public_key}; rows written before (name-only associated data) still load
 * and are rewritten in the new format.
 */
class UserKeyBindingTest {
  private final KeyEncryption encryption = AesGcmKeyEncryption.create(MasterKey.random());

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aRowWhosePublicKeyWasChanged_doesNotLoad(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeycastDatabase db = t.open(encryption);
      db.keys().generate("alice");
      String other = SecretKey.generate().publicKey().toHex();
      try (Connection c = t.rawConnection();
          PreparedStatement s =
              c.prepareStatement("UPDATE user_keys SET public_key = ? WHERE name = 'alice'")) {
        s.setString(1, other);
        s.executeUpdate();
      }
      // Before the fix this returned alice's key while the row (and get_public_key) named another.
      assertThatThrownBy(() -> db.keys().loadSecret("alice")).isInstanceOf(StoreException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aFormat1Row_loads_andIsRewrittenBoundToItsPublicKey(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeycastDatabase db = t.open(encryption);
      SecretKey alice = SecretKey.generate();
      db.keys().importKey("alice", alice);
      byte[] legacy =
          encryption.encrypt(alice.toBytes(InsecureSecretKeyAccess.get()), "user-key:alice");
      try (Connection c = t.rawConnection();
          PreparedStatement s =
              c.prepareStatement(
                  "UPDATE user_keys SET encrypted_secret = ? WHERE name = 'alice'")) {
        s.setBytes(1, legacy);
        s.executeUpdate();
      }

      assertThat(db.keys().loadSecret("alice").orElseThrow().publicKey())
          .isEqualTo(alice.publicKey());

      byte[] rewritten = storedCiphertext(t);
      assertThat(rewritten).isNotEqualTo(legacy);
      assertThatThrownBy(() -> encryption.decrypt(rewritten, "user-key:alice"))
          .isInstanceOf(KeyEncryptionException.class);
      assertThat(encryption.decrypt(rewritten, "user-key-v2:alice:" + alice.publicKey().toHex()))
          .isEqualTo(alice.toBytes(InsecureSecretKeyAccess.get()));
      assertThat(db.keys().loadSecret("alice").orElseThrow().publicKey())
          .isEqualTo(alice.publicKey());
    }
  }

  private static byte[] storedCiphertext(TestDatabase t) throws Exception {
    try (Connection c = t.rawConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT encrypted_secret FROM user_keys WHERE name = 'alice'");
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getBytes(1);
    }
  }
}
