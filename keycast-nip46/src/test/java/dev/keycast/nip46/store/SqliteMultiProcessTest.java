package dev.keycast.nip46.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycast.nip46.testing.TestDatabase;
import java.io.File;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Real separate processes on one SQLite file, and a foreign lock held past the busy timeout. */
class SqliteMultiProcessTest {

  @Test
  void anotherProcessWritingConcurrently_allWritesLandAndAreDetected() throws Exception {
    try (TestDatabase t = TestDatabase.create(TestDatabase.Backend.SQLITE)) {
      Path keyFile = t.dir().resolve("master.key");
      MasterKey master = MasterKey.generate(keyFile);
      KeycastDatabase daemon = t.open(AesGcmKeyEncryption.create(master));
      daemon.keys().generate("alice");
      long before = daemon.changeVersion();

      String java = ProcessHandle.current().info().command().orElse("java");
      Process child =
          new ProcessBuilder(
                  java,
                  "-cp",
                  System.getProperty("java.class.path"),
                  SqliteWriterProcess.class.getName(),
                  t.url(),
                  keyFile.toString(),
                  "20")
              .redirectErrorStream(true)
              .redirectOutput(t.dir().resolve("child.log").toFile())
              .start();
      // write concurrently from this process while the child writes
      for (int i = 0; i < 20; i++) {
        daemon
            .authorizations()
            .create(NewAuthorization.builder("alice").relays("wss://parent.example").build());
      }
      assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("child finished").isTrue();
      assertThat(child.exitValue()).as("child exit code; see child.log").isZero();

      assertThat(daemon.changeVersion()).isGreaterThanOrEqualTo(before + 40);
      AuthorizationChanges changes = daemon.authorizations().changesSince(before);
      assertThat(changes.changed()).hasSize(40);
      assertThat(changes.changed())
          .filteredOn(a -> a.relays().equals(List.of("wss://child.example")))
          .hasSize(20);
    }
  }

  @Test
  void open_newFile_isCreatedPrivate() throws Exception {
    try (TestDatabase t = TestDatabase.create(TestDatabase.Backend.SQLITE)) {
      KeycastDatabase db = t.open(AesGcmKeyEncryption.create(MasterKey.random()));
      db.keys().generate("alice");
      for (String name : List.of("keycast.db", "keycast.db-wal")) {
        assertThat(
                java.nio.file.attribute.PosixFilePermissions.toString(
                    java.nio.file.Files.getPosixFilePermissions(t.dir().resolve(name))))
            .as(name)
            .isEqualTo("rw-------");
      }
    }
  }

  @Test
  void foreignWriteLockPastBusyTimeout_throwsDatabaseUnavailableThenRecovers() throws Exception {
    try (TestDatabase t = TestDatabase.create(TestDatabase.Backend.SQLITE)) {
      KeycastDatabase db =
          t.track(
              KeycastDatabase.builder(t.url())
                  .keyEncryption(AesGcmKeyEncryption.create(MasterKey.random()))
                  .busyTimeout(Duration.ofMillis(200))
                  .open());
      try (Connection other = DriverManager.getConnection(t.url());
          Statement s = other.createStatement()) {
        s.execute("BEGIN IMMEDIATE"); // another process holds the write lock
        assertThatThrownBy(() -> db.keys().generate("alice"))
            .isInstanceOf(DatabaseUnavailableException.class);
        s.execute("COMMIT");
      }
      db.keys().generate("alice");
      assertThat(db.keys().list()).hasSize(1);
      assertThat(new File(t.dir().toFile(), "keycast.db-wal")).exists(); // WAL mode is on
    }
  }
}
