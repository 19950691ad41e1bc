package dev.keycast.nip46.bunker;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;

/**
 * JDBC URLs for test databases: a new SQLite file, or a new schema in PostgreSQL database {@code test} at
 * 127.0.0.1:5432 (trust auth). Without PostgreSQL the caller is skipped with a visible message, unless
 * {@code KEYCAST_REQUIRE_PG=1}, which makes it fail.
 */
final class TestDatabases {
  private static @Nullable String pgUser;
  private static @Nullable String pgProblem;
  private static boolean probed;

  private TestDatabases() {}

  /**
   * A database and how to drop it.
   *
   * @param url the JDBC URL
   * @param drop drops it
   * @param pgKillConnections terminates every server connection of this database (PostgreSQL; no-op for SQLite)
   */
  record Db(String url, Runnable drop, Runnable pgKillConnections) {}

  static Db sqlite() {
    try {
      return new Db("jdbc:sqlite:" + Files.createTempDirectory("keycast-server").resolve("keycast.db"), () -> {},
          () -> {});
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static Db postgres() {
    String user = requirePostgres();
    String schema = "kcs_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    exec(user, "CREATE SCHEMA " + schema);
    return new Db(
        "jdbc:postgresql://127.0.0.1:5432/test?user=" + user + "&currentSchema=" + schema
            + "&ApplicationName=" + schema,
        () -> exec(user, "DROP SCHEMA IF EXISTS " + schema + " CASCADE"),
        () -> exec(user, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '"
            + schema + "' AND pid <> pg_backend_pid()"));
  }

  private static void exec(String user, String sql) {
    try (Connection c = DriverManager.getConnection(admin(user)); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new AssertionError("PostgreSQL: " + sql, e);
    }
  }

  private static String admin(String user) {
    return "jdbc:postgresql://127.0.0.1:5432/test?user=" + user + "&connectTimeout=3";
  }

  static synchronized String requirePostgres() {
    if (!probed) {
      probed = true;
      StringBuilder problems = new StringBuilder();
      for (String user : List.of("postgres", System.getProperty("user.name"))) {
        try (Connection c = DriverManager.getConnection(admin(user))) {
          pgUser = user;
          break;
        } catch (SQLException e) {
          problems.append(user).append(": ").append(e.getMessage()).append("; ");
        }
      }
      if (pgUser == null) {
        pgProblem = "PostgreSQL at 127.0.0.1:5432/test unreachable (" + problems + ")";
        System.err.println("SKIPPING PostgreSQL bunker tests: " + pgProblem);
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
}
