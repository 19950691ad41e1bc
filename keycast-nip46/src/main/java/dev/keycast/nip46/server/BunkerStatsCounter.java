package dev.keycast.nip46.server;

/**
 * A hook the signer pipeline calls as it rejects events and answers requests, shaped like
 * Caffeine's {@code StatsCounter}. The CLI turns it into Micrometer metrics.
 *
 * <p>Implementations must be thread-safe (any pipeline thread calls them), fast, non-blocking, must
 * not throw and must not call back into the signer. The pipeline wraps a supplied counter in a
 * guard that logs and swallows exceptions, so a faulty hook cannot break signing. No secret,
 * plaintext or content is ever passed.
 */
public interface BunkerStatsCounter {

  /**
   * Records an incoming event the pipeline did not process as a request.
   *
   * @param reason why it was rejected
   */
  default void recordRejected(EventRejectReason reason) {}

  /**
   * Records a reply sent for a request.
   *
   * @param method the NIP-46 method as sent on the wire for known methods, {@code "unknown"} for
   *     any other method and {@code "invalid"} when the request could not be parsed (a bounded set)
   * @param outcome how it was answered
   * @param latencyNanos the number of nanoseconds from receipt of the event to the reply being
   *     handed to the relays
   */
  default void recordResponse(String method, ResponseOutcome outcome, long latencyNanos) {}

  /** Records that an event passed intake and was accepted by the work queue. */
  default void recordAccepted() {}

  /** {@return a counter that ignores everything} */
  static BunkerStatsCounter disabled() {
    return DisabledBunkerStatsCounter.INSTANCE;
  }
}

/** The no-op counter. */
enum DisabledBunkerStatsCounter implements BunkerStatsCounter {
  INSTANCE
}
