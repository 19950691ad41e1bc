package dev.keycast.nip46.store.internal;

import dev.keycast.crypto.PublicKey;
import dev.keycast.nip46.store.RememberedApproval;
import dev.keycast.nip46.store.RememberedApprovalStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jspecify.annotations.Nullable;

/**
 * {@link RememberedApprovalStore} over JDBI: the {@code remembered_approvals} table (schema version
 * 9). Writes take no change-counter bump: a remembered answer is read afresh on each asked request,
 * never cached by a daemon. Thread-safe; every method blocks on the database.
 */
public final class JdbiRememberedApprovals implements RememberedApprovalStore {
  private static final String COLUMNS =
      "authorization_id, client_public_key, permission, verdict, decided_by, decided_at, expires_at";

  private static final RowMapper<RememberedApproval> MAPPER =
      (rs, c) ->
          new RememberedApproval(
              rs.getLong("authorization_id"),
              Rows.publicKey(rs, "client_public_key"),
              rs.getString("permission"),
              "allow".equals(rs.getString("verdict")),
              rs.getString("decided_by"),
              Rows.instant(rs, "decided_at"),
              Rows.instant(rs, "expires_at"));

  private final StoreContext ctx;

  /**
   * Creates the store.
   *
   * @param ctx shared context
   */
  public JdbiRememberedApprovals(StoreContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public boolean remember(RememberedApproval a) {
    deleteExpired(a.decidedAt());
    // One statement (no lock held across two): kept only while the authorization exists, replacing
    // the earlier answer for the same key. Both dialects speak this upsert.
    return StoreErrors.run(
        "remember approval",
        () ->
            ctx.writer()
                .withHandle(
                    h ->
                        h.createUpdate(
                                    "INSERT INTO remembered_approvals ("
                                        + COLUMNS
                                        + ") SELECT :auth, :client, :perm, :verdict, :by, :at, :exp "
                                        + "WHERE EXISTS (SELECT 1 FROM authorizations WHERE id = :auth) "
                                        + "ON CONFLICT (authorization_id, client_public_key, permission) DO UPDATE SET "
                                        + "verdict = excluded.verdict, decided_by = excluded.decided_by, "
                                        + "decided_at = excluded.decided_at, expires_at = excluded.expires_at")
                                .bind("auth", a.authorizationId())
                                .bind("client", a.clientPublicKey().toHex())
                                .bind("perm", a.permission())
                                .bind("verdict", a.allowed() ? "allow" : "deny")
                                .bind("by", a.decidedBy())
                                .bind("at", a.decidedAt().toEpochMilli())
                                .bind("exp", a.expiresAt().toEpochMilli())
                                .execute()
                            > 0));
  }

  @Override
  public Optional<RememberedApproval> find(
      long authorizationId, PublicKey clientPublicKey, String permission, Instant now) {
    return StoreErrors.run(
        "find remembered approval",
        () ->
            ctx.reader()
                .withHandle(
                    h ->
                        h.createQuery(
                                "SELECT "
                                    + COLUMNS
                                    + " FROM remembered_approvals WHERE authorization_id = :auth "
                                    + "AND client_public_key = :client AND permission = :perm AND expires_at > :now")
                            .bind("auth", authorizationId)
                            .bind("client", clientPublicKey.toHex())
                            .bind("perm", permission)
                            .bind("now", now.toEpochMilli())
                            .map(MAPPER)
                            .findOne()));
  }

  @Override
  public List<RememberedApproval> list(Instant now, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    return StoreErrors.run(
        "list remembered approvals",
        () ->
            ctx.reader()
                .withHandle(
                    h ->
                        h.createQuery(
                                "SELECT "
                                    + COLUMNS
                                    + " FROM remembered_approvals WHERE expires_at > :now "
                                    + "ORDER BY expires_at, authorization_id, client_public_key, permission LIMIT :limit")
                            .bind("now", now.toEpochMilli())
                            .bind("limit", limit)
                            .map(MAPPER)
                            .list()));
  }

  @Override
  public int forget(long authorizationId, PublicKey clientPublicKey) {
    return StoreErrors.run(
        "forget remembered approvals",
        () -> ctx.writer().withHandle(h -> forgetIn(h, authorizationId, clientPublicKey.toHex())));
  }

  @Override
  public int deleteExpired(Instant now) {
    return StoreErrors.run(
        "delete expired approvals", () -> ctx.writer().withHandle(h -> deleteExpiredIn(h, now)));
  }

  /**
   * Deletes an authorization's answers (all clients if {@code clientHex} is null): called inside
   * the revoke, logout and delete transactions of {@link JdbiAuthorizationStore}.
   */
  static int forgetIn(Handle h, long authorizationId, @Nullable String clientHex) {
    if (clientHex == null) {
      return h.createUpdate("DELETE FROM remembered_approvals WHERE authorization_id = :auth")
          .bind("auth", authorizationId)
          .execute();
    }
    return h.createUpdate(
            "DELETE FROM remembered_approvals WHERE authorization_id = :auth AND client_public_key = :client")
        .bind("auth", authorizationId)
        .bind("client", clientHex)
        .execute();
  }

  private static int deleteExpiredIn(Handle h, Instant now) {
    return h.createUpdate("DELETE FROM remembered_approvals WHERE expires_at <= :now")
        .bind("now", now.toEpochMilli())
        .execute();
  }
}
