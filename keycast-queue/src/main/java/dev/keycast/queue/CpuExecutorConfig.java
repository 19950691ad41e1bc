package dev.keycast.queue;

import dev.keycast.queue.internal.Checks;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The immutable, validated configuration of a {@link CpuExecutor}. Build it with {@link
 * #builder()}; the canonical constructor validates too, so an invalid value always fails fast with
 * an {@link IllegalArgumentException} naming the field.
 *
 * @param name the executor's name, used in thread names ({@code name-N}), logs and stuck-task
 *     reports (default {@value #DEFAULT_NAME})
 * @param threads the number of platform threads, in [1, {@value #MAX_THREADS}] (default: available
 *     processors, since CPU-bound work gains nothing from more threads than cores)
 * @param queueCapacity how many tasks may wait for a thread, in [1, {@value #MAX_QUEUE_CAPACITY}]
 *     (default {@value #DEFAULT_QUEUE_CAPACITY}); when it is full {@code call} waits and {@code
 *     submit} fails fast
 * @param stuckThreshold how long a task may run before the watchdog reports it as stuck; positive
 *     (default 10 s: a signature takes microseconds)
 * @param shutdownTimeout the deadline {@link CpuExecutor#close()} gives {@link
 *     CpuExecutor#shutdown(Duration)}; &ge; 0 (default 10 s)
 * @param statsCounter the metrics hook (default {@link QueueStatsCounter#disabled()}); the executor
 *     guards it
 */
public record CpuExecutorConfig(
    String name,
    int threads,
    int queueCapacity,
    Duration stuckThreshold,
    Duration shutdownTimeout,
    QueueStatsCounter statsCounter) {

  /** The default name. */
  public static final String DEFAULT_NAME = "keycast-cpu";

  /** The largest number of threads. */
  public static final int MAX_THREADS = 4096;

  /** The default queue capacity. */
  public static final int DEFAULT_QUEUE_CAPACITY = 1024;

  /** The largest queue capacity. */
  public static final int MAX_QUEUE_CAPACITY = 1 << 24;

  /** The default stuck threshold. */
  public static final Duration DEFAULT_STUCK_THRESHOLD = Duration.ofSeconds(10);

  /** The default shutdown timeout used by {@code close()}. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Validates every component.
   *
   * @throws NullPointerException naming the field if a component is null
   * @throws IllegalArgumentException naming the field if a value is out of range
   */
  public CpuExecutorConfig {
    Checks.name("name", name);
    Checks.inRange("threads", threads, 1, MAX_THREADS);
    Checks.inRange("queueCapacity", queueCapacity, 1, MAX_QUEUE_CAPACITY);
    Checks.positive("stuckThreshold", stuckThreshold);
    Checks.nonNegative("shutdownTimeout", shutdownTimeout);
    Objects.requireNonNull(statsCounter, "statsCounter");
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
  public static CpuExecutorConfig defaults() {
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
   * Builds a {@link CpuExecutorConfig}. Each setter validates at once and may be called at most
   * once. Not thread-safe.
   */
  public static final class Builder {
    private @Nullable String name;
    private int threads = -1;
    private int queueCapacity = -1;
    private @Nullable Duration stuckThreshold;
    private @Nullable Duration shutdownTimeout;
    private @Nullable QueueStatsCounter statsCounter;
    private final @Nullable CpuExecutorConfig base;

    private Builder() {
      this.base = null;
    }

    private Builder(CpuExecutorConfig base) {
      this.base = base;
    }

    /**
     * Sets the executor's name.
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
     * Sets the number of platform threads.
     *
     * @param threads in [1, {@value CpuExecutorConfig#MAX_THREADS}]
     * @return this builder
     * @throws IllegalArgumentException if out of range
     * @throws IllegalStateException if already set
     */
    public Builder threads(int threads) {
      Checks.notSetTwice("threads", this.threads != -1);
      this.threads = Checks.inRange("threads", threads, 1, MAX_THREADS);
      return this;
    }

    /**
     * Sets how many tasks may wait for a thread.
     *
     * @param queueCapacity in [1, {@value CpuExecutorConfig#MAX_QUEUE_CAPACITY}]
     * @return this builder
     * @throws IllegalArgumentException if out of range
     * @throws IllegalStateException if already set
     */
    public Builder queueCapacity(int queueCapacity) {
      Checks.notSetTwice("queueCapacity", this.queueCapacity != -1);
      this.queueCapacity = Checks.inRange("queueCapacity", queueCapacity, 1, MAX_QUEUE_CAPACITY);
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
     * Sets the deadline {@link CpuExecutor#close()} uses.
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
     * Builds the configuration, applying defaults to unset options.
     *
     * @return the configuration
     */
    public CpuExecutorConfig build() {
      CpuExecutorConfig b = base;
      return new CpuExecutorConfig(
          name != null ? name : b != null ? b.name() : DEFAULT_NAME,
          threads != -1
              ? threads
              : b != null ? b.threads() : Runtime.getRuntime().availableProcessors(),
          queueCapacity != -1
              ? queueCapacity
              : b != null ? b.queueCapacity() : DEFAULT_QUEUE_CAPACITY,
          stuckThreshold != null
              ? stuckThreshold
              : b != null ? b.stuckThreshold() : DEFAULT_STUCK_THRESHOLD,
          shutdownTimeout != null
              ? shutdownTimeout
              : b != null ? b.shutdownTimeout() : DEFAULT_SHUTDOWN_TIMEOUT,
          statsCounter != null
              ? statsCounter
              : b != null ? b.statsCounter() : QueueStatsCounter.disabled());
    }
  }
}
