package dev.keycast.nip46;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.keycast.crypto.SignedEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The fast path of {@link RelayMessages#parseRelayMessage} for the message a signer receives for
 * every request, {@code ["EVENT", subscription id, event]}: read token by token into the event's
 * fields, without a JSON tree. It accepts only what the tree path accepts and returns the same
 * event; anything else (another message type, a wrong type, a missing field, a duplicate key,
 * excessive nesting, trailing content, a number that is not a plain integer) returns null, and the
 * tree path then parses the message again and gives its exact error. Stateless; thread-safe.
 */
final class StreamedRelayEvent {
  private StreamedRelayEvent() {}

  /** Returns the message, or null to leave it to the tree path. Never throws. */
  static RelayMessage.@Nullable Event parse(String json) {
    if (!json.startsWith("[\"EVENT\",")) {
      return null;
    }
    try (JsonParser p = Json.parser(json)) {
      if (p.nextToken() != JsonToken.START_ARRAY
          || p.nextToken() != JsonToken.VALUE_STRING
          || !"EVENT".equals(p.getText())
          || p.nextToken() != JsonToken.VALUE_STRING) {
        return null;
      }
      String subscriptionId = p.getText();
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      SignedEvent event = event(p);
      if (event == null || p.nextToken() != JsonToken.END_ARRAY || p.nextToken() != null) {
        return null;
      }
      return new RelayMessage.Event(subscriptionId, event);
    } catch (IOException | RuntimeException e) {
      return null; // the tree path says what is wrong
    }
  }

  /**
   * The same fast path for the message a relay receives for every published event, {@code ["EVENT",
   * event]} (the dev relay's {@link RelayMessages#parseClientMessage}). Returns the message, or
   * null to leave it to the tree path. Never throws.
   */
  static ClientMessage.@Nullable Event parseClient(String json) {
    if (!json.startsWith("[\"EVENT\",")) {
      return null;
    }
    try (JsonParser p = Json.parser(json)) {
      if (p.nextToken() != JsonToken.START_ARRAY
          || p.nextToken() != JsonToken.VALUE_STRING
          || !"EVENT".equals(p.getText())
          || p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      SignedEvent event = event(p);
      if (event == null || p.nextToken() != JsonToken.END_ARRAY || p.nextToken() != null) {
        return null;
      }
      return new ClientMessage.Event(event);
    } catch (IOException | RuntimeException e) {
      return null; // the tree path says what is wrong
    }
  }

  private static @Nullable SignedEvent event(JsonParser p) throws IOException {
    String id = null;
    String pubkey = null;
    String sig = null;
    String content = null;
    List<List<String>> tags = null;
    long kind = -1;
    long createdAt = -1;
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      switch (name) {
        case "id", "pubkey", "sig", "content" -> {
          if (v != JsonToken.VALUE_STRING) {
            return null;
          }
          String s = p.getText();
          switch (name) {
            case "id" -> id = s;
            case "pubkey" -> pubkey = s;
            case "sig" -> sig = s;
            default -> content = s;
          }
        }
        case "kind", "created_at" -> {
          if (v != JsonToken.VALUE_NUMBER_INT
              || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            return null;
          }
          long n = p.getLongValue();
          if (n < 0) {
            return null;
          }
          if (name.equals("kind")) {
            kind = n;
          } else {
            createdAt = n;
          }
        }
        case "tags" -> {
          tags = tags(p, v);
          if (tags == null) {
            return null;
          }
        }
        default -> p.skipChildren(); // unknown members are ignored, as by the tree path
      }
    }
    if (t != JsonToken.END_OBJECT
        || id == null
        || pubkey == null
        || sig == null
        || content == null
        || tags == null
        || kind < 0
        || kind > 65535
        || createdAt < 0
        || !Json.isLowerHex(id, 64)
        || !Json.isLowerHex(pubkey, 64)
        || !Json.isLowerHex(sig, 128)) {
      return null;
    }
    return new SignedEvent(id, pubkey, createdAt, (int) kind, tags, content, sig);
  }

  private static @Nullable List<List<String>> tags(JsonParser p, JsonToken first)
      throws IOException {
    if (first != JsonToken.START_ARRAY) {
      return null;
    }
    List<List<String>> tags = new ArrayList<>();
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.START_ARRAY) {
      List<String> tag = new ArrayList<>(4);
      JsonToken s;
      while ((s = p.nextToken()) == JsonToken.VALUE_STRING) {
        tag.add(p.getText());
      }
      if (s != JsonToken.END_ARRAY) {
        return null;
      }
      tags.add(List.copyOf(tag));
    }
    return t == JsonToken.END_ARRAY ? List.copyOf(tags) : null;
  }
}
