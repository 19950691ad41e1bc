package dev.keycast.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QueueStatsTest {

  @Test
  void constructor_negativeCount_throwsNamingField() {
    assertThatThrownBy(() -> new QueueStats(0, 0, 0, 0, 0, -1, 0, 0, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("failed");
  }

  @Test
  void disabled_snapshot_isEmpty() {
    QueueStatsCounter disabled = QueueStatsCounter.disabled();
    disabled.recordSubmitted();
    disabled.recordRejected(RejectReason.FULL);
    assertThat(disabled.snapshot()).isEqualTo(QueueStats.empty());
  }

  @Test
  void concurrentCounter_records_sumsByKind() {
    ConcurrentQueueStatsCounter c = new ConcurrentQueueStatsCounter();
    c.recordSubmitted();
    c.recordSubmitted();
    c.recordRejected(RejectReason.FULL);
    c.recordRejected(RejectReason.SHUTDOWN);
    c.recordRejected(RejectReason.SHUTDOWN);
    c.recordStarted(10);
    c.recordSucceeded(5);
    c.recordStarted(20);
    c.recordFailed(7);
    c.recordAbandoned();
    QueueStats s = c.snapshot();
    assertThat(s).isEqualTo(new QueueStats(2, 1, 2, 2, 1, 1, 1, 30, 12, 0, 0));
    assertThat(s.rejected()).isEqualTo(3);
    assertThat(s.completed()).isEqualTo(2);
  }

  @Test
  void guarded_throwingDelegate_doesNotThrow() {
    QueueStatsCounter guarded = QueueStatsCounter.guarded(new ThrowingStatsCounter());
    guarded.recordSubmitted();
    guarded.recordRejected(RejectReason.FULL);
    guarded.recordStarted(1);
    guarded.recordSucceeded(1);
    guarded.recordFailed(1);
    guarded.recordAbandoned();
    assertThat(guarded.snapshot()).isEqualTo(QueueStats.empty());
  }

  @Test
  void guarded_disabledOrGuarded_returnsSameInstance() {
    assertThat(QueueStatsCounter.guarded(QueueStatsCounter.disabled()))
        .isSameAs(QueueStatsCounter.disabled());
    QueueStatsCounter once = QueueStatsCounter.guarded(new ConcurrentQueueStatsCounter());
    assertThat(QueueStatsCounter.guarded(once)).isSameAs(once);
  }

  /** A hook that breaks every rule: it throws from every method. */
  static final class ThrowingStatsCounter implements QueueStatsCounter {
    @Override
    public void recordSubmitted() {
      throw new IllegalStateException("boom");
    }

    @Override
    public void recordRejected(RejectReason reason) {
      throw new IllegalStateException("boom");
    }

    @Override
    public void recordStarted(long waitNanos) {
      throw new IllegalStateException("boom");
    }

    @Override
    public void recordSucceeded(long processingNanos) {
      throw new IllegalStateException("boom");
    }

    @Override
    public void recordFailed(long processingNanos) {
      throw new IllegalStateException("boom");
    }

    @Override
    public void recordAbandoned() {
      throw new IllegalStateException("boom");
    }

    @Override
    public void recordStuck(StuckTask task) {
      throw new IllegalStateException("boom");
    }

    @Override
    public void recordStuckEnded(StuckTask task, long processingNanos) {
      throw new IllegalStateException("boom");
    }

    @Override
    public QueueStats snapshot() {
      throw new IllegalStateException("boom");
    }
  }
}
