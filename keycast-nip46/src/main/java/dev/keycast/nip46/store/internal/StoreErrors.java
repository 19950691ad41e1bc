package dev.keycast.nip46.store.internal;

import dev.keycast.nip46.store.DatabaseUnavailableException;
import dev.keycast.nip46.store.DuplicateEntryException;
import dev.keycast.nip46.store.StoreException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;
import java.util.function.Supplier;

/** Maps JDBI/JDBC failures to typed {@link StoreException}s. */
public final class StoreErrors {
  /** PostgreSQL SQLStates meaning "the server went away or refuses connections for now". */
  private static final Set<String> UNAVAILABLE_STATES =
      Set.of("57P01", "57P02", "57P03", "53300", "53400", "40001", "40P01");

  private StoreErrors() {}

  /**
   * Runs a storage operation, translating failures.
   *
   * @param operation name for messages
   * @param body the operation
   * @param <T> result type
   * @return the result
   */
  public static <T> T run(String operation, Supplier<T> body) {
    try {
      return body.get();
    } catch (StoreException e) {
      throw e;
    } catch (RuntimeException e) {
      throw translate(operation, e);
    }
  }

  /**
   * Translates one failure.
   *
   * @param operation name for messages
   * @param e the failure
   * @return the typed exception
   */
  public static StoreException translate(String operation, Throwable e) {
    if (isUnavailable(e)) {
      return new DatabaseUnavailableException("database unavailable during " + operation, e);
    }
    if (isUniqueViolation(e)) {
      return new DuplicateEntryException(
          operation + ": an entry with the same unique value already exists", e);
    }
    return new StoreException(operation + " failed: " + e.getClass().getSimpleName(), e);
  }

  static boolean isUnavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException
          || t instanceof SQLNonTransientConnectionException
          || t instanceof ConnectException) {
        return true;
      }
      if (t instanceof SQLException sql) {
        String state = sql.getSQLState();
        if (state != null && (state.startsWith("08") || UNAVAILABLE_STATES.contains(state))) {
          return true;
        }
        if (t.getClass().getName().equals("org.sqlite.SQLiteException")) {
          int code = sql.getErrorCode() & 0xff; // primary result code
          if (code == 5 /* SQLITE_BUSY */ || code == 6 /* SQLITE_LOCKED */) {
            return true;
          }
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  static boolean isUniqueViolation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        if ("23505".equals(sql.getSQLState())) {
          return true;
        }
        String msg = String.valueOf(sql.getMessage());
        if (t.getClass().getName().equals("org.sqlite.SQLiteException")
            && (msg.contains("UNIQUE constraint failed")
                || msg.contains("PRIMARY KEY constraint failed"))) {
          return true;
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
