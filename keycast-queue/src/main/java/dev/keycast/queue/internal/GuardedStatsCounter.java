package dev.keycast.queue.internal;

import dev.keycast.queue.QueueStats;
import dev.keycast.queue.QueueStatsCounter;
import dev.keycast.queue.RejectReason;
import dev.keycast.queue.StuckTask;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link QueueStatsCounter} that protects the queue from a misbehaving user hook: any exception
 * thrown by the delegate is logged at WARN and otherwise ignored. This is the one place in the
 * module where an exception is swallowed, because a metrics hook must never be able to break the
 * work queue (Caffeine's {@code GuardedStatsCounter} does the same).
 */
public final class GuardedStatsCounter implements QueueStatsCounter {
  private static final Logger LOG = LoggerFactory.getLogger(GuardedStatsCounter.class);

  private final QueueStatsCounter delegate;

  private GuardedStatsCounter(QueueStatsCounter delegate) {
    this.delegate = delegate;
  }

  /**
   * Guards a counter.
   *
   * @param delegate the counter
   * @return {@code delegate} if it needs no guard (disabled or already guarded), else a guard
   *     around it
   */
  public static QueueStatsCounter wrap(QueueStatsCounter delegate) {
    Objects.requireNonNull(delegate, "delegate");
    if (delegate instanceof DisabledStatsCounter || delegate instanceof GuardedStatsCounter) {
      return delegate;
    }
    return new GuardedStatsCounter(delegate);
  }

  private void failed(String method, Throwable t) {
    LOG.warn(
        "Exception thrown by QueueStatsCounter.{} of {}; ignored",
        method,
        delegate.getClass().getName(),
        t);
  }

  @Override
  public void recordSubmitted() {
    try {
      delegate.recordSubmitted();
    } catch (Throwable t) {
      failed("recordSubmitted", t);
    }
  }

  @Override
  public void recordRejected(RejectReason reason) {
    try {
      delegate.recordRejected(reason);
    } catch (Throwable t) {
      failed("recordRejected", t);
    }
  }

  @Override
  public void recordStarted(long waitNanos) {
    try {
      delegate.recordStarted(waitNanos);
    } catch (Throwable t) {
      failed("recordStarted", t);
    }
  }

  @Override
  public void recordSucceeded(long processingNanos) {
    try {
      delegate.recordSucceeded(processingNanos);
    } catch (Throwable t) {
      failed("recordSucceeded", t);
    }
  }

  @Override
  public void recordFailed(long processingNanos) {
    try {
      delegate.recordFailed(processingNanos);
    } catch (Throwable t) {
      failed("recordFailed", t);
    }
  }

  @Override
  public void recordAbandoned() {
    try {
      delegate.recordAbandoned();
    } catch (Throwable t) {
      failed("recordAbandoned", t);
    }
  }

  @Override
  public void recordStuck(StuckTask task) {
    try {
      delegate.recordStuck(task);
    } catch (Throwable t) {
      failed("recordStuck", t);
    }
  }

  @Override
  public void recordStuckEnded(StuckTask task, long processingNanos) {
    try {
      delegate.recordStuckEnded(task, processingNanos);
    } catch (Throwable t) {
      failed("recordStuckEnded", t);
    }
  }

  @Override
  public QueueStats snapshot() {
    try {
      return delegate.snapshot();
    } catch (Throwable t) {
      failed("snapshot", t);
      return QueueStats.empty();
    }
  }

  @Override
  public String toString() {
    return "Guarded[" + delegate + "]";
  }
}
