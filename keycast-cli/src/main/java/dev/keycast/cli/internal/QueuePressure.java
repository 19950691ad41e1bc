package dev.keycast.cli.internal;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The review's queue alert: raised when the request queue has stayed above a fraction of its
 * capacity (50%) for a sustained time (10 s), cleared as soon as a sample is at or below it. Fed by
 * periodic samples ({@link #observe}); a gap between samples counts as pressure only if both ends
 * were above.
 *
 * <p>Thread-safe (synchronized; cheap).
 */
public final class QueuePressure {
  private final double fraction;
  private final long sustainNanos;
  private final LongSupplier nanoTime;
  private long aboveSince;
  private boolean above;
  private boolean alerting;

  /**
   * @param fraction the share of capacity above which the queue is under pressure, in (0, 1]
   * @param sustain how long it must stay above before the alert is raised, positive
   * @param nanoTime a monotonic clock in nanoseconds ({@code System::nanoTime}; a fake in tests)
   * @throws IllegalArgumentException if fraction or sustain is out of range
   */
  public QueuePressure(double fraction, Duration sustain, LongSupplier nanoTime) {
    if (!(fraction > 0 && fraction <= 1)) {
      throw new IllegalArgumentException("fraction must be in (0, 1], was " + fraction);
    }
    if (sustain.isNegative() || sustain.isZero()) {
      throw new IllegalArgumentException("sustain must be positive, was " + sustain);
    }
    this.fraction = fraction;
    this.sustainNanos = sustain.toNanos();
    this.nanoTime = nanoTime;
  }

  /** The review's alert: above 50% of capacity for 10 s, on {@link System#nanoTime()}. */
  public static QueuePressure review() {
    return new QueuePressure(0.5, Duration.ofSeconds(10), System::nanoTime);
  }

  /**
   * Records a sample of the queue.
   *
   * @param depth requests waiting
   * @param capacity how many may wait
   * @return whether the alert is raised after this sample
   */
  public synchronized boolean observe(int depth, int capacity) {
    long now = nanoTime.getAsLong();
    boolean nowAbove = capacity > 0 && depth > capacity * fraction;
    if (!nowAbove) {
      above = false;
      alerting = false;
      return false;
    }
    if (!above) {
      above = true;
      aboveSince = now;
    }
    alerting = now - aboveSince >= sustainNanos;
    return alerting;
  }

  /** Returns whether the alert is raised (as of the last sample). */
  public synchronized boolean alerting() {
    return alerting;
  }

  /** Returns the message {@code /health} shows while the alert is raised. */
  public String message() {
    return "request queue above "
        + Math.round(fraction * 100)
        + "% of capacity for "
        + Duration.ofNanos(sustainNanos).toSeconds()
        + " s or more";
  }
}
