package dev.keycast.queue.internal;

import java.time.Duration;
import java.util.List;

/** Deadline arithmetic and thread joining shared by the queue's and the executor's shutdown. */
public final class Shutdowns {
  private Shutdowns() {}

  /**
   * The {@link System#nanoTime()} at which a deadline expires, saturating instead of overflowing.
   *
   * @param startNanos the start
   * @param deadline the allowed duration
   * @return the expiry time
   */
  public static long expiry(long startNanos, Duration deadline) {
    long nanos;
    try {
      nanos = deadline.toNanos();
    } catch (ArithmeticException e) {
      nanos = Long.MAX_VALUE;
    }
    long expiry = startNanos + nanos;
    return expiry < startNanos ? Long.MAX_VALUE : expiry;
  }

  /**
   * Joins threads until they end or the expiry passes. The calling thread, if it is one of them (a
   * task shutting down its own queue), is skipped: it cannot end while it waits.
   *
   * @param threads the threads
   * @param expiryNanos from {@link #expiry}
   * @return {@code true} if every thread ended
   * @throws InterruptedException if interrupted while waiting
   */
  public static boolean joinAll(List<Thread> threads, long expiryNanos)
      throws InterruptedException {
    Thread self = Thread.currentThread();
    for (Thread t : threads) {
      if (t == self) {
        continue;
      }
      long remaining = expiryNanos - System.nanoTime();
      if (remaining <= 0) {
        return threads.stream().noneMatch(x -> x != self && x.isAlive());
      }
      if (!t.join(Duration.ofNanos(remaining))) {
        return false;
      }
    }
    return true;
  }
}
