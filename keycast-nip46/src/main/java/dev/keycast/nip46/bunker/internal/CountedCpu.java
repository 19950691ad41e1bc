package dev.keycast.nip46.bunker.internal;

import dev.keycast.nip46.server.EventRejectReason;
import dev.keycast.queue.CpuExecutor;
import java.security.GeneralSecurityException;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the stages' CPU-bound work on a {@link CpuExecutor} and counts what fails, so that a stage
 * reads as "the result, or null (already counted)". Thread-safe; blocks while the work waits for
 * and runs on the executor.
 */
final class CountedCpu {
  private static final Logger LOG = LoggerFactory.getLogger(CountedCpu.class);

  private final StatsRecorder stats;
  private final BooleanSupplier closing;

  CountedCpu(StatsRecorder stats, BooleanSupplier closing) {
    this.stats = stats;
    this.closing = closing;
  }

  /**
   * Runs {@code work} on {@code executor}. Returns null, counted, when it fails: a verification,
   * decryption or key error counts {@code onInvalid}; a refused or crashed task counts as {@link
   * #refused}.
   */
  <T> @Nullable T call(
      CpuExecutor executor, String name, Callable<T> work, EventRejectReason onInvalid)
      throws InterruptedException {
    try {
      return executor.call(name, TaskRegistry.timed(name, work));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      stats.recordRejected(onInvalid);
      return null;
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      refused(e);
      return null;
    }
  }

  /**
   * Counts a task the executor refused ({@code shutting_down} or {@code overflow_dropped}) or logs
   * a crash.
   */
  void refused(Exception e) {
    if (e instanceof RejectedExecutionException) {
      stats.recordRejected(
          closing.getAsBoolean()
              ? EventRejectReason.SHUTTING_DOWN
              : EventRejectReason.OVERFLOW_DROPPED);
      LOG.debug("CPU executor refused a task: {}", e.getMessage());
    } else {
      LOG.error("CPU task failed unexpectedly", e);
    }
  }
}
