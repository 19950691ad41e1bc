package dev.keycast.queue.internal;

import org.jspecify.annotations.Nullable;

/**
 * A task as the watchdog sees it: its name and, once started, the thread running it. One instance
 * is created per submitted task and runs at most once.
 *
 * <p>The clock is read only when a stats counter is configured ({@code timed}): with {@code
 * QueueStatsCounter.disabled()} nothing would consume the times, and a clock read costs tens of
 * nanoseconds per item on some machines. The watchdog does not need the times: it measures how long
 * it has seen the same task in a slot.
 *
 * <p>Fields are written by the submitting thread (before the task is enqueued) and the running
 * thread (before it publishes or clears its {@link TaskSlot} with a release store); the watchdog
 * reads them after an acquire load of the slot, so it sees them.
 */
public abstract class TrackedTask {
  private final long enqueuedNanos;
  private @Nullable Thread thread;
  private long startNanos;
  private long processingNanos = -1;

  /**
   * Creates a task stamped with its enqueue time.
   *
   * @param enqueuedNanos {@link System#nanoTime()} at submission, or 0 when the queue is not timed
   */
  protected TrackedTask(long enqueuedNanos) {
    this.enqueuedNanos = enqueuedNanos;
  }

  /**
   * The task's name for logs and reports.
   *
   * @return the name
   */
  public abstract String name();

  /**
   * When the task was submitted.
   *
   * @return {@link System#nanoTime()} at submission, or 0 when the queue is not timed
   */
  public final long enqueuedNanos() {
    return enqueuedNanos;
  }

  final void begin(Thread runner, long nowNanos) {
    this.thread = runner;
    this.startNanos = nowNanos;
  }

  /**
   * Records how long the task ran; call before clearing the slot.
   *
   * @param nanos the run time, or -1 if not timed
   */
  public final void ended(long nanos) {
    this.processingNanos = nanos;
  }

  final @Nullable Thread thread() {
    return thread;
  }

  final long startNanos() {
    return startNanos;
  }

  final long processingNanos() {
    return processingNanos;
  }
}
