package dev.keycast.crypto;

import java.security.InvalidKeyException;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded cache of NIP-44 conversation keys, keyed by (our public key, their public key).
 *
 * <p>Deriving a conversation key costs an ECDH; a bunker talks to the same peers again and again,
 * so caching saves most of that work. When the cache holds {@code maxEntries} keys, inserting
 * another evicts an approximately least-recently-used entry (the oldest of a small sample). Two
 * threads that miss on the same pair at the same time may both derive the key; the results are
 * identical and one wins.
 *
 * <p>Thread-safety: safe for concurrent use by any number of threads; no lock is held while
 * deriving. {@link #get} never blocks on I/O; on a miss it is CPU-bound (one ECDH). A key written
 * by one thread is visible to others after it is published in the underlying {@link
 * ConcurrentHashMap}.
 *
 * <p>Security guarantees: the cache holds secret conversation keys in memory for as long as they
 * are cached; size it to the number of peers you expect. Entries are found by public keys only, so
 * a caller must hold the matching secret key to ask, and the secret key itself is not retained.
 */
public final class Nip44ConversationKeyCache {
  private static final int EVICTION_SAMPLE = 8;

  private final int maxEntries;
  private final ConcurrentHashMap<Pair, Entry> map;
  private final AtomicLong clock = new AtomicLong();

  /**
   * Creates an empty cache.
   *
   * @param maxEntries the most conversation keys kept, at least 1
   * @throws IllegalArgumentException if {@code maxEntries} &lt; 1
   */
  public Nip44ConversationKeyCache(int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be >= 1, got " + maxEntries);
    }
    this.maxEntries = maxEntries;
    this.map = new ConcurrentHashMap<>(Math.min(maxEntries, 1024) * 2);
  }

  /**
   * Returns the conversation key for the pair, deriving and caching it on a miss.
   *
   * @param ours our secret key
   * @param theirs their public key
   * @return the conversation key
   * @throws InvalidKeyException if derivation fails (not reachable with validated keys)
   */
  public Nip44ConversationKey get(SecretKey ours, PublicKey theirs) throws InvalidKeyException {
    Pair pair = new Pair(ours.publicKey(), theirs);
    Entry e = map.get(pair);
    if (e != null) {
      e.lastUsed = clock.incrementAndGet();
      return e.key;
    }
    Nip44ConversationKey key = Nip44ConversationKey.derive(ours, theirs);
    map.put(pair, new Entry(key, clock.incrementAndGet()));
    while (map.size() > maxEntries) {
      evictOne();
    }
    return key;
  }

  /**
   * The number of cached keys (a moment's snapshot; may be stale under concurrent updates).
   *
   * @return the current size, at most {@code maxEntries} once concurrent inserts have settled
   */
  public int size() {
    return map.size();
  }

  /**
   * Removes every conversation key derived from one of our keys, for a key that is deleted or no
   * longer used: no key derived from it stays in memory. Thread-safe; never blocks; one pass over
   * the entries. A concurrent {@link #get} with that key may re-populate the cache.
   *
   * @param ours the public key of our secret key
   */
  public void removeFor(PublicKey ours) {
    map.keySet().removeIf(p -> p.ours().equals(ours));
  }

  /** Removes all entries. Thread-safe; concurrent gets may re-populate the cache. */
  public void clear() {
    map.clear();
  }

  private void evictOne() {
    Pair victim = null;
    long oldest = Long.MAX_VALUE;
    Iterator<Map.Entry<Pair, Entry>> it = map.entrySet().iterator();
    for (int i = 0; i < EVICTION_SAMPLE && it.hasNext(); i++) {
      Map.Entry<Pair, Entry> candidate = it.next();
      if (candidate.getValue().lastUsed < oldest) {
        oldest = candidate.getValue().lastUsed;
        victim = candidate.getKey();
      }
    }
    if (victim != null) {
      map.remove(victim);
    }
  }

  private record Pair(PublicKey ours, PublicKey theirs) {}

  private static final class Entry {
    final Nip44ConversationKey key;
    volatile long lastUsed;

    Entry(Nip44ConversationKey key, long lastUsed) {
      this.key = key;
      this.lastUsed = lastUsed;
    }
  }
}
