package dev.keycast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.nip46.store.AesGcmKeyEncryption;
import dev.keycast.nip46.store.AuditEntry;
import dev.keycast.nip46.store.AuditOutcome;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.store.MasterKey;
import dev.keycast.nip46.store.NewAuthorization;
import dev.keycast.nip46.store.StoredKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keycast backup and restore on SQLite; PostgreSQL is refused with what to use instead. */
class BackupRestoreTest {
  private static final int AUDIT_BATCH = 100;
  @TempDir Path home;
  @TempDir Path elsewhere;
  private Cli cli;

  @BeforeEach
  void setUp() {
    cli = new Cli(home);
    ok("init");
  }

  private Cli.Result ok(String... args) {
    Cli.Result r = cli.run(args);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return r;
  }

  private static void assertUsage(Cli.Result r, String messagePart) {
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).as(r.toString()).startsWith("keycast: ").contains(messagePart);
  }

  private static KeycastDatabase open(Path db, Path masterKey) {
    return KeycastDatabase.open(
        "jdbc:sqlite:" + db, AesGcmKeyEncryption.create(MasterKey.read(masterKey)));
  }

  private List<String> keyNames(Path db) {
    try (KeycastDatabase d = open(db, home.resolve("master.key"))) {
      return d.keys().list().stream().map(StoredKey::name).toList();
    }
  }

  private List<Path> filesBeside(Path db) throws Exception {
    try (Stream<Path> s = Files.list(db.getParent())) {
      return s.filter(p -> p.getFileName().toString().startsWith(db.getFileName().toString()))
          .sorted()
          .toList();
    }
  }

  @Test
  void backup_whileAnotherThreadWrites_isConsistentAndOpens() throws Exception {
    Path db = home.resolve("keycast.db");
    Path backup = elsewhere.resolve("b.db");
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger batches = new AtomicInteger();
    CompletableFuture<Void> writer;
    try (KeycastDatabase live = open(db, home.resolve("master.key"))) {
      live.keys().generate("alice");
      // audit rows in transactions of AUDIT_BATCH, and authorizations (each its own transaction),
      // until stopped
      writer =
          CompletableFuture.runAsync(
              () -> {
                while (!stop.get() && batches.get() < 60) {
                  List<AuditEntry> batch = new ArrayList<>();
                  for (int i = 0; i < AUDIT_BATCH; i++) {
                    batch.add(
                        new AuditEntry(
                            Instant.now(), 1L, null, "ping", null, AuditOutcome.ALLOWED, null));
                  }
                  live.audit().recordAll(batch);
                  live.authorizations()
                      .create(NewAuthorization.builder("alice").relays("ws://127.0.0.1:1").build());
                  batches.incrementAndGet();
                }
              },
              r -> Thread.ofPlatform().daemon().name("test-writer").start(r));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (batches.get() < 3 && !writer.isDone() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(writer.isDone()).as("writer still writing (else it failed: %s)", writer).isFalse();
      Cli.Result r = ok("backup", backup.toString());
      assertThat(r.out()).contains("master.key");
      int writtenAtBackup = batches.get();
      stop.set(true);
      writer.get(60, TimeUnit.SECONDS);
      assertThat(writtenAtBackup).as("the backup ran while the writer wrote").isLessThan(60);
    }
    assertThat(Files.getPosixFilePermissions(backup))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + backup);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("ok");
    }
    try (KeycastDatabase copy = open(backup, home.resolve("master.key"))) {
      int audit = copy.audit().recent(10_000).size();
      List<Authorization> auths = copy.authorizations().list();
      assertThat(audit)
          .as("whole audit transactions only")
          .isPositive()
          .isEqualTo(audit / AUDIT_BATCH * AUDIT_BATCH);
      assertThat(auths.size()).isBetween(audit / AUDIT_BATCH - 1, audit / AUDIT_BATCH);
      for (Authorization a : auths) {
        assertThat(copy.authorizations().loadBunkerSecret(a.id())).isPresent();
      }
      assertThat(copy.keys().loadSecret("alice")).isPresent();
    }
  }

  @Test
  void backup_existingFile_refusedWithoutForce() throws Exception {
    Path backup = elsewhere.resolve("b.db");
    Files.writeString(backup, "keep me");
    assertUsage(cli.run("backup", backup.toString()), "--force");
    assertThat(Files.readString(backup)).isEqualTo("keep me");
    ok("backup", backup.toString(), "--force");
    assertThat(keyNames(backup)).isEmpty();
    assertThat(filesBeside(backup)).containsExactly(backup);
  }

  @Test
  void backupAndRestore_postgresql_exit64_saysWhatToDump() {
    String pg = "jdbc:postgresql://127.0.0.1:5432/test";
    Cli.Result r = cli.run("backup", elsewhere.resolve("b").toString(), "--db", pg);
    assertUsage(r, "pg_dump");
    assertThat(r.err()).contains("master key");
    assertUsage(cli.run("restore", elsewhere.resolve("b").toString(), "--db", pg), "pg_restore");
  }

  @Test
  void restore_roundTrip_keepsReplacedDatabaseDated() throws Exception {
    Path db = home.resolve("keycast.db");
    ok("keys", "generate", "--name", "alice");
    ok("authorize", "--key", "alice", "--relay", "ws://127.0.0.1:1");
    Path backup = elsewhere.resolve("b.db");
    ok("backup", backup.toString());
    ok("keys", "generate", "--name", "bob");

    Cli.Result r = ok("restore", backup.toString());
    assertThat(r.out()).contains("2 keys checked");
    assertThat(keyNames(db)).containsExactly("alice");
    List<Path> beside = filesBeside(db);
    assertThat(beside)
        .hasSize(2); // the database and its dated predecessor, no staging files or WAL left over
    Path saved =
        beside.stream().filter(p -> p.toString().endsWith(".bak")).findFirst().orElseThrow();
    assertThat(saved.getFileName().toString()).matches("keycast\\.db\\.\\d{8}-\\d{6}\\.bak");
    assertThat(keyNames(saved)).containsExactlyInAnyOrder("alice", "bob");
    assertThat(ok("authorizations", "list", "--json").out()).contains("\"key\":\"alice\"");
  }

  @Test
  void restore_wrongMasterKey_exit64_replacesNothing() throws Exception {
    ok("keys", "generate", "--name", "alice");
    Path backup = elsewhere.resolve("b.db");
    ok("backup", backup.toString());
    Path otherHome = elsewhere.resolve("other");
    Cli other = new Cli(otherHome);
    assertThat(other.run("init").exitCode()).isZero(); // a different master key
    assertThat(other.run("keys", "generate", "--name", "carol").exitCode()).isZero();
    Path otherDb = otherHome.resolve("keycast.db");
    byte[] before = Files.readAllBytes(otherDb);
    byte[] backupBefore = Files.readAllBytes(backup);

    Cli.Result r = other.run("restore", backup.toString());
    assertUsage(r, "wrong master key");
    assertThat(r.err()).contains("nothing was replaced");
    assertThat(Files.readAllBytes(otherDb)).isEqualTo(before);
    assertThat(Files.readAllBytes(backup)).isEqualTo(backupBefore);
    assertThat(filesBeside(otherDb)).containsExactly(otherDb);
    assertThat(other.run("keys", "list").out()).contains("carol");
  }

  @Test
  void restore_whileDatabaseOpenElsewhere_exit64_replacesNothing() throws Exception {
    Path db = home.resolve("keycast.db");
    Path backup = elsewhere.resolve("b.db");
    ok("backup", backup.toString());
    ok("keys", "generate", "--name", "alice");
    try (KeycastDatabase daemonLike = open(db, home.resolve("master.key"))) {
      daemonLike.keys().list();
      assertUsage(cli.run("restore", backup.toString()), "in use");
      assertThat(daemonLike.keys().list()).extracting(StoredKey::name).containsExactly("alice");
    }
    assertThat(keyNames(db)).containsExactly("alice");
    assertThat(filesBeside(db)).containsExactly(db);
  }

  @Test
  void restore_notAKeycastDatabase_exit64() throws Exception {
    Path junk = elsewhere.resolve("junk.db");
    Files.writeString(junk, "not sqlite");
    assertUsage(cli.run("restore", junk.toString()), "not a Keycast database");
    assertUsage(cli.run("restore", elsewhere.resolve("missing.db").toString()), "no database file");
    try (Connection c =
            DriverManager.getConnection("jdbc:sqlite:" + elsewhere.resolve("other.db"));
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (x)");
    }
    assertUsage(
        cli.run("restore", elsewhere.resolve("other.db").toString()), "not a Keycast database");
  }
}
