package dev.keycast.nip46.store;

/**
 * The database could not be reached or dropped the connection (connection refused, pool timeout,
 * backend terminated, SQLite busy beyond the busy timeout). The condition is transient: the same
 * call may succeed once the database is back, and the connection pool recovers by itself. A server
 * answers such requests with a "database unavailable" error reply instead of failing silently.
 */
public final class DatabaseUnavailableException extends StoreException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed
   * @param cause the underlying failure
   */
  public DatabaseUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
