package dev.keycast.nip46.server;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits applied to incoming events before any queueing, and the per-client rate limit.
 *
 * @param maxEventChars the largest event accepted, in characters of its JSON (checked before
 *     anything else)
 * @param maxAge events with {@code created_at} older than now minus this are dropped
 * @param maxFutureSkew events with {@code created_at} later than now plus this are dropped
 * @param dedupeCapacity the most event ids remembered for dedupe
 * @param rateLimitBurst the requests a client may send at once
 * @param rateLimitPerSecond the requests per second a client regains
 * @param rateLimitMaxClients the most clients tracked individually by the rate limiter
 */
public record IntakeLimits(
    int maxEventChars,
    Duration maxAge,
    Duration maxFutureSkew,
    int dedupeCapacity,
    int rateLimitBurst,
    double rateLimitPerSecond,
    int rateLimitMaxClients) {

  /** Validates. @throws IllegalArgumentException on a non-positive or out-of-range limit */
  public IntakeLimits {
    Objects.requireNonNull(maxAge, "maxAge");
    Objects.requireNonNull(maxFutureSkew, "maxFutureSkew");
    if (maxEventChars < 1024) {
      throw new IllegalArgumentException("maxEventChars must be >= 1024, got " + maxEventChars);
    }
    if (maxAge.toSeconds() < 1 || maxFutureSkew.isNegative()) {
      throw new IllegalArgumentException("maxAge must be >= 1 s and maxFutureSkew >= 0");
    }
    if (dedupeCapacity < 1
        || rateLimitBurst < 1
        || !(rateLimitPerSecond > 0)
        || rateLimitMaxClients < 1) {
      throw new IllegalArgumentException(
          "dedupeCapacity, rateLimitBurst, rateLimitPerSecond, rateLimitMaxClients"
              + " must be positive");
    }
  }

  /**
   * Returns how long a seen event is remembered for dedupe, in seconds: the whole window in which
   * the intake accepts an event ({@code maxAge + maxFutureSkew}, plus one second for rounding), so
   * the dedupe is complete.
   *
   * @return the dedupe window in seconds, at least 2
   */
  public long dedupeWindowSeconds() {
    return maxAge.toSeconds() + maxFutureSkew.toSeconds() + 1;
  }

  /**
   * {@return the defaults: 256 KiB events, 120 s age, 60 s future skew, 100 000 ids, 250 burst,
   * 50/s, 100 000}
   */
  public static IntakeLimits defaults() {
    return builder().build();
  }

  /** {@return a builder initialised with the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link IntakeLimits}. Not thread-safe. */
  public static final class Builder {
    private int maxEventChars = 256 * 1024;
    private Duration maxAge = Duration.ofMinutes(2);
    private Duration maxFutureSkew = Duration.ofSeconds(60);
    private int dedupeCapacity = 100_000;
    private int rateLimitBurst = 250;
    private double rateLimitPerSecond = 50;
    private int rateLimitMaxClients = 100_000;

    private Builder() {}

    /**
     * Sets the largest event accepted.
     *
     * @param chars the largest event JSON accepted, in characters
     * @return this builder
     */
    public Builder maxEventChars(int chars) {
      this.maxEventChars = chars;
      return this;
    }

    /**
     * Sets the oldest {@code created_at} accepted.
     *
     * @param age the oldest {@code created_at} accepted, relative to now
     * @return this builder
     */
    public Builder maxAge(Duration age) {
      this.maxAge = age;
      return this;
    }

    /**
     * Sets how far in the future {@code created_at} may be.
     *
     * @param skew how far in the future {@code created_at} may be
     * @return this builder
     */
    public Builder maxFutureSkew(Duration skew) {
      this.maxFutureSkew = skew;
      return this;
    }

    /**
     * Sets how many event ids are remembered for dedupe.
     *
     * @param capacity the most event ids remembered for dedupe
     * @return this builder
     */
    public Builder dedupeCapacity(int capacity) {
      this.dedupeCapacity = capacity;
      return this;
    }

    /**
     * Sets the per-client rate limit.
     *
     * @param burst requests a client may send at once
     * @param perSecond requests per second a client regains
     * @return this builder
     */
    public Builder rateLimit(int burst, double perSecond) {
      this.rateLimitBurst = burst;
      this.rateLimitPerSecond = perSecond;
      return this;
    }

    /**
     * Sets how many clients the rate limit tracks individually.
     *
     * @param maxClients the most clients tracked individually
     * @return this builder
     */
    public Builder rateLimitMaxClients(int maxClients) {
      this.rateLimitMaxClients = maxClients;
      return this;
    }

    /**
     * Builds and validates.
     *
     * @return the limits
     * @throws IllegalArgumentException on an invalid limit
     */
    public IntakeLimits build() {
      return new IntakeLimits(
          maxEventChars,
          maxAge,
          maxFutureSkew,
          dedupeCapacity,
          rateLimitBurst,
          rateLimitPerSecond,
          rateLimitMaxClients);
    }
  }
}
