package dev.keycast.nip46;

import dev.keycast.crypto.SignedEvent;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The fast path of {@link RelayMessages#parseRelayMessage} for the two messages a signer receives
 * for every request, the request's {@code ["EVENT", subscription id, event]} and the {@code ["OK",
 * event id, accepted, message]} of its reply: read by a {@link JsonCursor} straight into the
 * fields, without a JSON tree or parser. It accepts only what the tree path accepts and returns the
 * same event; anything else (another message type, a wrong type, a missing field, a duplicate key,
 * excessive nesting, trailing content, a number that is not a plain integer) returns null, and the
 * tree path then parses the message again and gives its exact error. Stateless; thread-safe.
 */
final class StreamedRelayMessages {
  private static final String EVENT_PREFIX = "[\"EVENT\",";
  private static final String OK_PREFIX = "[\"OK\",";
  private static final String[] FIELDS = {
    "id", "pubkey", "created_at", "kind", "tags", "content", "sig"
  };

  private StreamedRelayMessages() {}

  /** Returns the message, or null to leave it to the tree path. Never throws. */
  static RelayMessage.@Nullable Event parse(CharSequence json) {
    String[] subscriptionId = new String[1];
    SignedEvent event = eventMessage(json, subscriptionId);
    return event == null ? null : new RelayMessage.Event(subscriptionId[0], event);
  }

  /** Returns the {@code OK} message, or null to leave it to the tree path. Never throws. */
  static RelayMessage.@Nullable Ok parseOk(CharSequence json) {
    if (!startsWith(json, OK_PREFIX)) {
      return null;
    }
    try {
      JsonCursor c = JsonCursor.of(json);
      c.expect('[');
      if (!"OK".equals(c.string())) {
        return null;
      }
      c.expect(',');
      String eventId = c.string();
      c.expect(',');
      boolean accepted = c.bool();
      String message = c.consume(',') ? c.string() : "";
      c.expect(']');
      c.end();
      return new RelayMessage.Ok(eventId, accepted, message);
    } catch (RuntimeException e) {
      return null; // JsonCursor.Decline: the tree path says what is wrong
    }
  }

  /**
   * The same fast path for the message a relay receives for every published event, {@code ["EVENT",
   * event]} (the dev relay's {@link RelayMessages#parseClientMessage}). Returns the message, or
   * null to leave it to the tree path. Never throws.
   */
  static ClientMessage.@Nullable Event parseClient(String json) {
    SignedEvent event = eventMessage(json, null);
    return event == null ? null : new ClientMessage.Event(event);
  }

  /**
   * Reads {@code ["EVENT", subscription id, event]} (when {@code subscriptionId} is given, which
   * receives the id) or {@code ["EVENT", event]}; null where the tree path must decide.
   */
  private static @Nullable SignedEvent eventMessage(
      CharSequence json, String @Nullable [] subscriptionId) {
    if (!startsWith(json, EVENT_PREFIX)) {
      return null;
    }
    try {
      JsonCursor c = JsonCursor.of(json);
      c.expect('[');
      c.string(); // "EVENT": the prefix said so
      c.expect(',');
      if (subscriptionId != null) {
        subscriptionId[0] = c.string();
        c.expect(',');
      }
      SignedEvent event = event(c);
      c.expect(']');
      c.end();
      return event;
    } catch (RuntimeException e) {
      // JsonCursor.Decline, or the event's own checks: the tree path says what is wrong
      return null;
    }
  }

  private static boolean startsWith(CharSequence text, String prefix) {
    if (text.length() < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (text.charAt(i) != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Reads the event object (depth 2: in the message array); null if a field is wrong. */
  private static @Nullable SignedEvent event(JsonCursor c) {
    String id = null;
    String pubkey = null;
    String sig = null;
    String content = null;
    List<List<String>> tags = null;
    long kind = -1;
    long createdAt = -1;
    c.beginObject();
    for (int f; (f = c.nextField(FIELDS, 2)) >= 0; ) {
      switch (f) {
        case 0 -> id = c.string();
        case 1 -> pubkey = c.string();
        case 2 -> createdAt = c.plainLong();
        case 3 -> kind = c.plainLong();
        case 4 -> tags = c.tags();
        case 5 -> content = c.string();
        default -> sig = c.string();
      }
    }
    if (id == null
        || pubkey == null
        || sig == null
        || content == null
        || tags == null
        || kind < 0
        || kind > 65535) {
      return null;
    }
    // The record checks the hex fields and the time (once, not here as well); its refusal, an
    // IllegalArgumentException, sends the message to the tree path (eventMessage)
    return new SignedEvent(id, pubkey, createdAt, (int) kind, tags, content, sig);
  }
}
