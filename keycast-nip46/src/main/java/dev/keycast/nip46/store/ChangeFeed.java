package dev.keycast.nip46.store;

/**
 * Tells a consumer, soon after it happens, that the stored authorizations, keys or policies may
 * have changed, whichever process changed them (this one, the CLI, another daemon, an embedding
 * program). It carries no data: the consumer reads what changed ({@link
 * AuthorizationStore#changesSince}) when woken. Wake-ups may be spurious (another database on the
 * same PostgreSQL server, a write that changed nothing the consumer cares about) and several
 * changes may coalesce into one; a consumer that also polls now and then misses nothing.
 *
 * <p>Thread-safe.
 */
@FunctionalInterface
public interface ChangeFeed {

  /** A running watch; {@link #close()} stops it. */
  interface Watch extends AutoCloseable {
    /** Stops watching and releases its connection. Idempotent; never throws. */
    @Override
    void close();
  }

  /**
   * Starts watching on a thread of the feed's own. {@code onChange} runs on that thread after a
   * change committed, and also after the watch lost its connection and got it back (changes made in
   * between are not reported one by one: the consumer re-reads). It must be fast and must not block
   * or throw (an exception is logged and ignored). Never blocks: connecting happens on the watch's
   * thread, which retries with backoff while the database is unreachable.
   *
   * @param onChange called when something may have changed
   * @return the running watch
   */
  Watch watch(Runnable onChange);

  /**
   * A feed that never reports anything (consumers fall back on polling).
   *
   * @return the silent feed
   */
  static ChangeFeed none() {
    return onChange -> () -> {};
  }
}
