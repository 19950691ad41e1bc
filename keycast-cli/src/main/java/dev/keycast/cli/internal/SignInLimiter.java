package dev.keycast.cli.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Rate limit for sign-in attempts: a token bucket per remote address ({@value #PER_ADDRESS_BURST}
 * at once, then one every {@value #PER_ADDRESS_REFILL_SECONDS} s) and one for all addresses
 * together ({@value #GLOBAL_BURST} at once, then one a second), so that guessing the admin token or
 * password is slow from one address and from many. At most {@value #MAX_ADDRESSES} addresses are
 * tracked (least recently seen forgotten first; the global bucket still holds).
 *
 * <p>Thread-safe; one lock, held for a map update only (no I/O).
 */
public final class SignInLimiter {
  static final int PER_ADDRESS_BURST = 5;
  static final int PER_ADDRESS_REFILL_SECONDS = 12;
  static final int GLOBAL_BURST = 30;
  static final int MAX_ADDRESSES = 10_000;

  private static final class Bucket {
    double tokens;
    long lastNanos;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.lastNanos = now;
    }

    boolean take(double burst, double perSecond, long now) {
      tokens = Math.min(burst, tokens + (now - lastNanos) / 1e9 * perSecond);
      lastNanos = now;
      if (tokens >= 1) {
        tokens -= 1;
        return true;
      }
      return false;
    }
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final LongSupplier nanoClock;
  private final Bucket global;
  private final Map<String, Bucket> byAddress =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
          return size() > MAX_ADDRESSES;
        }
      };

  /**
   * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime})
   */
  public SignInLimiter(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    this.global = new Bucket(GLOBAL_BURST, nanoClock.getAsLong());
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
      Bucket b = byAddress.computeIfAbsent(address, a -> new Bucket(PER_ADDRESS_BURST, now));
      if (!b.take(PER_ADDRESS_BURST, 1.0 / PER_ADDRESS_REFILL_SECONDS, now)) {
        return false;
      }
      return global.take(GLOBAL_BURST, 1.0, now);
    } finally {
      lock.unlock();
    }
  }
}
