package dev.keycast.queue;

/**
 * The outcome of {@link WorkQueue#submit(QueuedTask)}. Submitting never blocks, so a caller learns
 * at once whether the task will run and can answer a client immediately (for NIP-46: an error
 * reply) when it will not.
 */
public enum SubmitResult {
  /** The task was enqueued; it will be run exactly once, or handed back once at shutdown. */
  ACCEPTED,
  /**
   * The queue was at capacity; the task was not enqueued and will never run. Counted as {@link
   * RejectReason#FULL}.
   */
  REJECTED_FULL,
  /**
   * The queue was shutting down or shut down; the task will never run. Counted as {@link
   * RejectReason#SHUTDOWN}.
   */
  REJECTED_SHUTDOWN;

  /**
   * Whether the task was accepted.
   *
   * @return {@code true} for {@link #ACCEPTED} only
   */
  public boolean accepted() {
    return this == ACCEPTED;
  }
}
