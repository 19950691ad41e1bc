package dev.keycast.nip46.bunker.internal;

import dev.keycast.nip46.store.ClusterStore;
import java.util.List;

/**
 * Rendezvous (highest random weight) hashing of slots to members: each slot goes to the member with
 * the highest score of {@code hash(slot, member)}. When a member joins or leaves, only the slots it
 * gains or held move. A bunker key goes where its slot ({@link ClusterStore#slotOf}) goes.
 * Stateless; thread-safe.
 */
public final class Rendezvous {
  private Rendezvous() {}

  /**
   * Picks the member for a bunker key (the member of its slot).
   *
   * @param keyHex a bunker key, lowercase hex (at least 16 characters)
   * @param members the live member ids, not empty
   * @return the chosen member id
   */
  public static long pick(String keyHex, List<Long> members) {
    return pickSlot(ClusterStore.slotOf(keyHex), members);
  }

  /**
   * Picks the member for a slot.
   *
   * @param slot the slot, {@code 0 <= slot < ClusterStore.SLOTS}
   * @param members the live member ids, not empty
   * @return the chosen member id
   */
  public static long pickSlot(int slot, List<Long> members) {
    long k = mix(slot * 0x9e3779b97f4a7c15L);
    long best = 0;
    long bestScore = 0;
    boolean first = true;
    for (long m : members) {
      long score = mix(k ^ mix(m));
      if (first || Long.compareUnsigned(score, bestScore) > 0) {
        best = m;
        bestScore = score;
        first = false;
      }
    }
    return best;
  }

  /** The 64-bit finalizer of MurmurHash3: a bijection that spreads every input bit. */
  private static long mix(long x) {
    x ^= x >>> 33;
    x *= 0xff51afd7ed558ccdL;
    x ^= x >>> 33;
    x *= 0xc4ceb93e0cb64b53L;
    x ^= x >>> 33;
    return x;
  }
}
