package dev.keycast.queue;

import dev.keycast.queue.internal.Checks;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * The immutable, validated configuration of a {@link WorkQueue}. Build it with {@link #builder()};
 * the canonical constructor validates too, so an invalid value always fails fast with an {@link
 * IllegalArgumentException} naming the field (a bunker must not start with a bad limit).
 *
 * @param name the queue's name, used in worker thread names ({@code name-worker-N}), logs and
 *     stuck-task reports (default {@value #DEFAULT_NAME})
 * @param workers the number of virtual-thread workers, in [1, {@value #MAX_WORKERS}] (default
 *     {@value #DEFAULT_WORKERS}; see {@link Builder#workers(int)} for the reasoning)
 * @param capacity how many tasks may wait in the queue, in [1, {@value #MAX_CAPACITY}] (default
 *     {@value #DEFAULT_CAPACITY}); a submit beyond it returns {@link SubmitResult#REJECTED_FULL} at
 *     once
 * @param stuckThreshold how long a task may run before the watchdog reports it as stuck; positive
 *     (default 30 s)
 * @param shutdownTimeout the deadline {@link WorkQueue#close()} gives {@link
 *     WorkQueue#shutdown(Duration)}; &ge; 0 (default 10 s)
 * @param statsCounter the metrics hook (default {@link QueueStatsCounter#disabled()}); the queue
 *     guards it
 * @param onAbandoned receives, once each, the accepted tasks still queued when the shutdown
 *     deadline passes, on the thread that called {@code shutdown} (default: log each task's name at
 *     WARN)
 */
public record WorkQueueConfig(
    String name,
    int workers,
    int capacity,
    Duration stuckThreshold,
    Duration shutdownTimeout,
    QueueStatsCounter statsCounter,
    Consumer<QueuedTask> onAbandoned) {

  /** The default name. */
  public static final String DEFAULT_NAME = "keycast-queue";

  /** The default number of workers. */
  public static final int DEFAULT_WORKERS = 64;

  /** The largest number of workers. */
  public static final int MAX_WORKERS = 100_000;

  /** The default capacity. */
  public static final int DEFAULT_CAPACITY = 1024;

  /** The largest capacity. */
  public static final int MAX_CAPACITY = 1 << 24;

  /** The default stuck threshold. */
  public static final Duration DEFAULT_STUCK_THRESHOLD = Duration.ofSeconds(30);

  /** The default shutdown timeout used by {@code close()}. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Validates every component.
   *
   * @throws NullPointerException naming the field if a component is null
   * @throws IllegalArgumentException naming the field if a value is out of range
   */
  public WorkQueueConfig {
    Checks.name("name", name);
    Checks.inRange("workers", workers, 1, MAX_WORKERS);
    Checks.inRange("capacity", capacity, 1, MAX_CAPACITY);
    Checks.positive("stuckThreshold", stuckThreshold);
    Checks.nonNegative("shutdownTimeout", shutdownTimeout);
    Objects.requireNonNull(statsCounter, "statsCounter");
    Objects.requireNonNull(onAbandoned, "onAbandoned");
  }

  /**
   * A new builder with every option unset (defaults apply).
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The configuration with every default.
   *
   * @return {@code builder().build()}
   */
  public static WorkQueueConfig defaults() {
    return builder().build();
  }

  /**
   * A builder that starts from this configuration: every option it does not set keeps this
   * configuration's value, so a component added later is never dropped by a copy. Each setter may
   * still be called once.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Builds a {@link WorkQueueConfig}. Each setter validates at once and may be called at most once.
   * Not thread-safe.
   */
  public static final class Builder {
    private @Nullable String name;
    private int workers = -1;
    private int capacity = -1;
    private @Nullable Duration stuckThreshold;
    private @Nullable Duration shutdownTimeout;
    private @Nullable QueueStatsCounter statsCounter;
    private @Nullable Consumer<QueuedTask> onAbandoned;
    private final @Nullable WorkQueueConfig base;

    private Builder() {
      this.base = null;
    }

    private Builder(WorkQueueConfig base) {
      this.base = base;
    }

    /**
     * Sets the queue's name.
     *
     * @param name 1 to 64 characters, no control characters
     * @return this builder
     * @throws IllegalArgumentException if invalid
     * @throws IllegalStateException if already set
     */
    public Builder name(String name) {
      Checks.notSetTwice("name", this.name != null);
      this.name = Checks.name("name", name);
      return this;
    }

    /**
     * Sets the number of virtual-thread workers. The default, {@value
     * WorkQueueConfig#DEFAULT_WORKERS}, is not the number of processors on purpose: a bunker's
     * tasks spend most of their time waiting (database, relays, the CPU executor), and a waiting
     * virtual thread holds no carrier, so the worker count bounds concurrent <em>waits</em>, not
     * CPU use. It should cover the database pool size plus the requests expected to wait on relays
     * at once; CPU use is bounded separately by the {@link CpuExecutor}. Too few workers was one of
     * the production review's findings.
     *
     * @param workers in [1, {@value WorkQueueConfig#MAX_WORKERS}]
     * @return this builder
     * @throws IllegalArgumentException if out of range
     * @throws IllegalStateException if already set
     */
    public Builder workers(int workers) {
      Checks.notSetTwice("workers", this.workers != -1);
      this.workers = Checks.inRange("workers", workers, 1, MAX_WORKERS);
      return this;
    }

    /**
     * Sets how many tasks may wait in the queue.
     *
     * @param capacity in [1, {@value WorkQueueConfig#MAX_CAPACITY}]
     * @return this builder
     * @throws IllegalArgumentException if out of range
     * @throws IllegalStateException if already set
     */
    public Builder capacity(int capacity) {
      Checks.notSetTwice("capacity", this.capacity != -1);
      this.capacity = Checks.inRange("capacity", capacity, 1, MAX_CAPACITY);
      return this;
    }

    /**
     * Sets how long a task may run before it is reported as stuck.
     *
     * @param stuckThreshold positive
     * @return this builder
     * @throws IllegalArgumentException if zero or negative
     * @throws IllegalStateException if already set
     */
    public Builder stuckThreshold(Duration stuckThreshold) {
      Checks.notSetTwice("stuckThreshold", this.stuckThreshold != null);
      this.stuckThreshold = Checks.positive("stuckThreshold", stuckThreshold);
      return this;
    }

    /**
     * Sets the deadline {@link WorkQueue#close()} uses.
     *
     * @param shutdownTimeout &ge; 0
     * @return this builder
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if already set
     */
    public Builder shutdownTimeout(Duration shutdownTimeout) {
      Checks.notSetTwice("shutdownTimeout", this.shutdownTimeout != null);
      this.shutdownTimeout = Checks.nonNegative("shutdownTimeout", shutdownTimeout);
      return this;
    }

    /**
     * Sets the metrics hook.
     *
     * @param statsCounter the hook (see {@link QueueStatsCounter} for its rules)
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder statsCounter(QueueStatsCounter statsCounter) {
      Checks.notSetTwice("statsCounter", this.statsCounter != null);
      this.statsCounter = Objects.requireNonNull(statsCounter, "statsCounter");
      return this;
    }

    /**
     * Sets the callback that receives tasks left queued at the shutdown deadline (for example to
     * answer each request with "shutting down").
     *
     * @param onAbandoned called once per left-over task, on the thread calling {@code shutdown}
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder onAbandoned(Consumer<QueuedTask> onAbandoned) {
      Checks.notSetTwice("onAbandoned", this.onAbandoned != null);
      this.onAbandoned = Objects.requireNonNull(onAbandoned, "onAbandoned");
      return this;
    }

    /**
     * Builds the configuration, applying defaults to unset options.
     *
     * @return the configuration
     */
    public WorkQueueConfig build() {
      WorkQueueConfig b = base;
      String n = name != null ? name : b != null ? b.name() : DEFAULT_NAME;
      return new WorkQueueConfig(
          n,
          workers != -1 ? workers : b != null ? b.workers() : DEFAULT_WORKERS,
          capacity != -1 ? capacity : b != null ? b.capacity() : DEFAULT_CAPACITY,
          stuckThreshold != null
              ? stuckThreshold
              : b != null ? b.stuckThreshold() : DEFAULT_STUCK_THRESHOLD,
          shutdownTimeout != null
              ? shutdownTimeout
              : b != null ? b.shutdownTimeout() : DEFAULT_SHUTDOWN_TIMEOUT,
          statsCounter != null
              ? statsCounter
              : b != null ? b.statsCounter() : QueueStatsCounter.disabled(),
          onAbandoned != null ? onAbandoned : b != null ? b.onAbandoned() : logAbandoned(n));
    }

    private static Consumer<QueuedTask> logAbandoned(String queueName) {
      return task ->
          LoggerFactory.getLogger(WorkQueue.class)
              .warn(
                  "Queue {}: task '{}' abandoned at shutdown (never run)", queueName, task.name());
    }
  }
}
