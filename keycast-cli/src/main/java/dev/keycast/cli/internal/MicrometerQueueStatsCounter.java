package dev.keycast.cli.internal;

import dev.keycast.queue.ConcurrentQueueStatsCounter;
import dev.keycast.queue.CpuExecutor;
import dev.keycast.queue.QueueStats;
import dev.keycast.queue.QueueStatsCounter;
import dev.keycast.queue.RejectReason;
import dev.keycast.queue.StuckTask;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Micrometer adapter for the {@link QueueStatsCounter} hook of a {@code WorkQueue} ({@code
 * keycast_queue_*}) or a {@link CpuExecutor} ({@code keycast_cpu_*}), in the style of Hikari's
 * {@code MicrometerMetricsTracker}. Meters are created once up front, so each hook call is a
 * lock-free increment. The crypto pool's gauges are bound separately with {@link
 * #bindGauges(MeterRegistry, CpuExecutor)} once it exists; the request queue's depth and capacity
 * come from the bunker's health snapshot (the daemon registers them).
 *
 * <p>Thread-safe; never blocks; never throws (Micrometer meters don't).
 */
public final class MicrometerQueueStatsCounter implements QueueStatsCounter {
  private final ConcurrentQueueStatsCounter totals = new ConcurrentQueueStatsCounter();
  private final Counter submitted;
  private final Map<RejectReason, Counter> rejected = new EnumMap<>(RejectReason.class);
  private final Timer wait;
  private final Timer succeeded;
  private final Timer failed;
  private final Counter abandoned;
  private final Counter stuck;

  /**
   * @param registry where the meters go
   * @param prefix {@code queue} or {@code cpu}: the meters are named {@code keycast.<prefix>.…}
   */
  public MicrometerQueueStatsCounter(MeterRegistry registry, String prefix) {
    String p = KeycastMetrics.name(prefix) + ".";
    submitted = Counter.builder(p + "submitted").description("tasks accepted").register(registry);
    for (RejectReason r : RejectReason.values()) {
      rejected.put(
          r,
          Counter.builder(p + "rejected")
              .description("tasks refused, by reason")
              .tag("reason", r.name().toLowerCase(Locale.ROOT))
              .register(registry));
    }
    wait =
        Timer.builder(p + "wait")
            .description("time tasks waited before a worker took them")
            .register(registry);
    succeeded =
        Timer.builder(p + "processing")
            .description("task run time, by outcome")
            .tag("outcome", "succeeded")
            .register(registry);
    failed =
        Timer.builder(p + "processing")
            .description("task run time, by outcome")
            .tag("outcome", "failed")
            .register(registry);
    abandoned =
        Counter.builder(p + "abandoned")
            .description("tasks left unrun at shutdown")
            .register(registry);
    stuck =
        Counter.builder(p + "stuck")
            .description("tasks that ran longer than the stuck threshold")
            .register(registry);
  }

  /**
   * Binds the gauges of the crypto pool: {@code keycast_cpu_queued}, {@code _queue_capacity},
   * {@code _active_threads}.
   */
  public static void bindGauges(MeterRegistry registry, CpuExecutor cpu) {
    String p = KeycastMetrics.name("cpu") + ".";
    Gauge.builder(p + "queued", cpu, CpuExecutor::queuedTasks)
        .description("crypto tasks waiting")
        .register(registry);
    Gauge.builder(p + "queue.capacity", cpu, CpuExecutor::queueCapacity)
        .description("crypto queue capacity")
        .register(registry);
    Gauge.builder(p + "active.threads", cpu, CpuExecutor::activeThreads)
        .description("threads running crypto")
        .register(registry);
    Gauge.builder(p + "threads", cpu, CpuExecutor::threads)
        .description("crypto pool size")
        .register(registry);
  }

  @Override
  public void recordSubmitted() {
    totals.recordSubmitted();
    submitted.increment();
  }

  @Override
  public void recordRejected(RejectReason reason) {
    totals.recordRejected(reason);
    Objects.requireNonNull(rejected.get(reason), "filled for every reason").increment();
  }

  @Override
  public void recordStarted(long waitNanos) {
    totals.recordStarted(waitNanos);
    wait.record(waitNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void recordSucceeded(long processingNanos) {
    totals.recordSucceeded(processingNanos);
    succeeded.record(processingNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void recordFailed(long processingNanos) {
    totals.recordFailed(processingNanos);
    failed.record(processingNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void recordAbandoned() {
    totals.recordAbandoned();
    abandoned.increment();
  }

  @Override
  public void recordStuck(StuckTask task) {
    totals.recordStuck(task);
    stuck.increment();
  }

  @Override
  public void recordStuckEnded(StuckTask task, long processingNanos) {
    totals.recordStuckEnded(task, processingNanos);
  }

  @Override
  public QueueStats snapshot() {
    return totals.snapshot();
  }
}
