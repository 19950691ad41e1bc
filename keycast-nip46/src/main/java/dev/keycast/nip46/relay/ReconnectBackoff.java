package dev.keycast.nip46.relay;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one retry delay of the relay client, used both before reconnecting a dropped relay and before
 * re-sending a subscription the relay closed. Not API.
 *
 * <p>The delay before attempt {@code n} (1 for the first retry) is {@code min(max, initial *
 * 2^(n-1))}, then jittered to between half and all of it ("equal jitter"), so that many bunkers do
 * not retry in lockstep and none waits less than half the nominal delay. The doubling stops once it
 * reaches the cap, so any attempt number is safe (no shift overflow). Both bounds come from {@link
 * RelayPoolConfig#initialBackoff()} and {@link RelayPoolConfig#maxBackoff()}.
 *
 * <p>Immutable and thread-safe; never blocks.
 */
final class ReconnectBackoff {
  private final long initialMillis;
  private final long maxMillis;

  /**
   * @param initial the first delay, positive
   * @param max the cap, at least {@code initial}
   * @throws IllegalArgumentException if {@code initial} is not positive or {@code max < initial}
   */
  ReconnectBackoff(Duration initial, Duration max) {
    if (initial.isZero() || initial.isNegative() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "backoff needs 0 < initial <= max, got " + initial + " and " + max);
    }
    this.initialMillis = initial.toMillis();
    this.maxMillis = max.toMillis();
  }

  /**
   * The nominal (un-jittered) delay before an attempt.
   *
   * @param attempt the retry number, 1 for the first retry (values below 1 count as 1)
   * @return the delay in milliseconds, between the initial delay and the cap
   */
  long nominalDelayMillis(int attempt) {
    long delay = initialMillis;
    for (int i = 1; i < attempt && delay < maxMillis; i++) {
      delay = delay > maxMillis / 2 ? maxMillis : delay * 2;
    }
    return Math.min(delay, maxMillis);
  }

  /**
   * The jittered delay before an attempt: uniformly between half and all of {@link
   * #nominalDelayMillis}.
   *
   * @param attempt the retry number, 1 for the first retry
   * @return the delay in milliseconds
   */
  long delayMillis(int attempt) {
    long delay = nominalDelayMillis(attempt);
    return delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
  }
}
