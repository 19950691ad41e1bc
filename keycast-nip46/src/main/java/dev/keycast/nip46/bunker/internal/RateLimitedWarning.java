package dev.keycast.nip46.bunker.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A WARN line logged at most once per interval, for conditions that can repeat thousands of times a
 * second under a flood (on relay I/O threads too) while a metric holds the exact count.
 * Thread-safe; never blocks.
 */
final class RateLimitedWarning {
  private final Logger log;
  private final String message;
  private final long intervalNanos;
  private final AtomicLong nextNanos;

  /**
   * @param log where to log
   * @param message the line, which should name the metric that counts the condition
   * @param interval the least time between two lines
   */
  RateLimitedWarning(Logger log, String message, Duration interval) {
    this.log = log;
    this.message = message;
    this.intervalNanos = interval.toNanos();
    this.nextNanos = new AtomicLong(System.nanoTime());
  }

  /** Logs the line unless it was logged less than the interval ago. */
  void warn() {
    long now = System.nanoTime();
    long next = nextNanos.get();
    if (now - next >= 0 && nextNanos.compareAndSet(next, now + intervalNanos)) {
      log.warn(message);
    }
  }
}
