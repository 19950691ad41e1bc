package dev.keycast.nip46.testing;

import static org.junit.jupiter.api.Assertions.fail;

import dev.keycast.nip46.store.KeyEncryption;
import dev.keycast.nip46.store.KeycastDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;

/**
 * A fresh database for one test, the one test helper for databases: an SQLite file in a new temp
 * directory (deleted on close), or a new schema in the PostgreSQL database {@code test} at
 * 127.0.0.1:5432 (trust auth; dropped on close, so parallel runs never collide). PostgreSQL is
 * probed once per JVM; without it, PostgreSQL tests are skipped with a visible reason, unless
 * {@code KEYCAST_REQUIRE_PG=1}, which makes them fail.
 */
public final class TestDatabase implements AutoCloseable {
  /** Which database. */
  public enum Backend {
    SQLITE,
    POSTGRESQL
  }

  public static final String PG_HOST = "127.0.0.1";
  public static final int PG_PORT = 5432;
  private static @Nullable String pgUser;
  private static @Nullable String pgProblem;
  private static boolean pgProbed;

  final Backend backend;
  private final @Nullable Path dir;
  private final @Nullable String schema;
  private final String url;
  private final List<KeycastDatabase> opened = new ArrayList<>();

  private TestDatabase(Backend backend, @Nullable Path dir, @Nullable String schema, String url) {
    this.backend = backend;
    this.dir = dir;
    this.schema = schema;
    this.url = url;
  }

  /** A new SQLite database. */
  public static TestDatabase sqlite() {
    return create(Backend.SQLITE);
  }

  /** A new PostgreSQL schema; skips (or fails with KEYCAST_REQUIRE_PG=1) without PostgreSQL. */
  public static TestDatabase postgres() {
    return create(Backend.POSTGRESQL);
  }

  public static TestDatabase create(Backend backend) {
    try {
      if (backend == Backend.SQLITE) {
        Path dir = Files.createTempDirectory("keycast-store-test");
        return new TestDatabase(backend, dir, null, "jdbc:sqlite:" + dir.resolve("keycast.db"));
      }
      String user = requirePostgres();
      String schema = "kc_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
      try (Connection c = DriverManager.getConnection(adminUrl(user));
          Statement s = c.createStatement()) {
        s.execute("CREATE SCHEMA " + schema);
      }
      String url =
          "jdbc:postgresql://"
              + PG_HOST
              + ":"
              + PG_PORT
              + "/test?user="
              + user
              + "&currentSchema="
              + schema
              + "&ApplicationName="
              + schema;
      return new TestDatabase(backend, null, schema, url);
    } catch (IOException | SQLException e) {
      throw new AssertionError("cannot create test database", e);
    }
  }

  private static String adminUrl(String user) {
    return "jdbc:postgresql://"
        + PG_HOST
        + ":"
        + PG_PORT
        + "/test?user="
        + user
        + "&connectTimeout=3";
  }

  /** Returns the PostgreSQL user that works, or skips (fails with KEYCAST_REQUIRE_PG=1). */
  public static synchronized String requirePostgres() {
    if (!pgProbed) {
      pgProbed = true;
      StringBuilder problems = new StringBuilder();
      for (String user : List.of("postgres", System.getProperty("user.name"))) {
        try (Connection c = DriverManager.getConnection(adminUrl(user))) {
          pgUser = user;
          break;
        } catch (SQLException e) {
          problems.append(user).append(": ").append(e.getMessage()).append("; ");
        }
      }
      if (pgUser == null) {
        pgProblem =
            "PostgreSQL at " + PG_HOST + ":" + PG_PORT + "/test unreachable (" + problems + ")";
        System.err.println("SKIPPING PostgreSQL tests: " + pgProblem);
      }
    }
    if (pgUser == null) {
      if ("1".equals(System.getenv("KEYCAST_REQUIRE_PG"))) {
        fail(pgProblem + " and KEYCAST_REQUIRE_PG=1");
      }
      Assumptions.abort("SKIPPED: " + pgProblem);
    }
    return pgUser;
  }

  public String url() {
    return url;
  }

  public @Nullable Path dir() {
    return dir;
  }

  public @Nullable String schema() {
    return schema;
  }

  /** Opens the database and closes it with this helper. */
  public KeycastDatabase open(KeyEncryption encryption) {
    KeycastDatabase db = KeycastDatabase.open(url, encryption);
    opened.add(db);
    return db;
  }

  /** Closes {@code db} with this helper. */
  public KeycastDatabase track(KeycastDatabase db) {
    opened.add(db);
    return db;
  }

  /** A raw JDBC connection to the same database (same schema). */
  public Connection rawConnection() throws SQLException {
    return DriverManager.getConnection(url);
  }

  /** Every row of every table, each value rendered as text (byte arrays as lower-case hex). */
  public List<String> dumpAllTables() throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = rawConnection()) {
      List<String> tables = new ArrayList<>();
      String listSql =
          backend == Backend.SQLITE
              ? "SELECT name FROM sqlite_master WHERE type = 'table'"
              : "SELECT table_name FROM information_schema.tables WHERE table_schema = '"
                  + schema
                  + "'";
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(listSql)) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      if (tables.size() < 8) {
        throw new AssertionError("expected all keycast tables, found " + tables);
      }
      for (String table : tables) {
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
          ResultSetMetaData md = rs.getMetaData();
          while (rs.next()) {
            StringBuilder row = new StringBuilder(table).append(':');
            for (int i = 1; i <= md.getColumnCount(); i++) {
              Object v = rs.getObject(i);
              row.append(' ')
                  .append(v instanceof byte[] b ? HexFormat.of().formatHex(b) : String.valueOf(v));
            }
            rows.add(row.toString().toLowerCase(Locale.ROOT));
          }
        }
      }
    }
    return rows;
  }

  /**
   * Terminates every server connection of this database (PostgreSQL, matched by the schema as
   * application name): the database "restarting" under a running pool. Does nothing for SQLite.
   */
  public void killConnections() {
    if (schema == null) {
      return;
    }
    try (Connection c = DriverManager.getConnection(adminUrl(requirePostgres()));
        Statement s = c.createStatement()) {
      s.execute(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '"
              + schema
              + "' AND pid <> pg_backend_pid()");
    } catch (SQLException e) {
      throw new AssertionError("cannot terminate the connections of " + schema, e);
    }
  }

  @Override
  public void close() throws Exception {
    for (KeycastDatabase db : opened) {
      db.close();
    }
    if (schema != null && pgUser != null) {
      try (Connection c = DriverManager.getConnection(adminUrl(pgUser));
          Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  @Override
  public String toString() {
    return backend.name().toLowerCase(Locale.ROOT);
  }
}
