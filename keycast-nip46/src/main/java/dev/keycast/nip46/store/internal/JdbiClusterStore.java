package dev.keycast.nip46.store.internal;

import dev.keycast.nip46.store.ClusterStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link ClusterStore} over JDBI. Times come from the database clock: {@code clock_timestamp()} on
 * PostgreSQL (not {@code now()}, which is the transaction's start), {@code julianday('now')} on
 * SQLite. Every method is one statement in auto-commit, except {@link #leave}, one transaction.
 */
public final class JdbiClusterStore implements ClusterStore {
  private final StoreContext ctx;
  private final String now;

  /**
   * Creates the store.
   *
   * @param ctx shared context
   */
  public JdbiClusterStore(StoreContext ctx) {
    this.ctx = ctx;
    this.now =
        ctx.dialect() == Dialect.POSTGRESQL
            ? "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)"
            : "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";
  }

  @Override
  public void join(long memberId, String instanceId, Duration lease, long appliedVersion) {
    StoreErrors.run(
        "join the cluster",
        () ->
            ctx.writer()
                .withHandle(
                    h ->
                        h.createUpdate(
                                "INSERT INTO cluster_members (member_id, instance_id, started_at,"
                                    + " heartbeat_at, expires_at, applied_version) VALUES (:m, :i, "
                                    + now
                                    + ", "
                                    + now
                                    + ", "
                                    + now
                                    + " + :lease, :v)")
                            .bind("m", memberId)
                            .bind("i", instanceId)
                            .bind("lease", lease.toMillis())
                            .bind("v", appliedVersion)
                            .execute()));
  }

  @Override
  public boolean renew(long memberId, Duration lease, long appliedVersion) {
    return StoreErrors.run(
            "renew the cluster lease",
            () ->
                ctx.writer()
                    .withHandle(
                        h ->
                            h.createUpdate(
                                    "UPDATE cluster_members SET heartbeat_at = "
                                        + now
                                        + ", expires_at = "
                                        + now
                                        + " + :lease, applied_version = :v WHERE member_id = :m"
                                        + " AND expires_at > "
                                        + now)
                                .bind("m", memberId)
                                .bind("lease", lease.toMillis())
                                .bind("v", appliedVersion)
                                .execute()))
        == 1;
  }

  @Override
  public int removeExpired(Duration after) {
    return StoreErrors.run(
        "remove expired cluster members",
        () ->
            ctx.writer()
                .withHandle(
                    h ->
                        h.createUpdate(
                                "DELETE FROM cluster_members WHERE expires_at <= "
                                    + now
                                    + " - :after")
                            .bind("after", after.toMillis())
                            .execute()));
  }

  @Override
  public List<Member> members() {
    return StoreErrors.run(
        "read cluster members",
        () ->
            ctx.reader()
                .withHandle(
                    h ->
                        h.createQuery(
                                "SELECT member_id, instance_id, started_at, heartbeat_at,"
                                    + " expires_at, applied_version, CASE WHEN expires_at > "
                                    + now
                                    + " THEN 1 ELSE 0 END AS live FROM cluster_members ORDER BY"
                                    + " instance_id, member_id")
                            .map(
                                (rs, c) ->
                                    new Member(
                                        rs.getLong("member_id"),
                                        rs.getString("instance_id"),
                                        rs.getLong("started_at"),
                                        rs.getLong("heartbeat_at"),
                                        rs.getLong("expires_at"),
                                        rs.getLong("applied_version"),
                                        rs.getInt("live") == 1))
                            .list()));
  }

  @Override
  public List<SlotOwner> slotOwners() {
    return StoreErrors.run(
        "read slot owners",
        () ->
            ctx.reader()
                .withHandle(
                    h ->
                        h.createQuery(
                                "SELECT slot, owner_member, fencing_token, changed_at FROM"
                                    + " cluster_slots ORDER BY slot")
                            .map(
                                (rs, c) ->
                                    new SlotOwner(
                                        rs.getInt("slot"),
                                        rs.getLong("owner_member"),
                                        rs.getLong("fencing_token"),
                                        rs.getLong("changed_at")))
                            .list()));
  }

  @Override
  public Map<Integer, Long> claim(Collection<Integer> slots, long memberId) {
    // One statement per chunk: concurrent claims serialize on each slot's row, and PostgreSQL
    // re-checks the WHERE clause against the row the winner wrote, so exactly one claim of a slot
    // succeeds. The expired owner's member row is locked (FOR UPDATE) and re-checked the same way,
    // so a renewal that commits first wins and the claim fails; a renewal that comes second finds
    // the lease ended. SQLite has one writer: statements never interleave.
    String lock = ctx.dialect() == Dialect.POSTGRESQL ? " FOR UPDATE" : "";
    Map<Integer, Long> out = new HashMap<>();
    for (List<Integer> chunk : chunks(slots)) {
      StoreErrors.run(
          "claim slots",
          () ->
              ctx.writer()
                  .withHandle(
                      h ->
                          h.createQuery(
                                  "UPDATE cluster_slots SET owner_member = :m, fencing_token ="
                                      + " fencing_token + 1, changed_at = "
                                      + now
                                      + " WHERE slot IN (<slots>) AND (owner_member IS NULL OR NOT"
                                      + " EXISTS (SELECT 1 FROM cluster_members c WHERE c.member_id"
                                      + " = cluster_slots.owner_member) OR owner_member IN (SELECT"
                                      + " member_id FROM cluster_members WHERE expires_at <= "
                                      + now
                                      + lock
                                      + ")) RETURNING slot, fencing_token")
                              .bind("m", memberId)
                              .bindList("slots", chunk)
                              .map((rs, c) -> out.put(rs.getInt(1), rs.getLong(2)))
                              .list()));
    }
    return out;
  }

  @Override
  public void release(Collection<Integer> slots, long memberId) {
    for (List<Integer> chunk : chunks(slots)) {
      StoreErrors.run(
          "release slots",
          () ->
              ctx.writer()
                  .withHandle(
                      h ->
                          h.createUpdate(
                                  "UPDATE cluster_slots SET owner_member = NULL, changed_at = "
                                      + now
                                      + " WHERE slot IN (<slots>) AND owner_member = :m")
                              .bindList("slots", chunk)
                              .bind("m", memberId)
                              .execute()));
    }
  }

  /** Splits into lists of at most 1,000 (well under every driver's parameter limit). */
  private static List<List<Integer>> chunks(Collection<Integer> slots) {
    List<Integer> all = new ArrayList<>(slots);
    List<List<Integer>> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i += 1000) {
      out.add(all.subList(i, Math.min(all.size(), i + 1000)));
    }
    return out;
  }

  @Override
  public void leave(long memberId) {
    StoreErrors.run(
        "leave the cluster",
        () ->
            ctx.writer()
                .inTransaction(
                    h -> {
                      h.createUpdate(
                              "UPDATE cluster_slots SET owner_member = NULL, changed_at = "
                                  + now
                                  + " WHERE owner_member = :m")
                          .bind("m", memberId)
                          .execute();
                      return h.createUpdate("DELETE FROM cluster_members WHERE member_id = :m")
                          .bind("m", memberId)
                          .execute();
                    }));
  }
}
