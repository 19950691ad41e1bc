package dev.keycast.nip46.store.internal;

import dev.keycast.nip46.store.SchemaVersionException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationVersion;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the schema up to date with Flyway: versioned scripts per dialect under {@code
 * dev/keycast/nip46/store/migrations/<dialect>/}, history in Flyway's {@code
 * flyway_schema_history}.
 *
 * <p>Databases created before Flyway carry the hand-written runner's table {@code
 * schema_version(version, ...)}. Flyway baselines such a database at its recorded version on first
 * open and continues from there; the old table is left as it was (never read again).
 *
 * <p>Concurrency: on PostgreSQL Flyway holds an advisory lock while it migrates. Flyway takes no
 * lock on SQLite, so openers in one JVM are serialized here, and an opener in another process that
 * loses the race (it finds the scripts applied by then) retries once.
 */
public final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  /** The newest script's version. Raise it with every new script; never edit a released script. */
  private static final int LATEST_VERSION = 11;

  /**
   * The hand-written runner's version table, read only to baseline databases created before Flyway.
   */
  private static final String LEGACY_TABLE = "schema_version";

  /** Serializes migrations in this JVM: Flyway takes no lock on SQLite. */
  private static final ReentrantLock LOCK = new ReentrantLock();

  private Migrations() {}

  /**
   * The newest schema version this code knows.
   *
   * @return the version
   */
  public static int latestVersion() {
    return LATEST_VERSION;
  }

  /**
   * Brings the schema up to date. Blocks while it migrates (and while another opener in this JVM
   * does).
   *
   * @param dataSource connections to the database (the writer pool for SQLite)
   * @param dialect the dialect
   * @return the schema version after migrating
   * @throws SchemaVersionException if the database is newer than this code, or a script fails
   */
  public static int migrate(DataSource dataSource, Dialect dialect) {
    LOCK.lock();
    try {
      try {
        return migrateOnce(dataSource, dialect);
      } catch (FlywayException e) {
        // Another process may have migrated the same SQLite file meanwhile: then the retry finds
        // nothing to do.
        LOG.debug("migration failed, retrying once: {}", e.getMessage());
        return migrateOnce(dataSource, dialect);
      }
    } catch (FlywayException e) {
      throw new SchemaVersionException("database migration failed: " + e.getMessage(), e);
    } finally {
      LOCK.unlock();
    }
  }

  private static int migrateOnce(DataSource dataSource, Dialect dialect) {
    Versions found = versions(dataSource);
    // Flyway itself would ignore migrations newer than its scripts and carry on: refuse them here.
    if (found.newest() > LATEST_VERSION) {
      throw newer(found.newest());
    }
    Integer legacy = found.legacy();
    Flyway flyway =
        Flyway.configure(Migrations.class.getClassLoader())
            .dataSource(dataSource)
            .locations("classpath:dev/keycast/nip46/store/migrations/" + dialect.resourceDir())
            // A schema without Flyway's history: one made by the old runner (baseline at its
            // version), or a PostgreSQL
            // schema holding other tables (baseline at 0, so every script still runs).
            .baselineOnMigrate(true)
            .baselineVersion(MigrationVersion.fromVersion(legacy == null ? "0" : legacy.toString()))
            .baselineDescription(
                "schema of the hand-written runner") // no quote: Flyway does not escape it
            // Version 3 hashes connect secrets in Java (SQLite has no SHA-256): both dialects.
            .javaMigrations(new V3__Hash_connect_secrets())
            // Script numbers were handed out to features developed side by side (V7 cluster, V9-V11
            // control plane) and land in any order: a database at V11 still gets V7 when it
            // arrives. Each script touches its own tables or columns, so order does not matter.
            .outOfOrder(true)
            .loggers("slf4j")
            .load();
    int count = flyway.migrate().migrationsExecuted;
    if (count > 0) {
      LOG.info("applied {} database migration(s), schema version {}", count, LATEST_VERSION);
    }
    return LATEST_VERSION;
  }

  private static SchemaVersionException newer(int version) {
    return new SchemaVersionException(
        "database schema version "
            + version
            + " is newer than this Keycast supports ("
            + LATEST_VERSION
            + "); upgrade Keycast");
  }

  /**
   * What the database records: the old runner's version when it has no Flyway history yet (else
   * null), and the newest version applied by either (0 for a new database). One connection, two
   * small queries.
   */
  private static Versions versions(DataSource dataSource) {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      if (hasTable(c, "flyway_schema_history")) {
        int newest = 0;
        try (ResultSet rs =
            s.executeQuery("SELECT version FROM flyway_schema_history WHERE version IS NOT NULL")) {
          while (rs.next()) {
            newest =
                Math.max(
                    newest, MigrationVersion.fromVersion(rs.getString(1)).getMajor().intValue());
          }
        }
        return new Versions(null, newest);
      }
      if (hasTable(c, LEGACY_TABLE)) {
        try (ResultSet rs =
            s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM " + LEGACY_TABLE)) {
          rs.next();
          return new Versions(rs.getInt(1), rs.getInt(1));
        }
      }
      return new Versions(null, 0);
    } catch (SQLException e) {
      throw new FlywayException("cannot read the schema version: " + e.getMessage(), e);
    }
  }

  private record Versions(@Nullable Integer legacy, int newest) {}

  private static boolean hasTable(Connection c, String name) throws SQLException {
    DatabaseMetaData meta = c.getMetaData();
    try (ResultSet rs = meta.getTables(null, c.getSchema(), name, new String[] {"TABLE"})) {
      return rs.next();
    }
  }
}
