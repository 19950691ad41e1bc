package dev.keycast.queue;

import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;

/**
 * Thrown by {@link CpuExecutor#call} (or completes the future of {@link CpuExecutor#submit}) when
 * the executor refuses a task: because its bounded queue is full ({@link RejectReason#FULL}, only
 * for {@code submit}, since {@code call} waits for room) or because it is shutting down ({@link
 * RejectReason#SHUTDOWN}, also used for queued tasks handed back at shutdown). The message names
 * the executor and the task, never the task's data.
 */
public final class CpuTaskRejectedException extends RejectedExecutionException {
  private static final long serialVersionUID = 1L;

  /** Why the task was refused. */
  private final RejectReason reason;

  /**
   * Creates the exception.
   *
   * @param reason why the task was refused
   * @param message a message naming the executor and the task
   */
  public CpuTaskRejectedException(RejectReason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /**
   * Why the task was refused.
   *
   * @return the reason
   */
  public RejectReason reason() {
    return reason;
  }
}
