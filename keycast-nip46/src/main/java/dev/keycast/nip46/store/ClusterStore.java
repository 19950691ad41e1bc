package dev.keycast.nip46.store;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;

/**
 * The cluster's shared state in the database (see {@code docs/cluster.md}): the members (one row
 * per incarnation of an instance, with a lease) and the owner of each bunker key. Every time is in
 * epoch milliseconds read from the <b>database</b> clock, so instances need not agree on time.
 *
 * <p>The rules that make ownership safe: a member row is renewed only while it has not expired, and
 * a key is claimed only when it has no owner or its owner's lease has ended (both single
 * statements; a claim locks the expired member row, so a renewal and a claim serialize). An expired
 * member never renews again (it joins under a new id). So a member whose renewal succeeded knows
 * that no one took its keys before its lease ends. Expired rows are kept a while, so that takeover
 * can tell who joined before the dead member's last heartbeat.
 *
 * <p>Thread-safe. Every method blocks for one or a few short statements.
 */
public interface ClusterStore {
  /**
   * One member (an incarnation of an instance).
   *
   * @param memberId unique per incarnation
   * @param instanceId the instance's name ({@code --instance-id})
   * @param startedAtMillis when it joined (database clock, epoch ms)
   * @param heartbeatAtMillis its last renewal (database clock, epoch ms)
   * @param expiresAtMillis when its lease ends (database clock, epoch ms)
   * @param appliedVersion the store change version whose subscriptions it has in place
   * @param live whether its lease had not ended when read
   */
  record Member(
      long memberId,
      String instanceId,
      long startedAtMillis,
      long heartbeatAtMillis,
      long expiresAtMillis,
      long appliedVersion,
      boolean live) {}

  /**
   * The owner of one bunker key.
   *
   * @param bunkerPubkey the bunker key, lowercase hex
   * @param ownerMember the owning member, or 0 if released
   * @param fencingToken grows by one with every claim
   */
  record KeyOwner(String bunkerPubkey, long ownerMember, long fencingToken) {}

  /**
   * Adds a member with a fresh lease.
   *
   * @param memberId a new, unique member id
   * @param instanceId the instance's name
   * @param lease how long the lease lasts from the database's now
   * @param appliedVersion the change version whose subscriptions are in place
   */
  void join(long memberId, String instanceId, Duration lease, long appliedVersion);

  /**
   * Renews a member's lease if it has not ended yet.
   *
   * @param memberId the member
   * @param lease how long the lease lasts from the database's now
   * @param appliedVersion the change version whose subscriptions are in place
   * @return {@code false} if the lease had ended (or the member was removed): the member owns
   *     nothing any more and must join again under a new id
   */
  boolean renew(long memberId, Duration lease, long appliedVersion);

  /**
   * Deletes the members whose lease ended more than {@code after} ago.
   *
   * @param after how long expired rows are kept
   * @return how many were deleted
   */
  int removeExpired(Duration after);

  /**
   * Returns every member row, live or not.
   *
   * @return the rows, ordered by instance id
   */
  List<Member> members();

  /**
   * Returns the owner row of every key.
   *
   * @return the rows
   */
  List<KeyOwner> owners();

  /**
   * Adds owner rows (released) for keys that have none; one batch.
   *
   * @param bunkerPubkeys lowercase hex bunker keys
   */
  void ensureKeys(Collection<String> bunkerPubkeys);

  /**
   * Claims a key in one statement, only if it is released or its owner's lease ended (or its row is
   * gone).
   *
   * @param bunkerPubkey lowercase hex bunker key
   * @param memberId the claiming member
   * @return the new fencing token, or empty if someone else holds it
   */
  OptionalLong claim(String bunkerPubkey, long memberId);

  /**
   * Releases a key if this member owns it.
   *
   * @param bunkerPubkey lowercase hex bunker key
   * @param memberId the member
   */
  void release(String bunkerPubkey, long memberId);

  /**
   * Releases every key of this member and removes its row (a clean leave).
   *
   * @param memberId the member
   */
  void leave(long memberId);
}
