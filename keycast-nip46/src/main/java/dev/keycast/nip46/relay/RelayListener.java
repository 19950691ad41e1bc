package dev.keycast.nip46.relay;

import dev.keycast.crypto.SignedEvent;

/**
 * Receives what relays send to a {@link RelayPool}.
 *
 * <p>Threads: called on the pool's I/O threads (virtual threads of the HttpClient executor). Calls
 * for one relay are sequential and in arrival order; calls for different relays may be concurrent.
 * Implementations must be fast and must not block (offer the event to a bounded queue, nothing
 * more): a slow listener delays every later message from that relay. An exception thrown by the
 * listener is logged and counted as a dropped message; it does not break the connection.
 *
 * <p>Events are not deduplicated: the same event arriving from three relays is delivered three
 * times, each with its relay URL. Events are parsed but <em>not verified</em>: check the id and
 * signature before trusting one.
 */
@FunctionalInterface
public interface RelayListener {

  /**
   * An event matching one of the pool's subscriptions.
   *
   * @param relayUrl the normalised URL of the relay it came from
   * @param subscriptionId the subscription it matched
   * @param event the event (shape-checked, not verified)
   */
  void onEvent(String relayUrl, String subscriptionId, SignedEvent event);

  /**
   * A relay finished sending stored events for a subscription. Default: nothing.
   *
   * @param relayUrl the relay
   * @param subscriptionId the subscription
   */
  default void onEose(String relayUrl, String subscriptionId) {}

  /**
   * A relay's connection changed state. Default: nothing.
   *
   * @param relayUrl the relay
   * @param state the new state
   */
  default void onStateChange(String relayUrl, RelayState state) {}
}
