package dev.keycast.nip46.bunker.internal;

import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.EventJson;
import dev.keycast.nip46.server.EventRejectReason;
import org.jspecify.annotations.Nullable;

/**
 * Stage <b>intake</b>: the cheap checks of {@link IntakeFilter} (size, kind, recipient, age window,
 * dedupe by id and signature across relays). No cryptography, no I/O: runs on relay I/O threads. A
 * copy of a request already in flight adds its relay to that request's answer. Thread-safe.
 */
final class IntakeStage {
  private final IntakeFilter filter;
  private final InFlight inFlight;
  private final StatsRecorder stats;

  IntakeStage(IntakeFilter filter, InFlight inFlight, StatsRecorder stats) {
    this.filter = filter;
    this.inFlight = inFlight;
    this.stats = stats;
  }

  /**
   * Parses raw event JSON after the size cap (the relay transport normally does both). Never
   * throws.
   *
   * @return the event, or null (counted {@code too_large} or {@code malformed_event})
   */
  @Nullable SignedEvent parse(String eventJson) {
    if (!filter.sizeAllowed(eventJson.length())) {
      stats.recordRejected(EventRejectReason.TOO_LARGE);
      return null;
    }
    try {
      return EventJson.parse(eventJson);
    } catch (RuntimeException e) {
      stats.recordRejected(EventRejectReason.MALFORMED_EVENT);
      return null;
    }
  }

  /**
   * Checks one parsed event. Never blocks.
   *
   * @return the accepted event's signer key (lowercase hex) and dedupe key, or null (counted) to
   *     drop it
   */
  IntakeFilter.Verdict.@Nullable Accept admit(String relayUrl, SignedEvent event) {
    switch (filter.check(event)) {
      case IntakeFilter.Verdict.Reject r -> {
        if (r.reason() == EventRejectReason.DUPLICATE) {
          inFlight.attachRelay(event, relayUrl); // answer on this relay too
        }
        stats.recordRejected(r.reason());
        return null;
      }
      case IntakeFilter.Verdict.Accept a -> {
        return a;
      }
    }
  }
}
