package dev.keycast.nip46.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycast.nip46.testing.TestDatabase;
import dev.keycast.nip46.testing.TestDatabase.Backend;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class KeycastDatabaseTest {
  private final KeyEncryption encryption = AesGcmKeyEncryption.create(MasterKey.random());

  @ParameterizedTest
  @EnumSource(Backend.class)
  void open_freshDatabase_migratesToLatestVersion(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeycastDatabase db = t.open(encryption);
      assertThat(db.schemaVersion())
          .isEqualTo(KeycastDatabase.supportedSchemaVersion())
          .isEqualTo(11);
      assertThat(db.isPostgreSql()).isEqualTo(backend == Backend.POSTGRESQL);
      db.checkHealth();
      assertThat(db.changeVersion()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void open_twice_keepsDataAndDoesNotReapplyMigrations(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      try (KeycastDatabase db = KeycastDatabase.open(t.url(), encryption)) {
        db.keys().generate("alice");
      }
      KeycastDatabase again = t.open(encryption);
      assertThat(again.keys().list()).extracting(StoredKey::name).containsExactly("alice");
      try (Connection c = t.rawConnection();
          Statement s = c.createStatement();
          var rs =
              s.executeQuery(
                  "SELECT COUNT(*) FROM flyway_schema_history WHERE type IN ('SQL', 'JDBC') AND success")) {
        rs.next();
        assertThat(rs.getInt(1))
            .isEqualTo(9); // V1, V2, V3 (Java), V6-V11; V4, V5 are unused so far
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void open_version1Database_upgradesToLatestKeepingData(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      try (KeycastDatabase db = KeycastDatabase.open(t.url(), encryption)) {
        db.keys().generate("alice");
      }
      try (Connection c = t.rawConnection();
          Statement s = c.createStatement()) { // roll back to a v1 database
        s.execute("DROP TABLE policies");
        s.execute("DROP TABLE cluster_members");
        s.execute("DROP TABLE cluster_slots"); // V8
        s.execute("DROP TABLE remembered_approvals");
        dropClientMetadataColumns(s);
        s.execute(
            "DELETE FROM flyway_schema_history WHERE version IN ('2', '3', '6', '7', '8', '9', '10', '11')");
      }
      KeycastDatabase upgraded = t.open(encryption);
      assertThat(upgraded.schemaVersion()).isEqualTo(11);
      assertThat(upgraded.keys().list()).extracting(StoredKey::name).containsExactly("alice");
      assertThat(upgraded.policies().list()).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void open_newerSchema_throwsSchemaVersionException(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeycastDatabase.open(t.url(), encryption).close();
      try (Connection c = t.rawConnection();
          Statement s = c.createStatement()) {
        s.execute(
            "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
                + " installed_by, execution_time, success) VALUES (99, '99', 'future', 'SQL', 'V99__future.sql', 0, 'x',"
                + " 0, true)");
      }
      assertThatThrownBy(() -> t.track(KeycastDatabase.open(t.url(), encryption)))
          .isInstanceOf(SchemaVersionException.class)
          .hasMessageContaining("99")
          .hasMessageContaining("newer");
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void open_databaseOfTheHandWrittenRunnerAtVersion2_isBaselinedKeepingData(Backend backend)
      throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      makeLegacy(t, 2);
      KeycastDatabase db = t.open(encryption);
      assertThat(db.schemaVersion()).isEqualTo(11);
      assertThat(db.keys().list()).extracting(StoredKey::name).containsExactly("alice");
      db.keys().generate("bob");
      assertThat(db.policies().list()).isEmpty();
      assertThat(historyTypes(t))
          .containsExactly(
              "BASELINE:2", "JDBC:3", "SQL:6", "SQL:7", "SQL:8", "SQL:9", "SQL:10", "SQL:11");
      db.close();
      assertThat(t.open(encryption).keys().list())
          .extracting(StoredKey::name)
          .containsExactly("alice", "bob");
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void open_databaseOfTheHandWrittenRunnerAtVersion1_isBaselinedThenUpgraded(Backend backend)
      throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      makeLegacy(t, 1);
      KeycastDatabase db = t.open(encryption);
      assertThat(db.schemaVersion()).isEqualTo(11);
      assertThat(db.keys().list()).extracting(StoredKey::name).containsExactly("alice");
      assertThat(db.policies().list()).isEmpty(); // V2's table exists now
      assertThat(historyTypes(t))
          .containsExactly(
              "BASELINE:1",
              "SQL:2",
              "JDBC:3",
              "SQL:6",
              "SQL:7",
              "SQL:8",
              "SQL:9",
              "SQL:10",
              "SQL:11");
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void open_databaseOfTheHandWrittenRunnerNewerThanThisCode_throwsSchemaVersionException(
      Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      makeLegacy(t, 2);
      try (Connection c = t.rawConnection();
          Statement s = c.createStatement()) {
        s.execute(
            "INSERT INTO schema_version (version, description, applied_at) VALUES (99, 'future', 0)");
      }
      assertThatThrownBy(() -> t.track(KeycastDatabase.open(t.url(), encryption)))
          .isInstanceOf(SchemaVersionException.class)
          .hasMessageContaining("99")
          .hasMessageContaining("newer");
    }
  }

  /**
   * Turns a database into one that Keycast's hand-written runner (before Flyway) made at {@code
   * version}: the same scripts ran, so only the bookkeeping differs. It holds a key named alice.
   */
  private void makeLegacy(TestDatabase t, int version) throws Exception {
    try (KeycastDatabase db = KeycastDatabase.open(t.url(), encryption)) {
      db.keys().generate("alice");
    }
    try (Connection c = t.rawConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE flyway_schema_history");
      s.execute("DROP TABLE cluster_members"); // V7 (cluster)
      s.execute("DROP TABLE cluster_slots"); // V8
      s.execute("DROP TABLE remembered_approvals"); // V9 (control plane)
      dropClientMetadataColumns(s); // V10 (control plane)
      // the hand-written runner never went past version 2: undo V6 (control plane)
      s.execute("ALTER TABLE policies DROP COLUMN ask_permissions");
      s.execute("ALTER TABLE policies DROP COLUMN max_future_ms");
      s.execute("ALTER TABLE policies DROP COLUMN max_past_ms");
      if (version < 2) {
        s.execute("DROP TABLE policies");
      }
      s.execute(
          "CREATE TABLE schema_version ("
              + "version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at BIGINT NOT NULL)");
      s.execute("INSERT INTO schema_version VALUES (1, 'V1__initial_schema', 0)");
      if (version >= 2) {
        s.execute("INSERT INTO schema_version VALUES (2, 'V2__custom_policies', 0)");
      }
    }
  }

  /** Undoes V10 (client metadata columns). */
  static void dropClientMetadataColumns(Statement s) throws java.sql.SQLException {
    s.execute("ALTER TABLE authorization_clients DROP COLUMN client_name");
    s.execute("ALTER TABLE authorization_clients DROP COLUMN client_url");
    s.execute("ALTER TABLE authorization_clients DROP COLUMN client_image");
  }

  private static java.util.List<String> historyTypes(TestDatabase t) throws Exception {
    var out = new java.util.ArrayList<String>();
    try (Connection c = t.rawConnection();
        Statement s = c.createStatement();
        var rs =
            s.executeQuery(
                "SELECT type, version FROM flyway_schema_history ORDER BY installed_rank")) {
      while (rs.next()) {
        out.add(rs.getString(1) + ":" + rs.getString(2));
      }
    }
    return out;
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void open_wrongMasterKey_throwsKeyEncryptionException(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeycastDatabase.open(t.url(), encryption).close();
      KeyEncryption other = AesGcmKeyEncryption.create(MasterKey.random());
      assertThatThrownBy(() -> t.track(KeycastDatabase.open(t.url(), other)))
          .isInstanceOf(KeyEncryptionException.class)
          .hasMessageContaining("wrong master key");
      // the right key still works
      t.open(encryption).checkHealth();
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void open_concurrentFirstOpens_allSucceed(Backend backend) throws Exception {
    for (int round = 0; round < 3; round++) {
      openConcurrently(backend);
    }
  }

  private void openConcurrently(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      var results = new java.util.concurrent.ConcurrentLinkedQueue<Throwable>();
      var dbs = new java.util.concurrent.ConcurrentLinkedQueue<KeycastDatabase>();
      Thread[] threads = new Thread[4];
      for (int i = 0; i < threads.length; i++) {
        threads[i] =
            Thread.ofPlatform()
                .start(
                    () -> {
                      try {
                        dbs.add(KeycastDatabase.open(t.url(), encryption));
                      } catch (Throwable e) {
                        results.add(e);
                      }
                    });
      }
      for (Thread th : threads) {
        th.join();
      }
      dbs.forEach(t::track);
      assertThat(results).isEmpty();
      assertThat(dbs).hasSize(4);
    }
  }

  @Test
  void open_unsupportedUrl_throwsIllegalArgument() {
    assertThatThrownBy(() -> KeycastDatabase.open("jdbc:mysql://x/y?password=hunter2", encryption))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void open_postgresNotListening_throwsDatabaseUnavailable() throws Exception {
    int port;
    try (var s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    assertThatThrownBy(
            () ->
                KeycastDatabase.builder("jdbc:postgresql://127.0.0.1:" + port + "/test?user=x")
                    .keyEncryption(encryption)
                    .connectionTimeout(Duration.ofSeconds(1))
                    .open())
        .isInstanceOf(DatabaseUnavailableException.class);
  }

  @Test
  void open_withoutKeyEncryption_throwsIllegalState() {
    assertThatThrownBy(() -> KeycastDatabase.builder("jdbc:sqlite:x.db").open())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void builder_optionSetTwice_throwsIllegalState() {
    var b = KeycastDatabase.builder("jdbc:sqlite:x.db").maxPoolSize(2);
    assertThatThrownBy(() -> b.maxPoolSize(3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already set");
    assertThatThrownBy(() -> KeycastDatabase.builder("jdbc:sqlite:x.db").maxPoolSize(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void open_sqliteInMemory_works() {
    try (KeycastDatabase db = KeycastDatabase.open("jdbc:sqlite::memory:", encryption)) {
      db.keys().generate("a");
      assertThat(db.keys().list()).hasSize(1);
    }
  }

  @Test
  void open_sqliteInMissingDirectory_throwsStoreException() {
    // a configuration error, not a transient outage
    assertThatThrownBy(
            () -> KeycastDatabase.open("jdbc:sqlite:/nonexistent-dir-keycast/x.db", encryption))
        .isExactlyInstanceOf(StoreException.class);
  }
}
