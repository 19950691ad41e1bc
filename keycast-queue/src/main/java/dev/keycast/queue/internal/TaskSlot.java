package dev.keycast.queue.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jspecify.annotations.Nullable;

/**
 * The task one worker thread is running, published for the watchdog and the busy-worker gauge. Only the owning worker
 * writes it; any thread may read it. Writes are release stores (no full fence on the hot path): a reader that sees a
 * task also sees the thread and start time written before it was published; it may see the change a little late, which
 * only delays a gauge or a watchdog report by nanoseconds.
 */
public final class TaskSlot {
  private static final VarHandle CURRENT;

  static {
    try {
      CURRENT = MethodHandles.lookup().findVarHandle(TaskSlot.class, "current", TrackedTask.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @SuppressWarnings("unused") // accessed through CURRENT
  private volatile @Nullable TrackedTask current;

  /** Creates an idle slot. */
  public TaskSlot() {}

  /**
   * The running task.
   *
   * @return the task, or {@code null} if the worker is idle
   */
  public @Nullable TrackedTask current() {
    return (TrackedTask) CURRENT.getAcquire(this);
  }

  /**
   * Publishes a task as started by the calling thread.
   *
   * @param task the task
   * @param nowNanos {@link System#nanoTime()} at start
   */
  public void start(TrackedTask task, long nowNanos) {
    task.begin(Thread.currentThread(), nowNanos);
    CURRENT.setRelease(this, task);
  }

  /** Marks the worker idle. */
  public void clear() {
    CURRENT.setRelease(this, null);
  }
}
