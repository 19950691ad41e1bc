package dev.keycast.queue;

import java.util.concurrent.atomic.LongAdder;

/**
 * A thread-safe {@link QueueStatsCounter} backed by {@link LongAdder}s, suited to high contention.
 * Its {@link #snapshot()} may be an inconsistent view while tasks are in flight. Every method never
 * blocks.
 */
public final class ConcurrentQueueStatsCounter implements QueueStatsCounter {
  private final LongAdder submitted = new LongAdder();
  private final LongAdder rejectedFull = new LongAdder();
  private final LongAdder rejectedShutdown = new LongAdder();
  private final LongAdder started = new LongAdder();
  private final LongAdder succeeded = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder abandoned = new LongAdder();
  private final LongAdder totalWaitNanos = new LongAdder();
  private final LongAdder totalProcessingNanos = new LongAdder();
  private final LongAdder stuckReported = new LongAdder();
  private final LongAdder stuckEnded = new LongAdder();

  /** Creates a counter with every count zero. */
  public ConcurrentQueueStatsCounter() {}

  @Override
  public void recordSubmitted() {
    submitted.increment();
  }

  @Override
  public void recordRejected(RejectReason reason) {
    switch (reason) {
      case FULL -> rejectedFull.increment();
      case SHUTDOWN -> rejectedShutdown.increment();
    }
  }

  @Override
  public void recordStarted(long waitNanos) {
    started.increment();
    totalWaitNanos.add(Math.max(0, waitNanos));
  }

  @Override
  public void recordSucceeded(long processingNanos) {
    succeeded.increment();
    totalProcessingNanos.add(Math.max(0, processingNanos));
  }

  @Override
  public void recordFailed(long processingNanos) {
    failed.increment();
    totalProcessingNanos.add(Math.max(0, processingNanos));
  }

  @Override
  public void recordAbandoned() {
    abandoned.increment();
  }

  @Override
  public void recordStuck(StuckTask task) {
    stuckReported.increment();
  }

  @Override
  public void recordStuckEnded(StuckTask task, long processingNanos) {
    stuckEnded.increment();
  }

  @Override
  public QueueStats snapshot() {
    return new QueueStats(
        submitted.sum(),
        rejectedFull.sum(),
        rejectedShutdown.sum(),
        started.sum(),
        succeeded.sum(),
        failed.sum(),
        abandoned.sum(),
        totalWaitNanos.sum(),
        totalProcessingNanos.sum(),
        stuckReported.sum(),
        stuckEnded.sum());
  }

  @Override
  public String toString() {
    return "ConcurrentQueueStatsCounter" + snapshot();
  }
}
