package dev.keycast.nip46.bunker.internal;

import dev.keycast.queue.QueueStats;
import dev.keycast.queue.QueueStatsCounter;
import dev.keycast.queue.RejectReason;
import dev.keycast.queue.StuckTask;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A stats counter that passes every event on to another and keeps the tasks its queue's watchdog
 * currently reports stuck (from {@code recordStuck} until {@code recordStuckEnded}), for the task
 * view. Thread-safe; never blocks.
 */
public final class StuckTracker implements QueueStatsCounter {
  private final QueueStatsCounter delegate;
  private final Set<StuckTask> stuck = ConcurrentHashMap.newKeySet();

  /**
   * Wraps {@code delegate}.
   *
   * @param delegate receives every event
   */
  public StuckTracker(QueueStatsCounter delegate) {
    this.delegate = delegate;
  }

  /** Returns the tasks reported stuck and not yet ended. */
  public List<StuckTask> current() {
    return List.copyOf(stuck);
  }

  @Override
  public void recordSubmitted() {
    delegate.recordSubmitted();
  }

  @Override
  public void recordRejected(RejectReason reason) {
    delegate.recordRejected(reason);
  }

  @Override
  public void recordStarted(long waitNanos) {
    delegate.recordStarted(waitNanos);
  }

  @Override
  public void recordSucceeded(long processingNanos) {
    delegate.recordSucceeded(processingNanos);
  }

  @Override
  public void recordFailed(long processingNanos) {
    delegate.recordFailed(processingNanos);
  }

  @Override
  public void recordAbandoned() {
    delegate.recordAbandoned();
  }

  @Override
  public void recordStuck(StuckTask task) {
    stuck.add(task);
    delegate.recordStuck(task);
  }

  @Override
  public void recordStuckEnded(StuckTask task, long processingNanos) {
    stuck.remove(task);
    delegate.recordStuckEnded(task, processingNanos);
  }

  @Override
  public QueueStats snapshot() {
    return delegate.snapshot();
  }
}
