package dev.keycast.nip46.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The multi-row audit {@code INSERT} text, cut from one constant, is the text built row by row. */
class JdbiAuditLogSqlTest {

  /** The construction the constant replaced. */
  private static String built(int rows) {
    StringBuilder sql =
        new StringBuilder(
            "INSERT INTO audit_log (at, authorization_id, client_public_key, method, event_kind,"
                + " outcome, reason) VALUES ");
    for (int i = 0; i < rows; i++) {
      sql.append(i == 0 ? "" : ",").append("(?,?,?,?,?,?,?)");
    }
    return sql.toString();
  }

  @Test
  void multiRowInsert_everyChunkSize_equalsTheRowByRowText() {
    for (int rows = 1; rows <= 128; rows++) {
      assertThat(JdbiAuditLog.multiRowInsert(rows)).as("rows=%d", rows).isEqualTo(built(rows));
    }
  }
}
