package dev.keycast.queue.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jspecify.annotations.Nullable;

/**
 * The task one worker thread is running, published for the watchdog and the busy-worker gauge. Only
 * the owning worker writes it; any thread may read it. Writes are release (or opaque) stores, no
 * full fence on the hot path: a reader that sees a task also sees the start time written before it
 * was published; it may see the change a little late, which only delays a gauge or a watchdog
 * report by nanoseconds.
 *
 * <p>The published object is either a {@link TrackedTask} (which carries its thread and times) or,
 * for a queue that reads no clock, the caller's own task object, published as it is so that running
 * a task allocates nothing. The same object may then run many times in a row, so the slot also
 * counts its starts ({@link #starts()}): the watchdog tells runs apart by the pair (object,
 * starts), not by identity alone.
 */
public final class TaskSlot {
  private static final VarHandle CURRENT;
  private static final VarHandle STARTS;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      CURRENT = lookup.findVarHandle(TaskSlot.class, "current", Object.class);
      STARTS = lookup.findVarHandle(TaskSlot.class, "starts", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @SuppressWarnings("unused") // accessed through CURRENT
  private volatile @Nullable Object current;

  @SuppressWarnings("unused") // accessed through STARTS
  private volatile long starts;

  private volatile @Nullable Thread owner;

  /** Creates an idle slot. */
  public TaskSlot() {}

  /**
   * Records the thread that owns this slot (the worker); call once, from that thread, before its
   * first task.
   *
   * @param thread the worker thread
   */
  public void bindOwner(Thread thread) {
    owner = thread;
  }

  /**
   * The worker thread owning this slot.
   *
   * @return the thread, or {@code null} before {@link #bindOwner}
   */
  public @Nullable Thread owner() {
    return owner;
  }

  /**
   * The running task.
   *
   * @return a {@link TrackedTask} or the caller's task object, or {@code null} if the worker is
   *     idle
   */
  public @Nullable Object current() {
    return CURRENT.getAcquire(this);
  }

  /**
   * How many tasks this slot has started; read after {@link #current()} to tell two runs of the
   * same object apart.
   *
   * @return the number of starts so far (possibly already counting a start later than the one
   *     {@code current} saw)
   */
  public long starts() {
    return (long) STARTS.getAcquire(this);
  }

  /**
   * Publishes a tracked task as started by the calling thread.
   *
   * @param task the task
   * @param nowNanos {@link System#nanoTime()} at start
   */
  public void start(TrackedTask task, long nowNanos) {
    task.begin(Thread.currentThread(), nowNanos);
    publish(task);
  }

  /**
   * Publishes an untimed task object (no clock reading, no allocation) as started by the owning
   * thread.
   *
   * @param task the task object; the watchdog names it with {@code QueuedTask.name()} or {@code
   *     toString()}
   */
  public void startUntracked(Object task) {
    publish(task);
  }

  private void publish(Object task) {
    // Single writer: a plain read of our own counter, then an opaque store ordered before the
    // release of current.
    STARTS.setOpaque(this, (long) STARTS.getOpaque(this) + 1);
    CURRENT.setRelease(this, task);
  }

  /** Marks the worker idle. */
  public void clear() {
    CURRENT.setRelease(this, null);
  }
}
