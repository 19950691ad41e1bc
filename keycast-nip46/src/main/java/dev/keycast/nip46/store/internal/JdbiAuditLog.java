package dev.keycast.nip46.store.internal;

import dev.keycast.nip46.store.AuditEntry;
import dev.keycast.nip46.store.AuditLog;
import dev.keycast.nip46.store.AuditOutcome;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.mapper.RowMapper;

/** {@link AuditLog} over JDBI. Thread-safe; all methods block on the database. */
public final class JdbiAuditLog implements AuditLog {
  private static final String COLUMNS =
      "at, authorization_id, client_public_key, method, event_kind, outcome, reason";
  private static final RowMapper<AuditEntry> MAPPER = (rs, c) -> new AuditEntry(
      Rows.instant(rs, "at"),
      Rows.nullableLong(rs, "authorization_id"),
      rs.getString("client_public_key") == null ? null : Rows.publicKey(rs, "client_public_key"),
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
    StoreErrors.run("write audit log", () -> ctx.writer().withHandle(h ->
        h.createUpdate("INSERT INTO audit_log (" + COLUMNS + ") VALUES "
                + "(:at, :auth, :client, :method, :kind, :outcome, :reason)")
            .bind("at", entry.at().toEpochMilli())
            .bind("auth", entry.authorizationId())
            .bind("client", entry.clientPublicKey() == null ? null : entry.clientPublicKey().toHex())
            .bind("method", entry.method())
            .bind("kind", entry.eventKind())
            .bind("outcome", entry.outcome().name())
            .bind("reason", entry.reason())
            .execute()));
  }

  @Override
  public void recordAll(List<AuditEntry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    StoreErrors.run("write audit log", () -> ctx.writer().inTransaction(h -> {
      var batch = h.prepareBatch("INSERT INTO audit_log (" + COLUMNS + ") VALUES "
          + "(:at, :auth, :client, :method, :kind, :outcome, :reason)");
      for (AuditEntry entry : entries) {
        batch.bind("at", entry.at().toEpochMilli())
            .bind("auth", entry.authorizationId())
            .bind("client", entry.clientPublicKey() == null ? null : entry.clientPublicKey().toHex())
            .bind("method", entry.method())
            .bind("kind", entry.eventKind())
            .bind("outcome", entry.outcome().name())
            .bind("reason", entry.reason())
            .add();
      }
      return batch.execute();
    }));
  }

  private static void checkLimit(int limit) {
    if (limit < 1 || limit > 10_000) {
      throw new IllegalArgumentException("limit must be 1 to 10000, got " + limit);
    }
  }

  @Override
  public List<AuditEntry> recent(int limit) {
    checkLimit(limit);
    return StoreErrors.run("read audit log", () -> ctx.reader().withHandle(h ->
        h.createQuery("SELECT " + COLUMNS + " FROM audit_log ORDER BY id DESC LIMIT :limit")
            .bind("limit", limit).map(MAPPER).list()));
  }

  @Override
  public List<AuditEntry> forAuthorization(long authorizationId, int limit) {
    checkLimit(limit);
    return StoreErrors.run("read audit log", () -> ctx.reader().withHandle(h ->
        h.createQuery("SELECT " + COLUMNS + " FROM audit_log WHERE authorization_id = :id "
                + "ORDER BY id DESC LIMIT :limit")
            .bind("id", authorizationId).bind("limit", limit).map(MAPPER).list()));
  }

  @Override
  public long purgeBefore(Instant cutoff) {
    return StoreErrors.run("purge audit log", () -> ctx.writer().withHandle(h ->
        (long) h.createUpdate("DELETE FROM audit_log WHERE at < :cutoff")
            .bind("cutoff", cutoff.toEpochMilli()).execute()));
  }
}
