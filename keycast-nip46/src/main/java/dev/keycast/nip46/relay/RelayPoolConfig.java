package dev.keycast.nip46.relay;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * Settings of a {@link RelayPool}. Build with {@link #builder()}; {@code build()} validates and
 * fails fast.
 *
 * @param connectTimeout how long one connection attempt may take
 * @param publishTimeout how long a publish waits for each relay's {@code OK} (including time spent
 *     reconnecting)
 * @param initialBackoff the first retry delay; doubles per consecutive failure. One backoff serves
 *     both retries: reconnecting a dropped relay, and re-sending a subscription the relay closed
 * @param maxBackoff the cap on the retry delay (each delay is jittered to between half and all of
 *     it)
 * @param pingInterval how often an idle connection is pinged; a connection silent for three
 *     intervals is dropped
 * @param resubscribeOverlap on reconnect, subscriptions resume from the disconnect time minus this
 *     overlap
 * @param maxMessageChars incoming messages longer than this (in chars, after reassembling
 *     fragments; more than three times as many UTF-8 bytes are not even buffered) are dropped
 * @param maxPendingPerRelay the most publishes and queued frames kept per relay while it is slow or
 *     away
 * @param executor runs each connected relay's socket reader and writer loops (two tasks that last
 *     as long as the connection, each blocked in its socket or its queue), or {@code null} for a
 *     pool-owned thread-per-task executor of platform daemon threads (closed with the pool); a
 *     caller-supplied executor is not closed
 */
public record RelayPoolConfig(
    Duration connectTimeout,
    Duration publishTimeout,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration pingInterval,
    Duration resubscribeOverlap,
    int maxMessageChars,
    int maxPendingPerRelay,
    @Nullable ExecutorService executor) {

  /**
   * Validates.
   *
   * @throws IllegalArgumentException if a duration is not positive (the overlap may be zero), the
   *     max backoff is below the initial one, or a size is below 1
   */
  public RelayPoolConfig {
    positive(connectTimeout, "connectTimeout");
    positive(publishTimeout, "publishTimeout");
    positive(initialBackoff, "initialBackoff");
    positive(maxBackoff, "maxBackoff");
    positive(pingInterval, "pingInterval");
    if (resubscribeOverlap.isNegative()) {
      throw new IllegalArgumentException("resubscribeOverlap must not be negative");
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("maxBackoff must be at least initialBackoff");
    }
    if (maxMessageChars < 1 || maxPendingPerRelay < 1) {
      throw new IllegalArgumentException(
          "maxMessageChars and maxPendingPerRelay must be at least 1");
    }
  }

  /** The defaults that {@link #builder()} starts from (see there). */
  private static final RelayPoolConfig DEFAULTS =
      new RelayPoolConfig(
          Duration.ofSeconds(10),
          Duration.ofSeconds(10),
          Duration.ofMillis(500),
          Duration.ofSeconds(30),
          Duration.ofSeconds(30),
          Duration.ofSeconds(10),
          512 * 1024,
          1000,
          null);

  private static void positive(Duration d, String name) {
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive, got " + d);
    }
  }

  /**
   * The defaults.
   *
   * @return {@code builder().build()}
   */
  public static RelayPoolConfig defaults() {
    return builder().build();
  }

  /**
   * A builder with the defaults: connect timeout 10 s, publish timeout 10 s, backoff 500 ms
   * doubling to 30 s, ping every 30 s, resubscribe overlap 10 s, messages up to 512 KiB chars, 1000
   * pending per relay, own executor.
   *
   * @return a new builder (not thread-safe)
   */
  public static Builder builder() {
    return new Builder(DEFAULTS);
  }

  /**
   * A builder that starts from this configuration, to change some settings and keep every other one
   * (including settings added in later versions). Each setter may still be called once; it replaces
   * the copied value.
   *
   * @return a new builder (not thread-safe)
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Builds a {@link RelayPoolConfig}. Each setter may be called once; what is not set keeps the
   * value of the configuration the builder started from ({@link #builder()}: the defaults; {@link
   * #toBuilder()}: that one). Not thread-safe.
   */
  public static final class Builder {
    private final RelayPoolConfig base;
    private @Nullable Duration connectTimeout;
    private @Nullable Duration publishTimeout;
    private @Nullable Duration initialBackoff;
    private @Nullable Duration maxBackoff;
    private @Nullable Duration pingInterval;
    private @Nullable Duration resubscribeOverlap;
    private int maxMessageChars = -1;
    private int maxPendingPerRelay = -1;
    private @Nullable ExecutorService executor;

    private Builder(RelayPoolConfig base) {
      this.base = base;
    }

    private static void once(@Nullable Object current, String name) {
      if (current != null) {
        throw new IllegalStateException(name + " was already set");
      }
    }

    /**
     * Sets the connect timeout.
     *
     * @param d positive duration
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder connectTimeout(Duration d) {
      once(connectTimeout, "connectTimeout");
      connectTimeout = d;
      return this;
    }

    /**
     * Sets the publish timeout.
     *
     * @param d positive duration
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder publishTimeout(Duration d) {
      once(publishTimeout, "publishTimeout");
      publishTimeout = d;
      return this;
    }

    /**
     * Sets the reconnect backoff range.
     *
     * @param initial the first delay, positive
     * @param max the cap, at least {@code initial}
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder backoff(Duration initial, Duration max) {
      once(initialBackoff, "backoff");
      initialBackoff = initial;
      maxBackoff = max;
      return this;
    }

    /**
     * Sets the ping interval.
     *
     * @param d positive duration
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder pingInterval(Duration d) {
      once(pingInterval, "pingInterval");
      pingInterval = d;
      return this;
    }

    /**
     * Sets the resubscribe overlap.
     *
     * @param d non-negative duration
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder resubscribeOverlap(Duration d) {
      once(resubscribeOverlap, "resubscribeOverlap");
      resubscribeOverlap = d;
      return this;
    }

    /**
     * Sets the incoming message size cap.
     *
     * @param chars the most chars per message, at least 1
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder maxMessageChars(int chars) {
      if (maxMessageChars != -1) {
        throw new IllegalStateException("maxMessageChars was already set");
      }
      maxMessageChars = chars;
      return this;
    }

    /**
     * Sets the per-relay pending cap.
     *
     * @param n the most pending publishes / queued frames per relay, at least 1
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder maxPendingPerRelay(int n) {
      if (maxPendingPerRelay != -1) {
        throw new IllegalStateException("maxPendingPerRelay was already set");
      }
      maxPendingPerRelay = n;
      return this;
    }

    /**
     * Uses a caller-owned executor for the socket loops (it must run two long-lived tasks per
     * connected relay at once, on virtual or platform threads; the pool does not close it).
     *
     * @param e the executor
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder executor(ExecutorService e) {
      once(executor, "executor");
      executor = e;
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return the validated configuration
     * @throws IllegalArgumentException if a value is out of range
     */
    public RelayPoolConfig build() {
      return new RelayPoolConfig(
          connectTimeout != null ? connectTimeout : base.connectTimeout(),
          publishTimeout != null ? publishTimeout : base.publishTimeout(),
          initialBackoff != null ? initialBackoff : base.initialBackoff(),
          maxBackoff != null ? maxBackoff : base.maxBackoff(),
          pingInterval != null ? pingInterval : base.pingInterval(),
          resubscribeOverlap != null ? resubscribeOverlap : base.resubscribeOverlap(),
          maxMessageChars != -1 ? maxMessageChars : base.maxMessageChars(),
          maxPendingPerRelay != -1 ? maxPendingPerRelay : base.maxPendingPerRelay(),
          executor != null ? executor : base.executor());
    }
  }
}
