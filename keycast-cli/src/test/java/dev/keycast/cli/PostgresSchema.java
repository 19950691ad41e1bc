package dev.keycast.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * A fresh schema in the local PostgreSQL's {@code test} database, dropped on close; skips the test
 * visibly without PostgreSQL (fails with {@code KEYCAST_REQUIRE_PG=1}).
 */
final class PostgresSchema implements AutoCloseable {
  private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";

  private final String user;
  final String name;

  private PostgresSchema(String user, String name) {
    this.user = user;
    this.name = name;
  }

  static PostgresSchema create() {
    StringBuilder problems = new StringBuilder();
    for (String user : new String[] {"postgres", System.getProperty("user.name")}) {
      String schema = "kc_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
      try (Connection c = DriverManager.getConnection(adminUrl(user));
          Statement s = c.createStatement()) {
        s.execute("CREATE SCHEMA " + schema);
        return new PostgresSchema(user, schema);
      } catch (SQLException e) {
        problems.append(user).append(": ").append(e.getMessage()).append("; ");
      }
    }
    String problem = "PostgreSQL at " + SERVER + " unreachable (" + problems + ")";
    if ("1".equals(System.getenv("KEYCAST_REQUIRE_PG"))) {
      fail(problem + " and KEYCAST_REQUIRE_PG=1");
    }
    System.err.println("SKIPPING: " + problem);
    Assumptions.abort("SKIPPED: " + problem);
    throw new AssertionError("unreachable");
  }

  private static String adminUrl(String user) {
    return SERVER + "?user=" + user + "&connectTimeout=3";
  }

  /** The JDBC URL of the schema (its application name is the schema name). */
  String url() {
    return SERVER + "?user=" + user + "&currentSchema=" + name + "&ApplicationName=" + name;
  }

  @Override
  public void close() throws SQLException {
    try (Connection c = DriverManager.getConnection(adminUrl(user));
        Statement s = c.createStatement()) {
      s.execute(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '"
              + name
              + "' AND pid <> pg_backend_pid()");
      s.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
    }
  }
}
