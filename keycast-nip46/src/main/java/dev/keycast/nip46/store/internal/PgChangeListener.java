package dev.keycast.nip46.store.internal;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * PostgreSQL change watch: {@code LISTEN keycast_changes} on a dedicated connection opened with the
 * pool's settings (outside the pool), then {@code getNotifications(500 ms)} in a loop. Every
 * change-counter bump queues a {@code NOTIFY} in its own transaction ({@link
 * StoreContext#bumpChangeVersion}), so a commit by any process wakes the consumer within
 * milliseconds; notifications from other schemas of the same database (the payload names the
 * schema) are ignored. A connection that goes quiet is checked with {@code SELECT 1} every few
 * seconds, so a silent network cut is noticed and the connection reopened.
 */
final class PgChangeListener extends ChangeWatchThread {
  private static final int WAIT_MILLIS = 500;
  private static final long CHECK_NANOS = 5_000_000_000L;

  private final String jdbcUrl;
  private final Properties properties;
  private long lastCheckNanos;
  private String schema = "";

  PgChangeListener(String jdbcUrl, Properties properties, Runnable onChange) {
    super("keycast-pg-change-listener", onChange);
    this.jdbcUrl = jdbcUrl;
    this.properties = properties;
  }

  @Override
  Connection open() throws SQLException {
    Connection c = DriverManager.getConnection(jdbcUrl, properties);
    try (Statement s = c.createStatement()) {
      s.execute("LISTEN " + StoreContext.CHANGE_CHANNEL);
      try (ResultSet rs = s.executeQuery("SELECT current_schema()")) {
        rs.next();
        String current = rs.getString(1);
        schema = current == null ? "" : current;
      }
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
    lastCheckNanos = System.nanoTime();
    return c;
  }

  @Override
  boolean awaitChange(Connection c) throws SQLException {
    PGNotification[] received = c.unwrap(PGConnection.class).getNotifications(WAIT_MILLIS);
    if (received != null && received.length > 0) {
      lastCheckNanos = System.nanoTime();
      for (PGNotification n : received) {
        if (schema.equals(n.getParameter())) {
          return true; // else a change in another schema of the same database
        }
      }
      return false;
    }
    if (System.nanoTime() - lastCheckNanos > CHECK_NANOS) {
      try (Statement s = c.createStatement()) {
        s.setQueryTimeout(5);
        s.execute("SELECT 1");
      }
      lastCheckNanos = System.nanoTime();
    }
    return false;
  }
}
