package dev.keycast.queue.internal;

import dev.keycast.queue.QueueStats;
import dev.keycast.queue.QueueStatsCounter;
import dev.keycast.queue.RejectReason;
import dev.keycast.queue.StuckTask;

/** The no-op {@link QueueStatsCounter}, reached through {@link QueueStatsCounter#disabled()}. */
public enum DisabledStatsCounter implements QueueStatsCounter {
  /** The only instance. */
  INSTANCE;

  @Override
  public void recordSubmitted() {}

  @Override
  public void recordRejected(RejectReason reason) {}

  @Override
  public void recordStarted(long waitNanos) {}

  @Override
  public void recordSucceeded(long processingNanos) {}

  @Override
  public void recordFailed(long processingNanos) {}

  @Override
  public void recordAbandoned() {}

  @Override
  public void recordStuck(StuckTask task) {}

  @Override
  public void recordStuckEnded(StuckTask task, long processingNanos) {}

  @Override
  public QueueStats snapshot() {
    return QueueStats.empty();
  }

  @Override
  public String toString() {
    return "QueueStatsCounter.disabled()";
  }
}
