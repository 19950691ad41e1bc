package dev.keycast.nip46;

import dev.keycast.crypto.SignedEvent;

/**
 * A NIP-01 message from a relay to a client. Read and write with {@link RelayMessages}. Immutable
 * and thread-safe.
 */
public sealed interface RelayMessage {

  /**
   * {@code ["EVENT",subscriptionId,event]}: an event matching a subscription.
   *
   * @param subscriptionId the subscription it matched
   * @param event the event (not verified by the parser)
   */
  record Event(String subscriptionId, SignedEvent event) implements RelayMessage {}

  /**
   * {@code ["OK",eventId,accepted,message]}: the relay's verdict on a published event.
   *
   * @param eventId the event id
   * @param accepted whether the relay accepted (stored or broadcast) the event
   * @param message a machine-readable prefix plus text ({@code "invalid: bad signature"}), possibly
   *     empty
   */
  record Ok(String eventId, boolean accepted, String message) implements RelayMessage {}

  /**
   * {@code ["EOSE",subscriptionId]}: the end of stored events; live events follow.
   *
   * @param subscriptionId the subscription
   */
  record Eose(String subscriptionId) implements RelayMessage {}

  /**
   * {@code ["CLOSED",subscriptionId,message]}: the relay ended a subscription.
   *
   * @param subscriptionId the subscription
   * @param message why
   */
  record Closed(String subscriptionId, String message) implements RelayMessage {}

  /**
   * {@code ["NOTICE",message]}: a human-readable message.
   *
   * @param message the text
   */
  record Notice(String message) implements RelayMessage {}

  /**
   * {@code ["AUTH",challenge]} (NIP-42): the relay asks the client to authenticate. Keycast does
   * not answer it.
   *
   * @param challenge the challenge string
   */
  record Auth(String challenge) implements RelayMessage {}
}
