package dev.keycast.cli.internal;

import dev.keycast.cli.UsageException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * The SQLite database file as a file: its path in a JDBC URL, an online backup, and whether another
 * connection holds it open. Stateless and thread-safe; every method does file-system I/O and
 * blocks.
 */
public final class SqliteFiles {
  private static final String PREFIX = "jdbc:sqlite:";

  private SqliteFiles() {}

  /** The newest schema version in Flyway's history (every database opened since Flyway). */
  private static final String FLYWAY_VERSION =
      "SELECT MAX(CAST(version AS INTEGER)) FROM flyway_schema_history"
          + " WHERE success = 1 AND version IS NOT NULL";

  /** The same in the table of the runner before Flyway (a database not opened since). */
  private static final String LEGACY_VERSION = "SELECT MAX(version) FROM schema_version";

  /**
   * Returns the database file a {@code jdbc:sqlite:} URL names.
   *
   * @param jdbcUrl a {@code jdbc:sqlite:} URL
   * @return the database file it names (without {@code file:} and URL parameters)
   * @throws UsageException if it names no file (an in-memory database)
   */
  public static Path path(String jdbcUrl) {
    String p = jdbcUrl.substring(PREFIX.length());
    if (p.startsWith("file:")) {
      p = p.substring("file:".length());
    }
    int q = p.indexOf('?');
    p = q >= 0 ? p.substring(0, q) : p;
    if (p.isEmpty() || p.contains(":memory:")) {
      throw new UsageException("the database " + jdbcUrl + " is not a file");
    }
    return Path.of(p).toAbsolutePath().normalize();
  }

  /**
   * Writes a consistent copy of a live database ({@code VACUUM INTO}: one read transaction, so
   * writers in this or other processes go on meanwhile and the copy holds either all or none of
   * each of their transactions) to a new file, created with mode 0600 (it holds connect secrets).
   *
   * @param source an existing Keycast SQLite database (opened read-only)
   * @param target the new file; it must not exist
   * @throws UsageException if {@code source} is not a Keycast database
   * @throws IOException if {@code target} exists or cannot be written
   * @throws SQLException if SQLite fails otherwise
   */
  public static void backup(Path source, Path target) throws IOException, SQLException {
    schemaVersion(source);
    createPrivate(target); // VACUUM INTO accepts an empty file, and keeps its mode
    try (Connection c = readOnly(source);
        Statement s = c.createStatement()) {
      s.execute("VACUUM INTO '" + target.toString().replace("'", "''") + "'");
    } catch (SQLException | RuntimeException e) {
      Files.deleteIfExists(target);
      throw e;
    }
  }

  /**
   * Reads the Keycast schema version an SQLite file holds.
   *
   * @param db an SQLite file
   * @return the Keycast schema version it holds
   * @throws UsageException if it is missing or not a Keycast database
   */
  public static int schemaVersion(Path db) {
    if (!Files.isRegularFile(db)) {
      throw new UsageException("no database file at " + db);
    }
    try (Connection c = readOnly(db);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                hasTable(s, "flyway_schema_history") ? FLYWAY_VERSION : LEGACY_VERSION)) {
      int v = rs.next() ? rs.getInt(1) : 0;
      if (v < 1) {
        throw new SQLException("no schema version recorded");
      }
      try (ResultSet verifier = s.executeQuery("SELECT COUNT(*) FROM key_encryption_verifier")) {
        verifier.next();
      }
      return v;
    } catch (SQLException e) {
      throw new UsageException(db + " is not a Keycast database (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Whether another connection (of any process) has the database open, as a running daemon does:
   * takes SQLite's exclusive lock without waiting and gives it back at once.
   *
   * @param db an existing SQLite file
   * @return true if the lock is taken by someone else
   * @throws SQLException if the file cannot be opened
   */
  public static boolean inUse(Path db) throws SQLException {
    SQLiteConfig cfg = new SQLiteConfig();
    cfg.setBusyTimeout(0);
    cfg.setLockingMode(SQLiteConfig.LockingMode.EXCLUSIVE);
    cfg.resetOpenMode(org.sqlite.SQLiteOpenMode.CREATE); // never creates the file
    try (Connection c = cfg.createConnection(PREFIX + db);
        Statement s = c.createStatement()) {
      s.execute("BEGIN EXCLUSIVE");
      s.execute("COMMIT");
      return false;
    } catch (SQLException e) {
      if (e.getMessage() != null && e.getMessage().contains("SQLITE_BUSY")) {
        return true;
      }
      throw e;
    }
  }

  private static Connection readOnly(Path db) throws SQLException {
    SQLiteConfig cfg = new SQLiteConfig();
    cfg.setReadOnly(true);
    cfg.setBusyTimeout(5_000);
    return cfg.createConnection(PREFIX + db);
  }

  /**
   * Creates an empty file readable by its owner only (where the file system is POSIX).
   *
   * @param file the file
   * @throws FileAlreadyExistsException if it exists
   * @throws IOException if it cannot be created
   */
  public static void createPrivate(Path file) throws IOException {
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    }
  }

  private static boolean hasTable(Statement s, String name) throws SQLException {
    try (ResultSet rs =
        s.executeQuery(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '" + name + "'")) {
      return rs.next();
    }
  }
}
