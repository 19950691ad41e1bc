package dev.keycast.nip46.store.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * SQLite change watch: reads {@code PRAGMA data_version} on a dedicated connection every 100 ms.
 * The value moves whenever another connection (in this process or any other) committed to the file,
 * and reading it touches no table and takes no lock, so the check costs microseconds. Audit writes
 * move it too: the consumer then reads the change counter once and finds nothing new.
 */
final class SqliteChangeWatcher extends ChangeWatchThread {
  private static final long INTERVAL_MILLIS = 100;

  private final DataSource dataSource;
  private long lastVersion;

  SqliteChangeWatcher(DataSource dataSource, Runnable onChange) {
    super("keycast-sqlite-change-watcher", onChange);
    this.dataSource = dataSource;
  }

  @Override
  Connection open() throws SQLException {
    Connection c = dataSource.getConnection();
    try {
      lastVersion = dataVersion(c);
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
    return c;
  }

  @Override
  boolean awaitChange(Connection c) throws SQLException, InterruptedException {
    Thread.sleep(INTERVAL_MILLIS);
    long v = dataVersion(c);
    if (v != lastVersion) {
      lastVersion = v;
      return true;
    }
    return false;
  }

  private static long dataVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA data_version")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
