package dev.keycast.cli;

import dev.keycast.cli.internal.DataFolder;
import dev.keycast.cli.internal.SqliteFiles;
import dev.keycast.nip46.store.AesGcmKeyEncryption;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.store.MasterKey;
import dev.keycast.nip46.store.StoreException;
import dev.keycast.nip46.store.StoredKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code keycast restore}: replaces the SQLite database with a backup, after checking that the
 * master key opens every key in it. Nothing is replaced when a check fails.
 */
@Command(
    name = "restore",
    mixinStandardHelpOptions = true,
    description = {
      "Replaces the SQLite database with the backup FILE. First checks, on a copy, that FILE is a Keycast database"
          + " and that the master key decrypts every key in it, and that no process (a running 'keycast serve')"
          + " has the database open; the replaced database is kept beside it as <db>.<UTC time>.bak.",
      "PostgreSQL: restore a pg_dump with pg_restore instead (see docs/storage.md)."
    })
public final class RestoreCommand implements Callable<Integer> {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  @Spec CommandSpec spec;
  @Mixin StoreOptions store = new StoreOptions();

  @Parameters(
      index = "0",
      paramLabel = "FILE",
      description = "The backup to restore (from 'keycast backup').")
  Path file;

  /** Creates the command. */
  public RestoreCommand() {}

  @Override
  public Integer call() throws IOException, SQLException {
    Path home = Globals.home(spec);
    Path target =
        store.sqliteFile(
            home,
            "restore replaces SQLite databases only; for PostgreSQL restore your "
                + "pg_dump with pg_restore (see docs/storage.md)");
    Path backup = file.toAbsolutePath().normalize();
    if (backup.equals(target)) {
      throw new UsageException("FILE is the database itself: " + target);
    }
    SqliteFiles.schemaVersion(backup);
    Path keyFile = store.masterKeyFile(home);
    if (!Files.exists(keyFile)) {
      throw new UsageException(
          "no master key at "
              + keyFile
              + ": restore needs the master key the backup was "
              + "made with (point --master-key-file / KEYCAST_MASTER_KEY_FILE at it)");
    }
    MasterKey masterKey = MasterKey.read(keyFile);
    if (store.dbUrl == null || store.dbUrl.isBlank()) {
      DataFolder.create(home);
    }
    // checked on a copy beside the database (migrated there if older), which then replaces it in
    // one rename
    Path staged = target.resolveSibling(target.getFileName() + ".restoring");
    Files.deleteIfExists(staged);
    SqliteFiles.backup(backup, staged);
    try {
      int keys = checkOpens(staged, masterKey, backup, keyFile);
      @Nullable Path saved = replace(target, staged);
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          "Restored "
              + backup
              + " into "
              + target
              + " ("
              + keys
              + " keys checked against the master key).");
      out.println(
          saved == null
              ? "There was no database to replace."
              : "The replaced database is kept as " + saved);
      out.flush();
      return ExitCodes.OK;
    } finally {
      Files.deleteIfExists(staged);
      Files.deleteIfExists(staged.resolveSibling(staged.getFileName() + "-wal"));
      Files.deleteIfExists(staged.resolveSibling(staged.getFileName() + "-shm"));
    }
  }

  /**
   * Opens the staged copy with the master key and decrypts every user and bunker key in it.
   *
   * @return the number of keys decrypted
   * @throws UsageException if the copy does not open or a key does not decrypt
   */
  private static int checkOpens(Path staged, MasterKey masterKey, Path backup, Path keyFile) {
    try (KeycastDatabase db =
        KeycastDatabase.open("jdbc:sqlite:" + staged, AesGcmKeyEncryption.create(masterKey))) {
      int n = 0;
      for (StoredKey k : db.keys().list()) {
        if (db.keys().loadSecret(k.name()).isEmpty()) {
          throw new StoreException("key '" + k.name() + "' vanished");
        }
        n++;
      }
      for (Authorization a : db.authorizations().list()) {
        if (db.authorizations().loadBunkerSecret(a.id()).isEmpty()) {
          throw new StoreException("authorization " + a.id() + " vanished");
        }
        n++;
      }
      return n;
    } catch (StoreException e) {
      throw new UsageException(
          "cannot restore "
              + backup
              + " with the master key "
              + keyFile
              + ": "
              + e.getMessage()
              + "; nothing was replaced",
          e);
    }
  }

  /**
   * Keeps the current database as a dated backup (a consistent copy, including what its WAL held),
   * then moves {@code staged} into its place. Refuses while another process has the database open.
   *
   * @return the dated backup, or null if there was no database
   */
  private static @Nullable Path replace(Path target, Path staged) throws IOException, SQLException {
    if (!Files.exists(target)) {
      Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
      return null;
    }
    if (SqliteFiles.inUse(target)) {
      throw new UsageException(
          target
              + " is in use by another process (a running 'keycast serve'?): stop it, "
              + "then restore again; nothing was replaced");
    }
    Path saved =
        target.resolveSibling(
            target.getFileName() + "." + STAMP.format(ZonedDateTime.now(ZoneOffset.UTC)) + ".bak");
    if (Files.exists(saved)) {
      throw new UsageException(
          saved + " already exists: wait a second and restore again; nothing was replaced");
    }
    SqliteFiles.backup(target, saved);
    // a WAL left beside the old file would be replayed into the restored one: its content is in the
    // dated copy
    Files.deleteIfExists(target.resolveSibling(target.getFileName() + "-wal"));
    Files.deleteIfExists(target.resolveSibling(target.getFileName() + "-shm"));
    Files.move(staged, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return saved;
  }
}
