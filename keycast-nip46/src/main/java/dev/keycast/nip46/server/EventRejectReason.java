package dev.keycast.nip46.server;

import java.util.Locale;

/**
 * Why the signer pipeline did not process an incoming event as a request. Counted by {@link
 * BunkerStatsCounter#recordRejected(EventRejectReason)}.
 *
 * <p>Some rejections are answered with an error reply (the request could be decrypted, so its id is
 * known), the others are dropped without a reply because answering would help an attacker or is
 * impossible (forged, foreign or undecryptable events). Each constant says which.
 */
public enum EventRejectReason {
  /** The relay message or event JSON could not be parsed. Dropped. */
  MALFORMED_EVENT,
  /** The event is larger than the configured cap. Dropped before any parsing of its content. */
  TOO_LARGE,
  /** The event is not kind 24133. Dropped. */
  WRONG_KIND,
  /** The event has no {@code p} tag naming one of this signer's keys. Dropped. */
  FOREIGN_RECIPIENT,
  /** The event's {@code created_at} is older than the age window. Dropped. */
  TOO_OLD,
  /** The event's {@code created_at} is too far in the future. Dropped. */
  TOO_NEW,
  /** The same event was already seen (on another relay, or replayed). Dropped. */
  DUPLICATE,
  /** The event id or Schnorr signature is invalid. Dropped. */
  BAD_SIGNATURE,
  /** No active authorization holds the signer key the event is addressed to. Dropped. */
  UNKNOWN_SIGNER,
  /**
   * The store could not be reached to load the signer key, so the request cannot even be decrypted.
   * Dropped.
   */
  STORE_UNAVAILABLE,
  /** The content could not be decrypted with NIP-44 or NIP-04. Dropped. */
  UNDECRYPTABLE,
  /**
   * The client exceeded its rate limit. Answered {@code "rate limited"} while the reply budget
   * lasts.
   */
  RATE_LIMITED,
  /**
   * The work queue was full. Answered {@code "overloaded, retry later"} while the overflow budget
   * lasts.
   */
  QUEUE_FULL,
  /** The queue was full and the overflow reply budget too: dropped without a reply. */
  OVERFLOW_DROPPED,
  /** The signer was shutting down. Answered {@code "shutting down"} where possible. */
  SHUTTING_DOWN,
  /**
   * The reply was computed (and counted as a response) but no relay accepted it: each refused it,
   * gave no {@code OK} within the publish timeout, or still had no room for it after the
   * flow-control wait. The client gets no answer; counted so that it is never silent.
   */
  REPLY_UNDELIVERED;

  /** {@return a lowercase label for metrics, e.g. {@code "bad_signature"}} */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
