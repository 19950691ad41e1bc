package dev.keycast.nip46.server;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * An immutable snapshot of the signer pipeline's counters since start.
 *
 * <p>A snapshot is taken without stopping the pipeline, so counters read at slightly different
 * moments: it may be an inconsistent view (the sum of responses may briefly trail {@link
 * #accepted()}).
 *
 * @param accepted events that passed intake and entered the work queue
 * @param rejected events not processed as requests, by reason (every reason present, zero when
 *     none)
 * @param responses replies sent, by method then outcome (only non-zero entries)
 */
public record BunkerStats(
    long accepted,
    Map<EventRejectReason, Long> rejected,
    Map<String, Map<ResponseOutcome, Long>> responses) {

  /** Validates and copies. @throws IllegalArgumentException if any count is negative */
  public BunkerStats {
    if (accepted < 0) {
      throw new IllegalArgumentException("accepted must be >= 0: " + accepted);
    }
    EnumMap<EventRejectReason, Long> r = new EnumMap<>(EventRejectReason.class);
    for (EventRejectReason reason : EventRejectReason.values()) {
      long v = rejected.getOrDefault(reason, 0L);
      if (v < 0) {
        throw new IllegalArgumentException("negative count for " + reason);
      }
      r.put(reason, v);
    }
    rejected = java.util.Collections.unmodifiableMap(r);
    TreeMap<String, Map<ResponseOutcome, Long>> resp = new TreeMap<>();
    responses.forEach(
        (method, byOutcome) -> {
          EnumMap<ResponseOutcome, Long> m = new EnumMap<>(ResponseOutcome.class);
          byOutcome.forEach(
              (o, v) -> {
                if (v < 0) {
                  throw new IllegalArgumentException("negative count for " + method + "/" + o);
                }
                m.put(o, v);
              });
          resp.put(method, java.util.Collections.unmodifiableMap(m));
        });
    responses = java.util.Collections.unmodifiableMap(resp);
  }

  /**
   * {@return the count of rejections for one reason}
   *
   * @param reason the rejection reason
   */
  public long rejected(EventRejectReason reason) {
    return rejected.getOrDefault(reason, 0L);
  }

  /**
   * {@return the count of replies for one method and outcome}
   *
   * @param method the request method's wire name, such as {@code sign_event}
   * @param outcome the outcome
   */
  public long responses(String method, ResponseOutcome outcome) {
    return responses.getOrDefault(method, Map.of()).getOrDefault(outcome, 0L);
  }

  /**
   * {@return the count of replies with one outcome, over all methods}
   *
   * @param outcome the outcome
   */
  public long responses(ResponseOutcome outcome) {
    return responses.values().stream().mapToLong(m -> m.getOrDefault(outcome, 0L)).sum();
  }
}
