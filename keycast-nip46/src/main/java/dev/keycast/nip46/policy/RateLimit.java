package dev.keycast.nip46.policy;

import java.time.Duration;

/**
 * A per-client request rate limit: at most {@code maxRequests} requests per {@code window}.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param maxRequests requests allowed per window, at least 1
 * @param window the window length, 1 second to 1 day
 */
public record RateLimit(int maxRequests, Duration window) {

  /**
   * Validates.
   *
   * @throws IllegalArgumentException if {@code maxRequests < 1} or the window is outside 1 s to 1
   *     day
   */
  public RateLimit {
    if (maxRequests < 1) {
      throw new IllegalArgumentException("maxRequests must be at least 1, got " + maxRequests);
    }
    if (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException(
          "rate limit window must be 1 second to 1 day, got " + window);
    }
  }

  /**
   * Shorthand for requests per minute.
   *
   * @param maxRequests requests per minute, at least 1
   * @return the limit
   */
  public static RateLimit perMinute(int maxRequests) {
    return new RateLimit(maxRequests, Duration.ofMinutes(1));
  }
}
