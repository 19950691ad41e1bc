package dev.keycast.queue;

/**
 * An immutable snapshot of a {@link QueueStatsCounter}. All counts are totals since the counter was
 * created; every component is non-negative.
 *
 * @param submitted tasks accepted
 * @param rejectedFull tasks refused because the queue was full
 * @param rejectedShutdown tasks refused because the queue was shutting down
 * @param started tasks a worker took and started
 * @param succeeded tasks that returned normally
 * @param failed tasks that threw
 * @param abandoned accepted tasks handed back without running
 * @param totalWaitNanos the sum of the started tasks' queue wait times, in nanoseconds
 * @param totalProcessingNanos the sum of the finished tasks' run times, in nanoseconds
 * @param stuckReported tasks reported as stuck by the watchdog
 * @param stuckEnded stuck tasks whose end was reported
 */
public record QueueStats(
    long submitted,
    long rejectedFull,
    long rejectedShutdown,
    long started,
    long succeeded,
    long failed,
    long abandoned,
    long totalWaitNanos,
    long totalProcessingNanos,
    long stuckReported,
    long stuckEnded) {

  private static final QueueStats EMPTY = new QueueStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  /**
   * Validates the snapshot.
   *
   * @throws IllegalArgumentException if any component is negative (naming it)
   */
  public QueueStats {
    requireNonNegative("submitted", submitted);
    requireNonNegative("rejectedFull", rejectedFull);
    requireNonNegative("rejectedShutdown", rejectedShutdown);
    requireNonNegative("started", started);
    requireNonNegative("succeeded", succeeded);
    requireNonNegative("failed", failed);
    requireNonNegative("abandoned", abandoned);
    requireNonNegative("totalWaitNanos", totalWaitNanos);
    requireNonNegative("totalProcessingNanos", totalProcessingNanos);
    requireNonNegative("stuckReported", stuckReported);
    requireNonNegative("stuckEnded", stuckEnded);
  }

  /**
   * The snapshot with every count zero.
   *
   * @return the empty snapshot
   */
  public static QueueStats empty() {
    return EMPTY;
  }

  /**
   * Tasks refused for any reason.
   *
   * @return {@code rejectedFull + rejectedShutdown}
   */
  public long rejected() {
    return rejectedFull + rejectedShutdown;
  }

  /**
   * Tasks that finished running, normally or not.
   *
   * @return {@code succeeded + failed}
   */
  public long completed() {
    return succeeded + failed;
  }

  private static void requireNonNegative(String name, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must be >= 0, was " + value);
    }
  }
}
