package dev.keycast.nip46.store;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The cluster's shared state in the database (see {@code docs/cluster.md}): the members (one row
 * per incarnation of an instance, with a lease) and the owner of each of the {@link #SLOTS} slots
 * that the bunker keys hash into ({@link #slotOf}). Every time is in epoch milliseconds read from
 * the <b>database</b> clock, so instances need not agree on time.
 *
 * <p>The rules that make ownership safe: a member row is renewed only while it has not expired, and
 * a slot is claimed only when it has no owner or its owner's lease has ended (both single
 * statements; a claim locks the expired member row, so a renewal and a claim serialize). An expired
 * member never renews again (it joins under a new id). So a member whose renewal succeeded knows
 * that no one took its slots before its lease ends. Expired rows are kept a while, so that takeover
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
   * The number of ownership slots. A bunker key belongs to slot {@link #slotOf}, a fixed hash of
   * the key; members own slots, not keys, so the coordination work does not grow with the number of
   * keys.
   */
  int SLOTS = 16_384;

  /**
   * The slot of a bunker key: the top 14 bits of a 64-bit mix of the key's first 8 bytes. Pure;
   * thread-safe; about 20 ns.
   *
   * @param bunkerPubkeyHex the bunker key, lowercase hex (at least 16 characters)
   * @return the slot, {@code 0 <= slot < SLOTS}
   * @throws NumberFormatException if the first 16 characters are not hex
   */
  static int slotOf(String bunkerPubkeyHex) {
    long x = Long.parseUnsignedLong(bunkerPubkeyHex, 0, 16, 16);
    x ^= x >>> 33;
    x *= 0xff51afd7ed558ccdL;
    x ^= x >>> 33;
    x *= 0xc4ceb93e0cb64b53L;
    x ^= x >>> 33;
    return (int) (x >>> 50);
  }

  /**
   * The owner of one slot.
   *
   * @param slot the slot, {@code 0 <= slot < SLOTS}
   * @param ownerMember the owning member, or 0 if released
   * @param fencingToken grows by one with every claim
   * @param changedAtMillis when it was last claimed or released (database clock, epoch ms)
   */
  record SlotOwner(int slot, long ownerMember, long fencingToken, long changedAtMillis) {}

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
   * Returns the owner row of every slot ({@link #SLOTS} rows).
   *
   * @return the rows, ordered by slot
   */
  List<SlotOwner> slotOwners();

  /**
   * Claims slots, each only if it is released or its owner's lease ended (or the owner's row is
   * gone). Each slot's claim is atomic on its own (one row); a slot claimed concurrently by another
   * member is simply not returned.
   *
   * @param slots the slots to claim
   * @param memberId the claiming member
   * @return the slots claimed, each with its new fencing token
   */
  Map<Integer, Long> claim(Collection<Integer> slots, long memberId);

  /**
   * Releases the given slots where this member owns them.
   *
   * @param slots the slots
   * @param memberId the member
   */
  void release(Collection<Integer> slots, long memberId);

  /**
   * Releases every slot of this member and removes its row (a clean leave).
   *
   * @param memberId the member
   */
  void leave(long memberId);
}
