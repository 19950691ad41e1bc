package dev.keycast.queue;

/**
 * Why a {@link WorkQueue} or {@link CpuExecutor} refused a task; passed to {@link
 * QueueStatsCounter#recordRejected}.
 */
public enum RejectReason {
  /** The bound was reached. */
  FULL,
  /** Intake was stopped by {@code shutdown} or {@code close}. */
  SHUTDOWN
}
