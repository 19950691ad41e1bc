package dev.keycast.queue.internal;

import org.jspecify.annotations.Nullable;

/**
 * The task one worker thread is running, published for the watchdog and the busy-worker gauge. Only the owning worker
 * writes it; any thread may read it.
 */
public final class TaskSlot {
  private volatile @Nullable TrackedTask current;

  /** Creates an idle slot. */
  public TaskSlot() {}

  /**
   * The running task.
   *
   * @return the task, or {@code null} if the worker is idle
   */
  public @Nullable TrackedTask current() {
    return current;
  }

  /**
   * Publishes a task as started by the calling thread.
   *
   * @param task the task
   * @param nowNanos {@link System#nanoTime()} at start
   */
  public void start(TrackedTask task, long nowNanos) {
    task.begin(Thread.currentThread(), nowNanos);
    current = task;
  }

  /** Marks the worker idle. */
  public void clear() {
    current = null;
  }
}
