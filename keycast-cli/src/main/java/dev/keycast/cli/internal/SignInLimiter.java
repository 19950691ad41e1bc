package dev.keycast.cli.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Rate limit for sign-in attempts: a token bucket per remote address, and optionally one for all
 * addresses together, so that guessing the admin token or password is slow. At most {@value
 * #MAX_ADDRESSES} addresses are tracked (least recently seen forgotten first).
 *
 * <p>Two uses:
 *
 * <ul>
 *   <li>{@link #SignInLimiter(LongSupplier)}, the approval page's sign-in form: every attempt
 *       counts ({@link #tryAcquire}); {@value #PER_ADDRESS_BURST} at once per address, then one
 *       every {@value #PER_ADDRESS_REFILL_SECONDS} s, and {@value #GLOBAL_BURST} at once for all
 *       addresses together, then one a second.
 *   <li>{@link #forBearerFailures(LongSupplier)}, the admin API's {@code Authorization: Bearer}
 *       check: only failures count ({@link #recordFailure}), {@value #BEARER_FAILURES_PER_MINUTE} a
 *       minute per address (all at once, then one every 6 s), and an address with none left is
 *       refused before its token is even checked ({@link #blockedForSeconds}). No global bucket
 *       there: the console polls the API with the right token, and a global budget would let anyone
 *       lock the operator out by sending wrong tokens from many addresses.
 * </ul>
 *
 * <p>Thread-safe; one lock, held for a map update only (no I/O).
 */
public final class SignInLimiter {
  static final int PER_ADDRESS_BURST = 5;
  static final int PER_ADDRESS_REFILL_SECONDS = 12;
  static final int GLOBAL_BURST = 30;
  static final int MAX_ADDRESSES = 10_000;

  /** Wrong bearer tokens allowed per address and minute before the admin API answers 429. */
  static final int BEARER_FAILURES_PER_MINUTE = 10;

  /** Floating-point slack: six seconds of refill at one per six seconds is a whole attempt. */
  private static final double EPSILON = 1e-9;

  private static final class Bucket {
    double tokens;
    long lastNanos;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.lastNanos = now;
    }

    void refill(double burst, double perSecond, long now) {
      tokens = Math.min(burst, tokens + (now - lastNanos) / 1e9 * perSecond);
      lastNanos = now;
    }

    boolean take(double burst, double perSecond, long now) {
      refill(burst, perSecond, now);
      if (tokens >= 1 - EPSILON) {
        tokens = Math.max(0, tokens - 1);
        return true;
      }
      return false;
    }
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final LongSupplier nanoClock;
  private final double burst;
  private final double perSecond;
  private final @Nullable Bucket global;
  private final Map<String, Bucket> byAddress =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
          return size() > MAX_ADDRESSES;
        }
      };

  /**
   * The approval page's limiter: every attempt counts, per address and globally.
   *
   * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime})
   */
  public SignInLimiter(LongSupplier nanoClock) {
    this(nanoClock, PER_ADDRESS_BURST, 1.0 / PER_ADDRESS_REFILL_SECONDS, true);
  }

  private SignInLimiter(LongSupplier nanoClock, double burst, double perSecond, boolean global) {
    this.nanoClock = nanoClock;
    this.burst = burst;
    this.perSecond = perSecond;
    this.global = global ? new Bucket(GLOBAL_BURST, nanoClock.getAsLong()) : null;
  }

  /**
   * The admin API's limiter: {@value #BEARER_FAILURES_PER_MINUTE} wrong bearer tokens a minute per
   * address, no global budget.
   *
   * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime})
   * @return a new limiter
   */
  public static SignInLimiter forBearerFailures(LongSupplier nanoClock) {
    return new SignInLimiter(
        nanoClock, BEARER_FAILURES_PER_MINUTE, BEARER_FAILURES_PER_MINUTE / 60.0, false);
  }

  /**
   * Takes one attempt for an address. Never blocks beyond a short lock.
   *
   * @param address the remote address (IP literal)
   * @return true if the attempt may go on, false if it must be refused (429)
   */
  public boolean tryAcquire(String address) {
    long now = nanoClock.getAsLong();
    lock.lock();
    try {
      Bucket b = byAddress.computeIfAbsent(address, a -> new Bucket(burst, now));
      if (!b.take(burst, perSecond, now)) {
        return false;
      }
      return global == null || global.take(GLOBAL_BURST, 1.0, now);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Counts a failed attempt (a wrong token) against an address. Never blocks beyond a short lock.
   *
   * @param address the remote address (IP literal)
   */
  public void recordFailure(String address) {
    long now = nanoClock.getAsLong();
    lock.lock();
    try {
      byAddress.computeIfAbsent(address, a -> new Bucket(burst, now)).take(burst, perSecond, now);
    } finally {
      lock.unlock();
    }
  }

  /**
   * How long an address must wait before its next attempt is looked at, after {@link
   * #recordFailure} used up its budget. Takes nothing. Never blocks beyond a short lock.
   *
   * @param address the remote address (IP literal)
   * @return 0 if it may try now, else the whole seconds until it may (at least 1)
   */
  public long blockedForSeconds(String address) {
    long now = nanoClock.getAsLong();
    lock.lock();
    try {
      Bucket b = byAddress.get(address);
      if (b == null) {
        return 0;
      }
      b.refill(burst, perSecond, now);
      if (b.tokens >= 1 - EPSILON) {
        return 0;
      }
      // less a hair: 5 s of refill at 1/6 s is 0.8333…, which must say 1 s, not 2
      return Math.max(1, (long) Math.ceil((1 - b.tokens) / perSecond - 1e-6));
    } finally {
      lock.unlock();
    }
  }
}
