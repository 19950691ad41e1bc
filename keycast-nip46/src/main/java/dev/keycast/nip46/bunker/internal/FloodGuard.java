package dev.keycast.nip46.bunker.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The flood guard: per-key token buckets (one per client pubkey, {@code IntakeLimits.rateLimit*},
 * whatever the authorization's policy; the policy's own limit is {@link PolicyRateLimiter}), with a
 * small second bucket per key that budgets the {@code "rate limited"} error replies themselves, so
 * a flooding client cannot make the signer spend unbounded CPU on answering it. The reply budget
 * applies to keys that are not connected only: the authorize stage answers every over-limit request
 * of a connected client (see {@link AuthorizeStage}).
 *
 * <p>Thread-safe: any worker may call {@link #acquire}. The map is an access-ordered {@link
 * LinkedHashMap} under one {@link ReentrantLock}, and each bucket is guarded by its own lock; both
 * are held only for a few operations, never across I/O. The map is bounded by {@code maxKeys}, in
 * O(1) per request: when it is full, a new key may take the place of the least recently used key
 * only if that key has been idle for a full refill (its bucket is then full again, so forgetting it
 * changes nothing); otherwise the new key shares a single overflow bucket. No tracked key's bucket
 * is ever reset by a flood of fresh keys, and memory stays bounded.
 */
final class FloodGuard {

  /** The decision for one request. */
  public enum Decision {
    /** Under the limit: process the request. */
    ALLOW,
    /** Over the limit, but within the reply budget: answer {@code "rate limited"}. */
    LIMIT_AND_REPLY,
    /** Over the limit and over the reply budget: drop without a reply. */
    LIMIT_SILENTLY
  }

  private final double burst;
  private final double refillPerNano;
  private final double replyBurst;
  private final double replyRefillPerNano;
  private final int maxKeys;
  private final LongSupplier nanoClock;
  private final long idleNanos;
  private final ReentrantLock mapLock = new ReentrantLock();
  private final LinkedHashMap<String, Bucket> buckets = new LinkedHashMap<>(16, 0.75f, true);
  private final Bucket overflow;

  /**
   * @param burst the number of requests a key may send at once (bucket capacity), at least 1
   * @param perSecond the number of requests per second a key regains, greater than 0
   * @param maxKeys the most keys tracked individually, at least 1
   * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime} in production)
   */
  public FloodGuard(int burst, double perSecond, int maxKeys, LongSupplier nanoClock) {
    if (burst < 1 || !(perSecond > 0) || maxKeys < 1) {
      throw new IllegalArgumentException(
          "need burst >= 1, perSecond > 0, maxKeys >= 1: "
              + burst
              + ", "
              + perSecond
              + ", "
              + maxKeys);
    }
    this.burst = burst;
    this.refillPerNano = perSecond / 1e9;
    // One error reply per second at most, with a burst of 3, once over the limit.
    this.replyBurst = 3;
    this.replyRefillPerNano = 1 / 1e9;
    this.maxKeys = maxKeys;
    this.nanoClock = nanoClock;
    // Idle this long, both buckets are full again: forgetting the key changes nothing.
    this.idleNanos =
        (long) Math.ceil(Math.max(burst / refillPerNano, replyBurst / replyRefillPerNano));
    this.overflow = new Bucket(nanoClock.getAsLong());
  }

  /**
   * Takes one token for {@code key}. Never blocks (beyond a short per-key lock).
   *
   * @param key the client pubkey hex
   * @return what to do with the request
   */
  public Decision acquire(String key) {
    long now = nanoClock.getAsLong();
    return bucket(key, now).take(now);
  }

  /**
   * For a request refused by another limit (the policy's): takes from {@code key}'s reply budget
   * only. Never blocks (beyond a short per-key lock).
   *
   * @param key the client pubkey hex
   * @return {@link Decision#LIMIT_AND_REPLY} while the reply budget lasts, then {@link
   *     Decision#LIMIT_SILENTLY}
   */
  public Decision overLimit(String key) {
    long now = nanoClock.getAsLong();
    return bucket(key, now).takeReply(now);
  }

  /** Returns the most keys tracked individually. */
  public int maxKeys() {
    return maxKeys;
  }

  /** Returns the number of keys tracked individually (for tests and health). */
  public int trackedKeys() {
    mapLock.lock();
    try {
      return buckets.size();
    } finally {
      mapLock.unlock();
    }
  }

  /** The key's bucket, O(1): its own, a new one, or the shared overflow bucket when full. */
  private Bucket bucket(String key, long now) {
    mapLock.lock();
    try {
      Bucket b = buckets.get(key);
      if (b != null) {
        return b;
      }
      if (buckets.size() >= maxKeys) {
        Map.Entry<String, Bucket> eldest = buckets.entrySet().iterator().next();
        if (now - eldest.getValue().lastNanos() <= idleNanos) {
          return overflow;
        }
        buckets.remove(eldest.getKey());
      }
      b = new Bucket(now);
      buckets.put(key, b);
      return b;
    } finally {
      mapLock.unlock();
    }
  }

  private final class Bucket {
    private final ReentrantLock lock = new ReentrantLock();
    private double tokens;
    private double replyTokens;
    private long last;

    Bucket(long now) {
      this.tokens = burst;
      this.replyTokens = replyBurst;
      this.last = now;
    }

    long lastNanos() {
      lock.lock();
      try {
        return last;
      } finally {
        lock.unlock();
      }
    }

    Decision take(long now) {
      return take(now, true);
    }

    Decision takeReply(long now) {
      return take(now, false);
    }

    private Decision take(long now, boolean mayAllow) {
      lock.lock();
      try {
        long elapsed = Math.max(0, now - last);
        last = Math.max(last, now);
        tokens = Math.min(burst, tokens + elapsed * refillPerNano);
        replyTokens = Math.min(replyBurst, replyTokens + elapsed * replyRefillPerNano);
        if (mayAllow && tokens >= 1) {
          tokens -= 1;
          return Decision.ALLOW;
        }
        if (replyTokens >= 1) {
          replyTokens -= 1;
          return Decision.LIMIT_AND_REPLY;
        }
        return Decision.LIMIT_SILENTLY;
      } finally {
        lock.unlock();
      }
    }
  }
}
