package dev.keycast.queue.internal;

import dev.keycast.queue.StuckTask;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.jspecify.annotations.Nullable;

/**
 * A task as the watchdog sees it: its name, its enqueue time, and once started the thread running it and the start
 * time. One instance is created per submitted task and runs at most once.
 */
public abstract class TrackedTask {
  private static final int RUNNING = 0;
  private static final int DONE = 1;
  private static final int REPORTED = 2;
  private static final AtomicIntegerFieldUpdater<TrackedTask> STATE =
      AtomicIntegerFieldUpdater.newUpdater(TrackedTask.class, "state");

  private final long enqueuedNanos;
  private volatile int state = RUNNING;
  // Written by the running thread before it publishes this task in its slot (volatile), read by the watchdog after.
  private @Nullable Thread thread;
  private long startNanos;
  // Written and read under the watchdog's report lock.
  private @Nullable StuckTask report;

  /**
   * Creates a task stamped with its enqueue time.
   *
   * @param enqueuedNanos {@link System#nanoTime()} at submission
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
   * @return {@link System#nanoTime()} at submission
   */
  public final long enqueuedNanos() {
    return enqueuedNanos;
  }

  final void begin(Thread runner, long nowNanos) {
    this.thread = runner;
    this.startNanos = nowNanos;
  }

  final @Nullable Thread thread() {
    return thread;
  }

  final long startNanos() {
    return startNanos;
  }

  /** Called by the running thread when the task ends; {@code false} if the watchdog reported it as stuck. */
  final boolean finishQuietly() {
    return STATE.compareAndSet(this, RUNNING, DONE);
  }

  /** Called by the watchdog under its report lock; {@code true} if this call won the right to report it. */
  final boolean markReported() {
    return STATE.compareAndSet(this, RUNNING, REPORTED);
  }

  final @Nullable StuckTask report() {
    return report;
  }

  final void report(StuckTask report) {
    this.report = report;
  }
}
