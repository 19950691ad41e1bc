package dev.keycast.queue;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a graceful shutdown of a {@link WorkQueue} or {@link CpuExecutor} achieved.
 *
 * @param terminated {@code true} if every accepted task finished before the deadline and no task
 *     was abandoned or left running
 * @param abandoned how many queued tasks were handed back (never run) because the deadline passed
 * @param stillRunning the names of tasks still running at the deadline; their threads were
 *     interrupted and they finish (or not) on their own
 * @param elapsed how long the shutdown took
 */
public record ShutdownReport(
    boolean terminated, int abandoned, List<String> stillRunning, Duration elapsed) {

  /**
   * Validates and copies.
   *
   * @throws IllegalArgumentException if {@code abandoned} or {@code elapsed} is negative
   */
  public ShutdownReport {
    if (abandoned < 0) {
      throw new IllegalArgumentException("abandoned must be >= 0, was " + abandoned);
    }
    stillRunning = List.copyOf(stillRunning);
    Objects.requireNonNull(elapsed, "elapsed");
    if (elapsed.isNegative()) {
      throw new IllegalArgumentException("elapsed must be >= 0, was " + elapsed);
    }
  }
}
