package dev.keycast.queue.internal;

import dev.keycast.queue.QueueStatsCounter;
import dev.keycast.queue.StuckTask;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports tasks that run longer than a threshold, once each, with the stack of the thread running them, through the
 * stats hook and a WARN log line; and reports their end. It scans the workers' {@link TaskSlot}s from one platform
 * daemon thread ({@code <pool>-watchdog}), created by {@link #start()} and stopped by {@link #close()}.
 *
 * <p>The scan costs the hot path nothing beyond the slot's volatile write: only a task that turns out stuck takes
 * {@link #reportLock}, which orders the "stuck" report strictly before the "ended" report of the same task.
 */
public final class StuckTaskWatchdog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StuckTaskWatchdog.class);
  private static final long MIN_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final long MAX_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final String poolName;
  private final long thresholdNanos;
  private final QueueStatsCounter stats;
  private final List<TaskSlot> slots;
  private final ReentrantLock reportLock = new ReentrantLock();
  private final ReentrantLock lifecycleLock = new ReentrantLock();
  private @Nullable ScheduledExecutorService scheduler;
  private boolean closed;

  /**
   * Creates a stopped watchdog.
   *
   * @param poolName the queue's or executor's name
   * @param threshold how long a task may run before it is reported
   * @param stats the (guarded) hook
   * @param slots the workers' slots
   */
  public StuckTaskWatchdog(String poolName, Duration threshold, QueueStatsCounter stats, List<TaskSlot> slots) {
    this.poolName = poolName;
    this.thresholdNanos = threshold.toNanos();
    this.stats = stats;
    this.slots = List.copyOf(slots);
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
      s.setRemoveOnCancelPolicy(true);
      long period = Math.clamp(thresholdNanos / 4, MIN_PERIOD_NANOS, MAX_PERIOD_NANOS);
      s.scheduleWithFixedDelay(this::scanSafely, period, period, TimeUnit.NANOSECONDS);
      scheduler = s;
    } finally {
      lifecycleLock.unlock();
    }
  }

  /**
   * Called by the thread that ran {@code task} when it ends; reports the end if the task had been reported as stuck.
   *
   * @param task the task
   * @param processingNanos how long it ran
   */
  public void finished(TrackedTask task, long processingNanos) {
    if (task.finishQuietly()) {
      return;
    }
    // The watchdog reported it: wait for its report to be complete (it holds the lock while reporting).
    reportLock.lock();
    try {
      StuckTask report = task.report();
      if (report == null) {
        return; // unreachable: markReported() and report() happen together under the lock
      }
      LOG.warn(
          "Stuck task '{}' in {} ended after {} ms on thread {}",
          report.taskName(),
          poolName,
          TimeUnit.NANOSECONDS.toMillis(processingNanos),
          report.threadName());
      stats.recordStuckEnded(report, processingNanos);
    } finally {
      reportLock.unlock();
    }
  }

  private void scanSafely() {
    // A scheduled task that throws is never run again: a watchdog must not die silently.
    try {
      scan();
    } catch (RuntimeException e) {
      LOG.error("Stuck-task watchdog of {} failed a scan; continuing", poolName, e);
    }
  }

  private void scan() {
    long now = System.nanoTime();
    for (TaskSlot slot : slots) {
      TrackedTask task = slot.current();
      if (task == null || now - task.startNanos() < thresholdNanos) {
        continue;
      }
      reportLock.lock();
      try {
        if (!task.markReported()) {
          continue; // already reported, or it just ended
        }
        Thread thread = task.thread();
        StackTraceElement[] stack = thread != null ? thread.getStackTrace() : new StackTraceElement[0];
        StuckTask report =
            new StuckTask(
                task.name(),
                poolName,
                thread != null ? thread.getName() : "?",
                Duration.ofNanos(System.nanoTime() - task.startNanos()),
                Arrays.asList(stack));
        task.report(report);
        LOG.warn(
            "Task '{}' in {} has been running for {} ms (threshold {} ms) on thread {}; its stack:\n{}",
            report.taskName(),
            poolName,
            report.runningFor().toMillis(),
            TimeUnit.NANOSECONDS.toMillis(thresholdNanos),
            report.threadName(),
            report.formattedStack());
        stats.recordStuck(report);
      } finally {
        reportLock.unlock();
      }
    }
  }

  /** Stops the scanning thread; idempotent. Never blocks for long (does not wait for a running scan). */
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
