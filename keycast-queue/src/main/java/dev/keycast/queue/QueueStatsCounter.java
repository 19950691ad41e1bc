package dev.keycast.queue;

import dev.keycast.queue.internal.DisabledStatsCounter;
import dev.keycast.queue.internal.GuardedStatsCounter;

/**
 * Accumulates statistics of a {@link WorkQueue} or a {@link CpuExecutor}, in the style of
 * Caffeine's {@code StatsCounter}. One counter instance belongs to one queue or executor.
 *
 * <p><b>Rules for implementations</b> (as for OkHttp's {@code EventListener}): methods are called
 * on the hot path from producer threads, worker threads (virtual threads) and the watchdog thread,
 * concurrently; they must be fast, non-blocking, thread-safe, must not throw and must not call back
 * into the queue. A counter that throws anyway is wrapped by the queue in a guard that logs the
 * exception at WARN and carries on: a broken hook never breaks the queue. Hooks never receive
 * secrets or task data, only task names.
 *
 * <p>Accounting: every {@code submit} or {@code call} ends in exactly one of {@link
 * #recordSubmitted()} or {@link #recordRejected(RejectReason)}. Every submitted task later gets
 * exactly one {@link #recordStarted(long)} followed by exactly one of {@link
 * #recordSucceeded(long)} / {@link #recordFailed(long)}, or else exactly one {@link
 * #recordAbandoned()}.
 *
 * <p>Gauges (depth, capacity, busy workers, CPU-pool queue and active threads) are not events; read
 * them from {@link WorkQueue#depth()}, {@link WorkQueue#capacity()}, {@link
 * WorkQueue#busyWorkers()}, {@link CpuExecutor#queuedTasks()} and {@link
 * CpuExecutor#activeThreads()}, for example as Micrometer gauge suppliers.
 */
public interface QueueStatsCounter {

  /** Records that a task was accepted. */
  void recordSubmitted();

  /**
   * Records that a task was refused.
   *
   * @param reason why it was refused
   */
  void recordRejected(RejectReason reason);

  /**
   * Records that a worker took a task and is about to run it.
   *
   * @param waitNanos the number of nanoseconds the task waited between submission and start (&ge;
   *     0)
   */
  void recordStarted(long waitNanos);

  /**
   * Records that a task returned normally.
   *
   * @param processingNanos the number of nanoseconds the task ran (&ge; 0)
   */
  void recordSucceeded(long processingNanos);

  /**
   * Records that a task threw.
   *
   * @param processingNanos the number of nanoseconds the task ran before throwing (&ge; 0)
   */
  void recordFailed(long processingNanos);

  /**
   * Records that an accepted task was handed back without running: left over at shutdown, or (for a
   * {@link CpuExecutor}) cancelled by its caller before it started.
   */
  void recordAbandoned();

  /**
   * Records that a task has been running longer than the configured stuck threshold. Called once
   * per task, from the watchdog thread, before the matching {@link #recordStuckEnded}.
   *
   * @param task the stuck task, with the stack of the thread running it
   */
  void recordStuck(StuckTask task);

  /**
   * Records that a task previously reported by {@link #recordStuck} has ended (normally or not).
   * Called once, from the watchdog thread, within one watchdog period of the end (not at all if the
   * queue shut down first).
   *
   * @param task the report previously passed to {@link #recordStuck}
   * @param processingNanos the number of nanoseconds the task ran in total (exact when a stats
   *     counter is configured, else measured by the watchdog to within one period)
   */
  void recordStuckEnded(StuckTask task, long processingNanos);

  /**
   * Returns a snapshot of the counters. The values may be an inconsistent view while tasks are in
   * flight (each counter is read separately); once the queue is quiescent the snapshot is exact.
   *
   * @return an immutable snapshot; never blocks
   */
  QueueStats snapshot();

  /**
   * A counter that records nothing and whose snapshot is always {@link QueueStats#empty()}: the
   * default.
   *
   * @return the shared no-op counter
   */
  static QueueStatsCounter disabled() {
    return DisabledStatsCounter.INSTANCE;
  }

  /**
   * Wraps a counter so that an exception thrown by any of its methods is logged at WARN and
   * otherwise ignored. The queue applies this to every counter it is configured with, so callers
   * rarely need it.
   *
   * @param delegate the counter to protect
   * @return a guarded counter, or {@code delegate} itself if it is {@link #disabled()} or already
   *     guarded
   */
  static QueueStatsCounter guarded(QueueStatsCounter delegate) {
    return GuardedStatsCounter.wrap(delegate);
  }
}
