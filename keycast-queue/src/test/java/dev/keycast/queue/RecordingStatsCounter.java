package dev.keycast.queue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A test counter: counts like {@link ConcurrentQueueStatsCounter} and keeps every stuck report. */
final class RecordingStatsCounter implements QueueStatsCounter {
  final ConcurrentQueueStatsCounter counts = new ConcurrentQueueStatsCounter();
  final List<StuckTask> stuck = new CopyOnWriteArrayList<>();
  final List<StuckTask> ended = new CopyOnWriteArrayList<>();

  @Override
  public void recordSubmitted() {
    counts.recordSubmitted();
  }

  @Override
  public void recordRejected(RejectReason reason) {
    counts.recordRejected(reason);
  }

  @Override
  public void recordStarted(long waitNanos) {
    if (waitNanos < 0) {
      throw new AssertionError("negative wait " + waitNanos);
    }
    counts.recordStarted(waitNanos);
  }

  @Override
  public void recordSucceeded(long processingNanos) {
    counts.recordSucceeded(processingNanos);
  }

  @Override
  public void recordFailed(long processingNanos) {
    counts.recordFailed(processingNanos);
  }

  @Override
  public void recordAbandoned() {
    counts.recordAbandoned();
  }

  @Override
  public void recordStuck(StuckTask task) {
    stuck.add(task);
    counts.recordStuck(task);
  }

  @Override
  public void recordStuckEnded(StuckTask task, long processingNanos) {
    ended.add(task);
    counts.recordStuckEnded(task, processingNanos);
  }

  @Override
  public QueueStats snapshot() {
    return counts.snapshot();
  }
}
