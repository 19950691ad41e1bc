package dev.keycast.nip46.bunker.internal;

import dev.keycast.crypto.PublicKey;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A budget of refused {@code connect}s per bunker key: a token bucket of {@code burst} refusals
 * refilled at {@code perSecond}. Each refused connect (wrong secret, revoked, expired, used up)
 * spends one; while a bunker key's budget is empty its connects are answered {@code rate limited}
 * without a store query. A connect that succeeds spends nothing, and clients already connected are
 * answered before the budget is consulted, so an attacker who floods wrong secrets only delays new
 * clients of that one authorization.
 *
 * <p>One entry per bunker key that saw a refusal; bunker keys are those of existing authorizations
 * (the pipeline drops events for unknown keys before this), so the map is bounded by their number.
 * Thread-safe; a per-key lock held for a few arithmetic operations, never across I/O.
 */
final class ConnectBudget {
  /** Default burst: refusals a bunker key absorbs at once. */
  static final int DEFAULT_BURST = 20;

  /** Default refill: refusals per second a bunker key absorbs in the long run. */
  static final int DEFAULT_PER_SECOND = 5;

  private final int burst;
  private final long nanosPerToken;
  private final LongSupplier nanoClock;
  private final ConcurrentHashMap<PublicKey, Bucket> buckets = new ConcurrentHashMap<>();

  /** Tokens left and when they were last counted; guarded by {@code lock}. */
  private static final class Bucket {
    final ReentrantLock lock = new ReentrantLock();
    long tokens;
    long stampNanos;

    Bucket(long tokens, long stampNanos) {
      this.tokens = tokens;
      this.stampNanos = stampNanos;
    }
  }

  ConnectBudget(int burst, int perSecond, LongSupplier nanoClock) {
    if (burst < 1 || perSecond < 1) {
      throw new IllegalArgumentException("burst and perSecond must be >= 1");
    }
    this.burst = burst;
    this.nanosPerToken = 1_000_000_000L / perSecond;
    this.nanoClock = nanoClock;
  }

  /** Whether a connect to this bunker key may be checked (the budget is not empty). */
  boolean allows(PublicKey bunkerKey) {
    Bucket b = buckets.get(bunkerKey);
    if (b == null) {
      return true;
    }
    b.lock.lock();
    try {
      refill(b);
      return b.tokens > 0;
    } finally {
      b.lock.unlock();
    }
  }

  /** Spends one token for a refused connect. */
  void refused(PublicKey bunkerKey) {
    Bucket b = buckets.computeIfAbsent(bunkerKey, k -> new Bucket(burst, nanoClock.getAsLong()));
    b.lock.lock();
    try {
      refill(b);
      if (b.tokens > 0) {
        b.tokens--;
      }
    } finally {
      b.lock.unlock();
    }
  }

  private void refill(Bucket b) {
    long now = nanoClock.getAsLong();
    long earned = (now - b.stampNanos) / nanosPerToken;
    if (earned > 0) {
      b.tokens = Math.min(burst, b.tokens + earned);
      b.stampNanos = b.tokens == burst ? now : b.stampNanos + earned * nanosPerToken;
    }
  }
}
