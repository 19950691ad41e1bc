package dev.keycast.nip46.store.internal;

import dev.keycast.nip46.store.SchemaVersionException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tiny versioned migration runner: table {@code schema_version(version, description, applied_at)}, ordered SQL
 * scripts per dialect under {@code dev/keycast/nip46/store/migrations/<dialect>/}. All pending scripts run in one
 * transaction under a lock (PostgreSQL advisory lock; SQLite's write lock), so concurrent starters do not race.
 */
public final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  /** The scripts, in order: version i+1 is element i. Never edit a released script; append a new one. */
  static final List<String> SCRIPTS = List.of("V1__initial_schema", "V2__custom_policies");

  /** Arbitrary constant for pg_advisory_xact_lock ("keycast" in ASCII-ish). */
  private static final long PG_LOCK_ID = 0x6b65796361737401L;

  private Migrations() {}

  /**
   * The newest schema version this code knows.
   *
   * @return the version
   */
  public static int latestVersion() {
    return SCRIPTS.size();
  }

  /**
   * Brings the schema up to date.
   *
   * @param writer the (single-writer for SQLite) JDBI
   * @param dialect the dialect
   * @param nowMillis the time to record
   * @return the schema version after migrating
   * @throws SchemaVersionException if the database is newer than this code, or a script fails
   */
  public static int migrate(Jdbi writer, Dialect dialect, long nowMillis) {
    return writer.inTransaction(h -> {
      if (dialect == Dialect.POSTGRESQL) {
        h.execute("SELECT pg_advisory_xact_lock(" + PG_LOCK_ID + ")");
      }
      h.execute("CREATE TABLE IF NOT EXISTS schema_version ("
          + "version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at BIGINT NOT NULL)");
      int current = h.createQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version").mapTo(Integer.class).one();
      if (current > latestVersion()) {
        throw new SchemaVersionException("database schema version " + current
            + " is newer than this Keycast supports (" + latestVersion() + "); upgrade Keycast");
      }
      for (int v = current + 1; v <= latestVersion(); v++) {
        String name = SCRIPTS.get(v - 1);
        apply(h, dialect, name);
        h.createUpdate("INSERT INTO schema_version (version, description, applied_at) VALUES (:v, :d, :t)")
            .bind("v", v).bind("d", name).bind("t", nowMillis).execute();
        LOG.info("applied database migration {} ({})", v, name);
      }
      return latestVersion();
    });
  }

  private static void apply(Handle h, Dialect dialect, String name) {
    String path = "/dev/keycast/nip46/store/migrations/" + dialect.resourceDir() + "/" + name + ".sql";
    String sql;
    try (InputStream in = Migrations.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new SchemaVersionException("migration script missing from the classpath: " + path);
      }
      sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SchemaVersionException("cannot read migration script " + path, e);
    }
    for (String statement : split(sql)) {
      h.execute(statement);
    }
  }

  /** Splits a script into statements at ';' ending a line; drops '--' comment lines. */
  static List<String> split(String sql) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : sql.split("\n", -1)) {
      String trimmed = line.strip();
      if (trimmed.startsWith("--") || trimmed.isEmpty()) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        String s = current.toString().strip();
        out.add(s.substring(0, s.length() - 1));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      out.add(current.toString().strip());
    }
    return out;
  }
}
