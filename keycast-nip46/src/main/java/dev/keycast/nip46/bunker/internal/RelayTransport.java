package dev.keycast.nip46.bunker.internal;

import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.relay.RelayState;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * What the pipeline needs from the relay connections: one NIP-46 subscription for a set of signer
 * keys, incoming events with the relay they came from, and publishing with flow control. Adapts
 * {@code RelayPool}.
 */
public interface RelayTransport extends AutoCloseable {

  /** Receives events. Called on relay I/O threads: must only do cheap work and never block. */
  @FunctionalInterface
  interface Listener {
    /**
     * Called for each event a relay delivers.
     *
     * @param relayUrl the relay the event came from
     * @param event the event as parsed (shape-checked, not verified)
     */
    void onEvent(String relayUrl, SignedEvent event);
  }

  /** Connects (asynchronously) and starts delivering events to {@code listener}. */
  void start(Listener listener);

  /**
   * Replaces the NIP-46 subscription with {@code {"kinds":[24133],"#p":[signers],"since":now-30}}
   * on every relay (split over several subscriptions when there are many signers, see {@link
   * RelayPoolTransport#subscriptionsFor}). An empty set closes it. Never blocks on the network.
   */
  void subscribe(Set<String> signerPubkeysHex);

  /**
   * Publishes an event to the given relays (all of the transport's relays when empty). May wait,
   * for flow control, while no relay has room for another event waiting for its {@code OK}; never
   * blocks on the network otherwise. Call it from a virtual thread.
   *
   * @return completes with whether at least one relay accepted the event (false once every relay
   *     refused it, timed out or had no room); never completes exceptionally
   * @throws InterruptedException if interrupted while waiting for room
   */
  CompletableFuture<Boolean> publish(SignedEvent event, Collection<String> relayUrls)
      throws InterruptedException;

  /**
   * Adds relays to listen and reply on (the authorizations' relays). Never blocks. Default:
   * nothing.
   */
  default void addRelays(Collection<String> relayUrls) {}

  /**
   * Returns each relay's state, by URL ({@link RelayState#NOT_STARTED} for every relay before
   * {@link #start}). Never blocks for long.
   */
  Map<String, RelayState> status();

  /**
   * Tells whether every connected relay (at least one) has acknowledged (EOSE) the subscription
   * last sent by {@link #subscribe}, and no relay is still connecting (a relay just added for a new
   * authorization is connecting: until it is subscribed, that authorization's first request could
   * be lost); a relay waiting to reconnect after a failure is not waited for. From then on, the
   * relays deliver the events for those keys. Never blocks. Default: {@code true}.
   */
  default boolean subscriptionAcknowledged() {
    return true;
  }

  /** Closes every connection. */
  @Override
  void close();
}
