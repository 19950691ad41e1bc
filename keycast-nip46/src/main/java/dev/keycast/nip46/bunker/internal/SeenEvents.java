package dev.keycast.nip46.bunker.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded, time-windowed set of event keys already seen, for dedupe across relays and replays.
 *
 * <p>An entry is remembered for {@code windowSeconds} after it was first seen (events older than
 * the intake age window are dropped anyway, so a window at least as long as the age window makes
 * the dedupe complete) and at most {@code capacity} entries are kept (oldest evicted first; an
 * evicted entry is still protected by the age window unless the signer sees more than {@code
 * capacity} events per window).
 *
 * <p>Thread-safe. One {@link ReentrantLock} guards a {@link LinkedHashMap} in insertion order; the
 * critical section is a hash lookup plus amortised O(1) eviction, never I/O, so relay listener
 * threads may call it.
 */
final class SeenEvents {
  private final int capacity;
  private final long windowSeconds;
  private final ReentrantLock lock = new ReentrantLock();
  private final LinkedHashMap<String, Long> firstSeen = new LinkedHashMap<>();

  /**
   * @param capacity the most entries kept, at least 1
   * @param windowSeconds how long an entry is remembered, in seconds, at least 1
   */
  public SeenEvents(int capacity, long windowSeconds) {
    if (capacity < 1 || windowSeconds < 1) {
      throw new IllegalArgumentException(
          "need capacity >= 1, windowSeconds >= 1: " + capacity + ", " + windowSeconds);
    }
    this.capacity = capacity;
    this.windowSeconds = windowSeconds;
  }

  /**
   * Records {@code key} as seen at {@code nowSeconds}. Never blocks (beyond a short lock).
   *
   * @param key the dedupe key (event id, or id plus signature)
   * @param nowSeconds the current time in Unix seconds
   * @return {@code true} if this is the first sighting within the window, {@code false} for a
   *     duplicate
   */
  public boolean firstSighting(String key, long nowSeconds) {
    lock.lock();
    try {
      expire(nowSeconds);
      if (firstSeen.containsKey(key)) {
        return false;
      }
      firstSeen.put(key, nowSeconds);
      if (firstSeen.size() > capacity) {
        var it = firstSeen.entrySet().iterator();
        it.next();
        it.remove();
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Returns the number of entries held. */
  public int size() {
    lock.lock();
    try {
      return firstSeen.size();
    } finally {
      lock.unlock();
    }
  }

  private void expire(long nowSeconds) {
    var it = firstSeen.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Long> e = it.next();
      if (nowSeconds - e.getValue() < windowSeconds) {
        return; // insertion order: the rest is younger (clock steps back are harmless: entries just
        // live longer)
      }
      it.remove();
    }
  }
}
