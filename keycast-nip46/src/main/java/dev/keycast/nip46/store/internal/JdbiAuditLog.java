package dev.keycast.nip46.store.internal;

import dev.keycast.nip46.store.AuditEntry;
import dev.keycast.nip46.store.AuditLog;
import dev.keycast.nip46.store.AuditOutcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.jspecify.annotations.Nullable;

/** {@link AuditLog} over JDBI. Thread-safe; all methods block on the database. */
public final class JdbiAuditLog implements AuditLog {
  private static final int ROWS_PER_INSERT = 128;
  private static final int PURGE_BATCH = 1000;
  private static final String COLUMNS =
      "at, authorization_id, client_public_key, method, event_kind, outcome, reason";
  private static final String INSERT_HEAD = "INSERT INTO audit_log (" + COLUMNS + ") VALUES ";
  private static final String ROW_PLACES = "(?,?,?,?,?,?,?),";

  /** The {@code INSERT} of a full chunk; a shorter one is a prefix of it. */
  private static final String FULL_INSERT =
      INSERT_HEAD
          + ROW_PLACES
              .repeat(ROWS_PER_INSERT)
              .substring(0, ROW_PLACES.length() * ROWS_PER_INSERT - 1);

  private static final RowMapper<AuditEntry> MAPPER =
      (rs, c) ->
          new AuditEntry(
              Rows.instant(rs, "at"),
              Rows.nullableLong(rs, "authorization_id"),
              rs.getString("client_public_key") == null
                  ? null
                  : Rows.publicKey(rs, "client_public_key"),
              rs.getString("method"),
              Rows.nullableInt(rs, "event_kind"),
              AuditOutcome.valueOf(rs.getString("outcome")),
              rs.getString("reason"));

  private final StoreContext ctx;

  /**
   * Creates the log.
   *
   * @param ctx shared context
   */
  public JdbiAuditLog(StoreContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void record(AuditEntry entry) {
    StoreErrors.run(
        "write audit log",
        () ->
            ctx.writer()
                .withHandle(
                    h ->
                        h.createUpdate(
                                "INSERT INTO audit_log ("
                                    + COLUMNS
                                    + ") VALUES "
                                    + "(:at, :auth, :client, :method, :kind, :outcome, :reason)")
                            .bind("at", entry.at().toEpochMilli())
                            .bind("auth", entry.authorizationId())
                            .bind(
                                "client",
                                entry.clientPublicKey() == null
                                    ? null
                                    : entry.clientPublicKey().toHex())
                            .bind("method", entry.method())
                            .bind("kind", entry.eventKind())
                            .bind("outcome", entry.outcome().name())
                            .bind("reason", entry.reason())
                            .execute()));
  }

  /**
   * One multi-row {@code INSERT} per {@value #ROWS_PER_INSERT} entries, all in one transaction. A
   * JDBC batch would still execute the statement once per row (SQLite steps it per row); one
   * statement per chunk is several times cheaper per entry, and 7 parameters per row keep a chunk
   * far below SQLite's and PostgreSQL's parameter limits. Plain JDBC on JDBI's connection: JDBI
   * would lex every distinct statement text, which here varies with the batch size.
   */
  @Override
  public void recordAll(List<AuditEntry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    StoreErrors.run(
        "write audit log",
        () ->
            ctx.writer()
                .inTransaction(
                    h -> {
                      try {
                        return insertAll(h.getConnection(), entries);
                      } catch (SQLException e) {
                        throw new UnableToExecuteStatementException(
                            e, null); // translated by StoreErrors, cause kept
                      }
                    }));
  }

  private static int insertAll(Connection c, List<AuditEntry> entries) throws SQLException {
    int done = 0;
    while (done < entries.size()) {
      int rows = Math.min(ROWS_PER_INSERT, entries.size() - done);
      try (PreparedStatement insert = c.prepareStatement(multiRowInsert(rows))) {
        int p = 1;
        for (AuditEntry entry : entries.subList(done, done + rows)) {
          insert.setLong(p++, entry.at().toEpochMilli());
          setNullable(insert, p++, entry.authorizationId(), Types.BIGINT);
          setNullable(
              insert,
              p++,
              entry.clientPublicKey() == null ? null : entry.clientPublicKey().toHex(),
              Types.VARCHAR);
          insert.setString(p++, entry.method());
          setNullable(insert, p++, entry.eventKind(), Types.INTEGER);
          insert.setString(p++, entry.outcome().name());
          setNullable(insert, p++, entry.reason(), Types.VARCHAR);
        }
        insert.executeUpdate();
      }
      done += rows;
    }
    return done;
  }

  private static void setNullable(
      PreparedStatement s, int index, @Nullable Object value, int sqlType) throws SQLException {
    if (value == null) {
      s.setNull(index, sqlType);
    } else {
      s.setObject(index, value, sqlType);
    }
  }

  /**
   * The {@code INSERT} of {@code rows} rows, 1 to {@value #ROWS_PER_INSERT}: the full chunk's text
   * itself, or its prefix (one string, where building it took a builder and a copy per batch).
   */
  static String multiRowInsert(int rows) {
    return rows == ROWS_PER_INSERT
        ? FULL_INSERT
        : FULL_INSERT.substring(0, INSERT_HEAD.length() + ROW_PLACES.length() * rows - 1);
  }

  private static void checkLimit(int limit) {
    if (limit < 1 || limit > 10_000) {
      throw new IllegalArgumentException("limit must be 1 to 10000, got " + limit);
    }
  }

  @Override
  public List<AuditEntry> recent(int limit) {
    checkLimit(limit);
    return StoreErrors.run(
        "read audit log",
        () ->
            ctx.reader()
                .withHandle(
                    h ->
                        h.createQuery(
                                "SELECT "
                                    + COLUMNS
                                    + " FROM audit_log ORDER BY id DESC LIMIT :limit")
                            .bind("limit", limit)
                            .map(MAPPER)
                            .list()));
  }

  @Override
  public List<AuditEntry> forAuthorization(long authorizationId, int limit) {
    checkLimit(limit);
    return StoreErrors.run(
        "read audit log",
        () ->
            ctx.reader()
                .withHandle(
                    h ->
                        h.createQuery(
                                "SELECT "
                                    + COLUMNS
                                    + " FROM audit_log WHERE authorization_id = :id "
                                    + "ORDER BY id DESC LIMIT :limit")
                            .bind("id", authorizationId)
                            .bind("limit", limit)
                            .map(MAPPER)
                            .list()));
  }

  /**
   * Deletes in batches of {@value #PURGE_BATCH} rows, each batch its own short transaction: one
   * statement deleting millions of rows would hold SQLite's single writer (and every request's
   * audit write behind it) for seconds. Each batch finds its rows through the index on {@code at}.
   */
  @Override
  public long purgeBefore(Instant cutoff) {
    long total = 0;
    while (true) {
      int deleted =
          StoreErrors.run(
              "purge audit log",
              () ->
                  ctx.writer()
                      .withHandle(
                          h ->
                              h.createUpdate(
                                      "DELETE FROM audit_log WHERE id IN "
                                          + "(SELECT id FROM audit_log WHERE at < :cutoff LIMIT "
                                          + PURGE_BATCH
                                          + ")")
                                  .bind("cutoff", cutoff.toEpochMilli())
                                  .execute()));
      total += deleted;
      if (deleted < PURGE_BATCH) {
        return total;
      }
    }
  }
}
