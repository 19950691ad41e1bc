package dev.keycast.queue.internal;

import dev.keycast.queue.QueueStatsCounter;
import dev.keycast.queue.QueuedTask;
import dev.keycast.queue.StuckTask;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports tasks that run longer than a threshold, once each, with the stack of the thread running
 * them, through the stats hook and a WARN log line; and reports their end. It scans the workers'
 * {@link TaskSlot}s from one platform daemon thread ({@code <pool>-watchdog}), created by {@link
 * #start()} and stopped by {@link #close()}.
 *
 * <p>The workers pay nothing for it beyond publishing their current task with a release store: no
 * clock read, no atomic. The watchdog measures a task's run time itself (from the scan that first
 * saw it in a slot, or from the task's start time when the queue is timed), and notices a reported
 * task's end when its slot no longer holds it, so the "ended" report comes from the watchdog thread
 * within one scan period, always after the "stuck" report.
 *
 * <p>A slot may publish the same task object many times in a row (a queue without a stats counter
 * publishes the caller's task object itself), so a run is identified by the pair (object, {@link
 * TaskSlot#starts()}).
 *
 * <p>Thread confinement: {@link #seen}, {@link #seenStarts}, {@link #firstSeenNanos} and {@link
 * #reported} are touched only by the scanning thread, so they need no lock.
 */
public final class StuckTaskWatchdog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StuckTaskWatchdog.class);
  private static final long MIN_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final long MAX_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final String poolName;
  private final long thresholdNanos;
  private final boolean timed;
  private final QueueStatsCounter stats;
  private final TaskSlot[] slots;
  private final @Nullable Object[] seen;
  private final long[] seenStarts;
  private final long[] firstSeenNanos;
  private final @Nullable StuckTask[] reported;
  // Written by the scanning thread only; read by any thread (tests wait on it instead of sleeping).
  private final AtomicLong completedScans = new AtomicLong();
  private final ReentrantLock lifecycleLock = new ReentrantLock();
  private @Nullable ScheduledExecutorService scheduler;
  private boolean closed;

  /**
   * Creates a stopped watchdog.
   *
   * @param poolName the queue's or executor's name
   * @param threshold how long a task may run before it is reported
   * @param timed whether tasks carry start times ({@link TrackedTask#startNanos()})
   * @param stats the (guarded) hook
   * @param slots the workers' slots
   */
  public StuckTaskWatchdog(
      String poolName,
      Duration threshold,
      boolean timed,
      QueueStatsCounter stats,
      List<TaskSlot> slots) {
    this.poolName = poolName;
    this.thresholdNanos = threshold.toNanos();
    this.timed = timed;
    this.stats = stats;
    this.slots = slots.toArray(new TaskSlot[0]);
    this.seen = new Object[slots.size()];
    this.seenStarts = new long[slots.size()];
    this.firstSeenNanos = new long[slots.size()];
    this.reported = new StuckTask[slots.size()];
  }

  /**
   * The scan period for a threshold: a quarter of it, clamped to [10 ms, 1 s].
   *
   * @param threshold the stuck threshold
   * @return the period
   */
  public static Duration period(Duration threshold) {
    return Duration.ofNanos(
        Math.clamp(threshold.toNanos() / 4, MIN_PERIOD_NANOS, MAX_PERIOD_NANOS));
  }

  /** Starts the scanning thread; does nothing if already started or closed. */
  public void start() {
    lifecycleLock.lock();
    try {
      if (scheduler != null || closed) {
        return;
      }
      ScheduledThreadPoolExecutor s =
          new ScheduledThreadPoolExecutor(
              1, Thread.ofPlatform().daemon(true).name(poolName + "-watchdog").factory());
      long period = period(Duration.ofNanos(thresholdNanos)).toNanos();
      // The future is not needed: scanSafely never throws, and close() stops the task by shutting
      // the pool down.
      var unused = s.scheduleWithFixedDelay(this::scanSafely, period, period, TimeUnit.NANOSECONDS);
      scheduler = s;
    } finally {
      lifecycleLock.unlock();
    }
  }

  private void scanSafely() {
    // A scheduled task that throws is never run again: a watchdog must not die silently.
    try {
      scan();
    } catch (RuntimeException e) {
      LOG.error("Stuck-task watchdog of {} failed a scan; continuing", poolName, e);
    }
    completedScans.incrementAndGet();
  }

  /**
   * How many scans have finished since {@link #start()} (a failed scan, logged, counts too). A
   * scan's "stuck" and "ended" reports are all made before the count includes it, and consecutive
   * scans start at least one {@link #period} apart (the period runs from the end of one scan to the
   * start of the next). So if this returned {@code n} after a task started, and the count has since
   * reached {@code n + 2 + ceil(threshold / period)}, a scan has seen that task's slot at least the
   * threshold after the task started: it is reported by then if it still runs.
   *
   * <p>Thread-safe; never blocks. Everything the scans did happens-before a read that sees their
   * count.
   *
   * @return the number of finished scans, &ge; 0
   */
  public long completedScans() {
    return completedScans.get();
  }

  private void scan() {
    for (int i = 0; i < slots.length; i++) {
      long now = System.nanoTime();
      Object current = slots[i].current();
      long starts = slots[i].starts();
      boolean sameRun = current == seen[i] && starts == seenStarts[i];
      StuckTask report = reported[i];
      if (report != null && !sameRun) {
        // The reported task is no longer in its slot: it has ended.
        long ran =
            seen[i] instanceof TrackedTask ended && ended.processingNanos() >= 0
                ? ended.processingNanos()
                : now - firstSeenNanos[i];
        reported[i] = null;
        LOG.warn(
            "Stuck task '{}' in {} ended after about {} ms on thread {}",
            report.taskName(),
            poolName,
            TimeUnit.NANOSECONDS.toMillis(ran),
            report.threadName());
        stats.recordStuckEnded(report, ran);
      }
      if (!sameRun) {
        seen[i] = current;
        seenStarts[i] = starts;
        firstSeenNanos[i] = now;
      }
      if (current == null || reported[i] != null) {
        continue;
      }
      TrackedTask tracked = current instanceof TrackedTask t ? t : null;
      long start = timed && tracked != null ? tracked.startNanos() : firstSeenNanos[i];
      if (now - start < thresholdNanos) {
        continue;
      }
      Thread thread =
          tracked != null && tracked.thread() != null ? tracked.thread() : slots[i].owner();
      StackTraceElement[] stack =
          thread != null ? thread.getStackTrace() : new StackTraceElement[0];
      if (slots[i].current() != current || slots[i].starts() != starts) {
        continue; // it ended while we looked: not stuck after all; the next scan starts afresh
      }
      StuckTask stuck =
          new StuckTask(
              nameOf(current),
              poolName,
              thread != null ? thread.getName() : "?",
              Duration.ofNanos(System.nanoTime() - start),
              Arrays.asList(stack));
      reported[i] = stuck;
      LOG.warn(
          "Task '{}' in {} has been running for {} ms (threshold {} ms) on thread {}; its stack:\n{}",
          stuck.taskName(),
          poolName,
          stuck.runningFor().toMillis(),
          TimeUnit.NANOSECONDS.toMillis(thresholdNanos),
          stuck.threadName(),
          stuck.formattedStack());
      stats.recordStuck(stuck);
    }
  }

  private static String nameOf(Object task) {
    if (task instanceof TrackedTask t) {
      return t.name();
    }
    if (task instanceof QueuedTask q) {
      return q.name();
    }
    return String.valueOf(task);
  }

  /** Stops the scanning thread; idempotent. Does not wait for a running scan. */
  @Override
  public void close() {
    lifecycleLock.lock();
    try {
      closed = true;
      if (scheduler != null) {
        scheduler.shutdownNow();
        scheduler = null;
      }
    } finally {
      lifecycleLock.unlock();
    }
  }
}
