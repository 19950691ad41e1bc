package dev.keycast.queue;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A task that the watchdog found running longer than its threshold, with the stack of the thread
 * running it at the moment it was detected.
 *
 * @param taskName the task's {@link QueuedTask#name() name} (for a {@link CpuExecutor}, the name
 *     given to {@code call}/{@code submit})
 * @param poolName the name of the queue or executor that runs it
 * @param threadName the name of the thread running it (a virtual-thread worker or a CPU-pool
 *     thread)
 * @param runningFor how long it had been running when detected
 * @param stackTrace the running thread's stack when detected, innermost frame first (may be empty
 *     if the JVM could not provide it)
 */
public record StuckTask(
    String taskName,
    String poolName,
    String threadName,
    Duration runningFor,
    List<StackTraceElement> stackTrace) {

  /**
   * Validates and copies.
   *
   * @throws NullPointerException if any component is null
   * @throws IllegalArgumentException if {@code runningFor} is negative
   */
  public StuckTask {
    Objects.requireNonNull(taskName, "taskName");
    Objects.requireNonNull(poolName, "poolName");
    Objects.requireNonNull(threadName, "threadName");
    Objects.requireNonNull(runningFor, "runningFor");
    if (runningFor.isNegative()) {
      throw new IllegalArgumentException("runningFor must be >= 0, was " + runningFor);
    }
    stackTrace = List.copyOf(stackTrace);
  }

  /**
   * The stack as text, one {@code "\tat frame"} line per frame, as in a Java stack trace.
   *
   * @return the formatted stack
   */
  public String formattedStack() {
    StringBuilder sb = new StringBuilder();
    for (StackTraceElement frame : stackTrace) {
      sb.append("\tat ").append(frame).append('\n');
    }
    return sb.toString();
  }
}
