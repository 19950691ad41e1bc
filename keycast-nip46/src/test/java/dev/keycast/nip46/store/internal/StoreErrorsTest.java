package dev.keycast.nip46.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.nip46.store.DatabaseUnavailableException;
import dev.keycast.nip46.store.DuplicateEntryException;
import dev.keycast.nip46.store.StoreException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

class StoreErrorsTest {

  private static StoreException translate(Throwable cause) {
    return StoreErrors.translate(
        "op", new UnableToExecuteStatementException("wrapped", cause, null));
  }

  @Test
  void translate_connectionFailures_areDatabaseUnavailable() {
    for (Throwable cause :
        List.of(
            new SQLException("io", "08006"),
            new SQLException("refused", "08001"),
            new SQLException("admin shutdown", "57P01"),
            new SQLException("too many connections", "53300"),
            new SQLTransientConnectionException("pool timeout"),
            new SQLException("x", new ConnectException("refused")),
            new SQLiteException("busy", SQLiteErrorCode.SQLITE_BUSY),
            new SQLiteException("locked", SQLiteErrorCode.SQLITE_LOCKED))) {
      assertThat(translate(cause))
          .as(cause.toString())
          .isInstanceOf(DatabaseUnavailableException.class)
          .hasMessageContaining("database unavailable")
          .hasCauseInstanceOf(UnableToExecuteStatementException.class);
    }
  }

  @Test
  void translate_uniqueViolations_areDuplicateEntry() {
    assertThat(translate(new SQLException("dup", "23505")))
        .isInstanceOf(DuplicateEntryException.class);
    assertThat(
            translate(
                new SQLiteException(
                    "[SQLITE_CONSTRAINT_UNIQUE] UNIQUE constraint failed: user_keys.name",
                    SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE)))
        .isInstanceOf(DuplicateEntryException.class);
  }

  @Test
  void translate_otherFailures_arePlainStoreExceptionsWithoutDetailLeak() {
    StoreException e = translate(new SQLException("syntax error near 'secret-value'", "42601"));
    assertThat(e).isExactlyInstanceOf(StoreException.class);
    assertThat(e.getMessage())
        .isEqualTo("op failed: UnableToExecuteStatementException")
        .doesNotContain("secret-value");
    assertThat(
            translate(
                new SQLiteException("constraint", SQLiteErrorCode.SQLITE_CONSTRAINT_FOREIGNKEY)))
        .isExactlyInstanceOf(StoreException.class);
  }
}
