package dev.keycast.nip46.relay;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What each relay answered to one publish. Immutable.
 *
 * @param eventId the published event's id
 * @param acks the answer of each relay, by normalised URL
 */
public record PublishResult(String eventId, Map<String, Ack> acks) {

  /** Copies the map (keeping its order); an immutable one-relay map is kept as it is. */
  public PublishResult {
    acks =
        acks.size() == 1
            ? Map.copyOf(acks)
            : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(acks));
  }

  /**
   * Whether at least one relay accepted the event.
   *
   * @return true if some ack is {@link Outcome#ACCEPTED}
   */
  public boolean acceptedByAny() {
    for (Ack ack : acks.values()) {
      if (ack.accepted()) {
        return true;
      }
    }
    return false;
  }

  /**
   * The relays that accepted the event.
   *
   * @return normalised URLs, sorted
   */
  public Set<String> acceptedBy() {
    Set<String> out = new TreeSet<>();
    acks.forEach(
        (url, ack) -> {
          if (ack.accepted()) {
            out.add(url);
          }
        });
    return Set.copyOf(out);
  }

  /** How one relay's publish ended. */
  public enum Outcome {
    /** {@code ["OK",id,true,…]}. */
    ACCEPTED,
    /** {@code ["OK",id,false,reason]}. */
    REJECTED,
    /**
     * No {@code OK} within the publish timeout (the relay may have been unreachable the whole
     * time).
     */
    TIMED_OUT,
    /** Not sent: the pool was closed or the relay's pending queue was full. */
    NOT_SENT
  }

  /**
   * One relay's answer.
   *
   * @param outcome how the publish ended
   * @param message the relay's message for {@code OK} ({@code "invalid: …"}, {@code "duplicate:
   *     …"}), or a description of the local failure
   */
  public record Ack(Outcome outcome, String message) {
    /**
     * Whether the relay accepted the event.
     *
     * @return {@code outcome() == ACCEPTED}
     */
    public boolean accepted() {
      return outcome == Outcome.ACCEPTED;
    }
  }
}
