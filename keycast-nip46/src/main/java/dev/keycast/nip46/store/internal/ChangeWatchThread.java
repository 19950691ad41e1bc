package dev.keycast.nip46.store.internal;

import dev.keycast.nip46.store.ChangeFeed;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop both change watches share: holds one dedicated connection (never a pooled one, so a busy
 * pool cannot delay it), waits for changes on it with {@link #awaitChange}, and reopens it with
 * backoff (100 ms doubling to 5 s) after a failure, telling the consumer after each reconnect
 * (changes made while it was away must be re-read). One virtual thread per watch.
 */
abstract class ChangeWatchThread implements ChangeFeed.Watch {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeWatchThread.class);
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  private final Runnable onChange;
  private final Thread thread;
  private volatile boolean closed;

  ChangeWatchThread(String name, Runnable onChange) {
    this.onChange = onChange;
    this.thread = Thread.ofVirtual().name(name).unstarted(this::run);
  }

  /** Starts the thread; call once, after construction. */
  final ChangeWatchThread start() {
    thread.start();
    return this;
  }

  /** Opens the dedicated connection (and, for PostgreSQL, LISTENs on it). May block. */
  abstract Connection open() throws SQLException;

  /**
   * Waits on {@code c} for a change, for at most about a tenth of a second to a second.
   *
   * @return true if something changed
   * @throws SQLException if the connection failed (it is then closed and reopened)
   */
  abstract boolean awaitChange(Connection c) throws SQLException, InterruptedException;

  private void run() {
    Duration backoff = FIRST_BACKOFF;
    boolean lost = false;
    while (!closed) {
      @Nullable Connection c = null;
      try {
        c = open();
        if (lost) {
          LOG.info("change feed reconnected");
          lost = false;
        }
        backoff = FIRST_BACKOFF;
        notifyChange(); // anything may have changed while we were not watching
        while (!closed) {
          if (awaitChange(c)) {
            notifyChange();
          }
        }
      } catch (InterruptedException e) {
        return;
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          return;
        }
        if (!lost) {
          LOG.warn(
              "change feed lost its connection (polling continues; reconnecting): {}",
              e.toString());
          lost = true;
        }
      } finally {
        closeQuietly(c);
      }
      try {
        Thread.sleep(backoff);
      } catch (InterruptedException e) {
        return;
      }
      backoff =
          backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
              ? MAX_BACKOFF
              : backoff.multipliedBy(2);
    }
  }

  private void notifyChange() {
    try {
      onChange.run();
    } catch (RuntimeException e) {
      LOG.warn("change feed consumer failed", e);
    }
  }

  private static void closeQuietly(@Nullable Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException | RuntimeException e) {
      LOG.debug("closing the change feed connection failed", e);
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
