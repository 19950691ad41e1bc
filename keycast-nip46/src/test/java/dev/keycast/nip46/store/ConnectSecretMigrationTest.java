package dev.keycast.nip46.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.testing.TestDatabase;
import dev.keycast.nip46.testing.TestDatabase.Backend;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 13, item 8: schema version 3 replaces the plaintext connect secrets of existing rows with
 * their hashes, and those authorizations keep admitting clients with the secret their URI carries.
 */
class ConnectSecretMigrationTest {
  private final KeyEncryption encryption = AesGcmKeyEncryption.create(MasterKey.random());

  @ParameterizedTest
  @EnumSource(Backend.class)
  void version3_hashesPlaintextSecrets_andTheyStillConnect(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      long id;
      try (KeycastDatabase db = t.open(encryption)) {
        db.keys().generate("alice");
        id =
            db.authorizations()
                .create(NewAuthorization.builder("alice").relays("wss://relay.example").build())
                .id();
      }
      // Back to what a version-2 database holds: the plaintext secret, no version 3 applied.
      try (Connection c = t.rawConnection();
          Statement s = c.createStatement()) {
        s.executeUpdate("UPDATE authorizations SET secret = 'legacy-plaintext-secret'");
        // later versions (V6, V7, V8, V9-V11) ran after V3: undo them too, or Flyway refuses V3
        // as out of order
        s.executeUpdate(
            "DELETE FROM flyway_schema_history WHERE version IN ('3', '6', '7', '8', '9', '10', '11')");
        s.execute("DROP TABLE remembered_approvals");
        KeycastDatabaseTest.dropClientMetadataColumns(s);
        s.execute("DROP TABLE cluster_members");
        s.execute("DROP TABLE cluster_slots"); // V8
        s.execute("ALTER TABLE policies DROP COLUMN ask_permissions");
        s.execute("ALTER TABLE policies DROP COLUMN max_future_ms");
        s.execute("ALTER TABLE policies DROP COLUMN max_past_ms");
      }
      assertThat(String.join("\n", t.dumpAllTables())).contains("legacy-plaintext-secret");

      try (KeycastDatabase db = t.open(encryption)) {
        assertThat(String.join("\n", t.dumpAllTables()))
            .doesNotContain("legacy-plaintext-secret")
            .contains("sha256:");
        Authorization a = db.authorizations().find(id).orElseThrow();
        assertThat(a.secret()).isNull();
        var client = SecretKey.generate().publicKey();
        assertThat(
                db.authorizations()
                    .connect(id, client, "wrong", PermissionSet.empty(), Instant.now()))
            .isEqualTo(new ConnectOutcome.Rejected(ConnectOutcome.Reason.WRONG_SECRET));
        assertThat(
                db.authorizations()
                    .connect(
                        id,
                        client,
                        "legacy-plaintext-secret",
                        PermissionSet.empty(),
                        Instant.now()))
            .isInstanceOf(ConnectOutcome.Connected.class);
      }
    }
  }
}
