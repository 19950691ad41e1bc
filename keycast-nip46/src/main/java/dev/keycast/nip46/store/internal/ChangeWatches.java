package dev.keycast.nip46.store.internal;

import dev.keycast.nip46.store.ChangeFeed;
import java.util.Properties;
import javax.sql.DataSource;

/** Starts the change watches of {@link dev.keycast.nip46.store.KeycastDatabase#changeFeed()}. */
public final class ChangeWatches {
  private ChangeWatches() {}

  /**
   * Starts an SQLite watch. Never blocks.
   *
   * @param dataSource opens the watch's dedicated connection (not a pool)
   * @param onChange called after a change
   * @return the running watch
   */
  public static ChangeFeed.Watch sqlite(DataSource dataSource, Runnable onChange) {
    return new SqliteChangeWatcher(dataSource, onChange).start();
  }

  /**
   * Starts a PostgreSQL watch. Never blocks.
   *
   * @param jdbcUrl the database URL
   * @param properties driver properties (timeouts, credentials), copied
   * @param onChange called after a change
   * @return the running watch
   */
  public static ChangeFeed.Watch postgresql(
      String jdbcUrl, Properties properties, Runnable onChange) {
    Properties copy = new Properties();
    copy.putAll(properties);
    return new PgChangeListener(jdbcUrl, copy, onChange).start();
  }
}
