package dev.keycast.nip46;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.keycast.crypto.SignedEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes the NIP-01 relay wire protocol: JSON arrays whose first element names the
 * message.
 *
 * <p>Events are written with {@link dev.keycast.crypto.SignedEvent#toJson()} (byte-exact,
 * JSON.stringify-style escaping); everything else through Jackson. Parsing is strict about types
 * and fails only with {@link NostrFormatException}. Parsers check shape only: event ids and
 * signatures are not verified here.
 *
 * <p>Thread-safety: stateless; safe from any thread; never blocks.
 */
public final class RelayMessages {
  private RelayMessages() {}

  /**
   * Writes a client-to-relay message.
   *
   * @param message the message
   * @return {@code ["EVENT",…]}, {@code ["REQ",…]} or {@code ["CLOSE",…]}
   */
  public static String toJson(ClientMessage message) {
    return switch (message) {
      case ClientMessage.Event e -> eventMessage(e.event()).toString();
      case ClientMessage.Req r -> {
        ArrayNode a = Json.array().add("REQ").add(r.subscriptionId());
        r.filters().forEach(f -> a.add(f.toNode()));
        yield Json.write(a);
      }
      case ClientMessage.Close c -> Json.write(Json.array().add("CLOSE").add(c.subscriptionId()));
    };
  }

  /**
   * Writes a relay-to-client message.
   *
   * @param message the message
   * @return the JSON array
   */
  public static String toJson(RelayMessage message) {
    return switch (message) {
      case RelayMessage.Event e ->
          "[\"EVENT\"," + quote(e.subscriptionId()) + "," + e.event().toJson() + "]";
      case RelayMessage.Ok ok ->
          Json.write(Json.array().add("OK").add(ok.eventId()).add(ok.accepted()).add(ok.message()));
      case RelayMessage.Eose eose ->
          Json.write(Json.array().add("EOSE").add(eose.subscriptionId()));
      case RelayMessage.Closed c ->
          Json.write(Json.array().add("CLOSED").add(c.subscriptionId()).add(c.message()));
      case RelayMessage.Notice n -> Json.write(Json.array().add("NOTICE").add(n.message()));
      case RelayMessage.Auth a -> Json.write(Json.array().add("AUTH").add(a.challenge()));
    };
  }

  private static String quote(String s) {
    return Json.write(TextNode.valueOf(s));
  }

  /**
   * {@link #toJson(ClientMessage)}'s {@code ["EVENT", event]}, not copied into a {@code String}:
   * for a sender that hands the text straight to a WebSocket (a copy of every reply less). Never
   * blocks.
   *
   * @param event the event to publish
   * @return the message text; the caller may keep it (nothing else holds it)
   */
  public static CharSequence eventMessage(SignedEvent event) {
    return event.appendJson(new StringBuilder(16).append("[\"EVENT\",")).append(']');
  }

  /**
   * Parses a client-to-relay message (relay side).
   *
   * @param json the WebSocket text frame
   * @return the message
   * @throws NostrFormatException if it is not a well-formed EVENT, REQ or CLOSE message (unknown
   *     message types included)
   */
  public static ClientMessage parseClientMessage(String json) {
    ClientMessage.Event event = StreamedRelayMessages.parseClient(json);
    return event != null ? event : parseClientMessageTree(json);
  }

  /** The tree path of {@link #parseClientMessage}: every message type, and every error. */
  static ClientMessage parseClientMessageTree(String json) {
    JsonNode a = array(json);
    String type = a.get(0).textValue();
    return switch (type) {
      case "EVENT" -> {
        arity(a, 2, 2, type);
        yield new ClientMessage.Event(EventJson.event(a.get(1)));
      }
      case "REQ" -> {
        if (a.size() < 3) {
          throw new NostrFormatException("REQ needs a subscription id and at least one filter");
        }
        String sub = subscriptionId(a.get(1));
        List<Filter> filters = new ArrayList<>(a.size() - 2);
        for (int i = 2; i < a.size(); i++) {
          filters.add(Filter.fromNode(a.get(i)));
        }
        yield new ClientMessage.Req(sub, filters);
      }
      case "CLOSE" -> {
        arity(a, 2, 2, type);
        yield new ClientMessage.Close(subscriptionId(a.get(1)));
      }
      default -> throw new NostrFormatException("unknown client message type");
    };
  }

  /**
   * Parses a relay-to-client message (client side). An {@code EVENT} message given as a {@link
   * java.nio.CharBuffer} with an accessible array (what a WebSocket client decodes a frame into) is
   * read in place, without a copy; the result holds no reference to {@code json}.
   *
   * @param json the WebSocket text frame
   * @return the message
   * @throws NostrFormatException if it is not a well-formed EVENT, OK, EOSE, CLOSED, NOTICE or AUTH
   *     message
   */
  public static RelayMessage parseRelayMessage(CharSequence json) {
    RelayMessage fast = StreamedRelayMessages.parse(json);
    if (fast == null) {
      fast = StreamedRelayMessages.parseOk(json);
    }
    return fast != null ? fast : parseRelayMessageTree(json.toString());
  }

  /** The tree path of {@link #parseRelayMessage}: every message type, and every error. */
  static RelayMessage parseRelayMessageTree(String json) {
    JsonNode a = array(json);
    String type = a.get(0).textValue();
    return switch (type) {
      case "EVENT" -> {
        arity(a, 3, 3, type);
        yield new RelayMessage.Event(
            string(a.get(1), "EVENT subscription id"), EventJson.event(a.get(2)));
      }
      case "OK" -> {
        arity(a, 3, 4, type);
        String id = string(a.get(1), "OK event id");
        if (!a.get(2).isBoolean()) {
          throw new NostrFormatException("OK: the third element must be a boolean");
        }
        String msg = a.size() > 3 ? string(a.get(3), "OK message") : "";
        yield new RelayMessage.Ok(id, a.get(2).booleanValue(), msg);
      }
      case "EOSE" -> {
        arity(a, 2, 2, type);
        yield new RelayMessage.Eose(string(a.get(1), "EOSE subscription id"));
      }
      case "CLOSED" -> {
        arity(a, 2, 3, type);
        yield new RelayMessage.Closed(
            string(a.get(1), "CLOSED subscription id"),
            a.size() > 2 ? string(a.get(2), "CLOSED message") : "");
      }
      case "NOTICE" -> {
        arity(a, 2, 2, type);
        yield new RelayMessage.Notice(string(a.get(1), "NOTICE message"));
      }
      case "AUTH" -> {
        arity(a, 2, 2, type);
        yield new RelayMessage.Auth(string(a.get(1), "AUTH challenge"));
      }
      default -> throw new NostrFormatException("unknown relay message type");
    };
  }

  private static JsonNode array(String json) {
    JsonNode a = Json.parseCopied(json, "relay message"); // on a relay I/O thread: see parseCopied
    if (!a.isArray() || a.isEmpty() || !a.get(0).isTextual()) {
      throw new NostrFormatException("relay message must be a JSON array starting with its type");
    }
    return a;
  }

  private static void arity(JsonNode a, int min, int max, String type) {
    if (a.size() < min || a.size() > max) {
      throw new NostrFormatException(type + " message has " + a.size() + " elements");
    }
  }

  private static String string(JsonNode n, String what) {
    if (!n.isTextual()) {
      throw new NostrFormatException(what + " must be a string");
    }
    return n.textValue();
  }

  private static String subscriptionId(JsonNode n) {
    String s = string(n, "subscription id");
    if (s.isEmpty() || s.length() > 64) {
      throw new NostrFormatException("subscription id must be 1-64 characters");
    }
    return s;
  }
}
