package dev.keycast.nip46.bunker.internal;

import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * The overflow lane's pace: a token bucket of {@code perSecond} refusals a second (at most a
 * twentieth of a second's worth at once), so that a flood the main queue refuses does not become a
 * flood of replies for the relays. A relay acknowledges a reply long before it has delivered it, so
 * the lane cannot learn a relay's limit from its answers; past this pace the lane's backlog grows
 * and, once full, drops are counted ({@code overflow_dropped}).
 *
 * <p>Thread-safe; {@link #take} blocks the calling refusal thread (a platform thread; no lock held
 * while it sleeps).
 */
final class RefusalPace {
  private final ReentrantLock lock = new ReentrantLock();
  private final double perNano;
  private final double burst;
  private final LongSupplier nanoTime;
  private final LongConsumer sleep;
  private double tokens;
  private long lastNanos;

  /**
   * @param perSecond refusals a second, at least 1
   */
  RefusalPace(int perSecond) {
    this(perSecond, System::nanoTime, LockSupport::parkNanos);
  }

  /**
   * @param perSecond refusals a second, at least 1
   * @param nanoTime the clock, in nanoseconds ({@link System#nanoTime})
   * @param sleep sleeps about the given nanoseconds ({@link LockSupport#parkNanos(long)})
   */
  RefusalPace(int perSecond, LongSupplier nanoTime, LongConsumer sleep) {
    if (perSecond < 1) {
      throw new IllegalArgumentException("perSecond must be >= 1");
    }
    this.perNano = perSecond / 1e9;
    this.burst = Math.max(1.0, perSecond / 20.0);
    this.nanoTime = nanoTime;
    this.sleep = sleep;
    this.tokens = burst;
    this.lastNanos = nanoTime.getAsLong();
  }

  /**
   * Takes between 1 and {@code wanted} tokens, waiting until there is at least one.
   *
   * @param wanted how many refusals the caller would send now, at least 1
   * @return how many it may send now
   */
  int take(int wanted) {
    while (true) {
      long waitNanos;
      lock.lock();
      try {
        long now = nanoTime.getAsLong();
        tokens = Math.min(burst, tokens + (now - lastNanos) * perNano);
        lastNanos = now;
        if (tokens >= 1) {
          int granted = (int) Math.min(wanted, Math.floor(tokens));
          tokens -= granted;
          return granted;
        }
        waitNanos = (long) Math.ceil((1 - tokens) / perNano);
      } finally {
        lock.unlock();
      }
      sleep.accept(waitNanos);
    }
  }
}
