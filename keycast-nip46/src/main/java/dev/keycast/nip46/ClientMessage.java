package dev.keycast.nip46;

import dev.keycast.crypto.SignedEvent;
import java.util.List;

/**
 * A NIP-01 message from a client to a relay: {@code ["EVENT",event]}, {@code ["REQ",sub,filter...]}
 * or {@code ["CLOSE",sub]}. Read and write with {@link RelayMessages}. Immutable and thread-safe.
 */
public sealed interface ClientMessage {

  /**
   * {@code ["EVENT",event]}: publish an event.
   *
   * @param event the event
   */
  record Event(SignedEvent event) implements ClientMessage {}

  /**
   * {@code ["REQ",subscriptionId,filter...]}: open (or replace) a subscription.
   *
   * @param subscriptionId the subscription id (non-empty)
   * @param filters the filters, OR-ed (at least one)
   */
  record Req(String subscriptionId, List<Filter> filters) implements ClientMessage {
    /**
     * Validates and copies.
     *
     * @throws IllegalArgumentException if the id is empty or there is no filter
     */
    public Req {
      if (subscriptionId.isEmpty()) {
        throw new IllegalArgumentException("subscription id must not be empty");
      }
      filters = List.copyOf(filters);
      if (filters.isEmpty()) {
        throw new IllegalArgumentException("REQ needs at least one filter");
      }
    }
  }

  /**
   * {@code ["CLOSE",subscriptionId]}: end a subscription.
   *
   * @param subscriptionId the subscription id
   */
  record Close(String subscriptionId) implements ClientMessage {}
}
