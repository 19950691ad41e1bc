package dev.keycast.nip46;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keycast.crypto.SignedEvent;
import java.util.List;

/**
 * Strict JSON parsing of Nostr events and event templates.
 *
 * <p>Fields must have their NIP-01 JSON types: integers for {@code kind} (0–65535) and {@code
 * created_at} (non-negative), a string {@code content}, {@code tags} an array of arrays of strings.
 * Unknown members are ignored. Violations throw {@link NostrFormatException}; no other exception
 * escapes.
 *
 * <p>Thread-safety: stateless; safe from any thread; never blocks.
 */
public final class EventJson {
  private EventJson() {}

  /**
   * Parses a signed event object {@code
   * {"id","pubkey","created_at","kind","tags","content","sig"}}. Only the shape is checked ({@code
   * id}, {@code pubkey} and {@code sig} lowercase hex of the right length, NIP-01 types); the id
   * and signature are not verified: use {@code NostrEvents.verify}.
   *
   * @param json the event JSON
   * @return the event
   * @throws NostrFormatException if the JSON is malformed, a field is missing or has the wrong type
   */
  public static SignedEvent parse(String json) {
    return event(Json.parse(json, "event"));
  }

  /**
   * Writes an event as JSON; the same as {@link SignedEvent#toJson()}, here so that reading and
   * writing sit side by side.
   *
   * @param event the event
   * @return {@code {"id","pubkey","created_at","kind","tags","content","sig"}}
   */
  public static String toJson(SignedEvent event) {
    return event.toJson();
  }

  static SignedEvent event(JsonNode o) {
    String what = "event";
    if (!o.isObject()) {
      throw new NostrFormatException("event must be a JSON object");
    }
    String id = Json.requiredString(o, "id", what);
    if (!Json.isLowerHex(id, 64)) {
      throw new NostrFormatException("event: \"id\" must be 64 lowercase hex characters");
    }
    String pubkey = Json.requiredString(o, "pubkey", what);
    if (!Json.isLowerHex(pubkey, 64)) {
      throw new NostrFormatException("event: \"pubkey\" must be 64 lowercase hex characters");
    }
    String sig = Json.requiredString(o, "sig", what);
    if (!Json.isLowerHex(sig, 128)) {
      throw new NostrFormatException("event: \"sig\" must be 128 lowercase hex characters");
    }
    JsonNode kind = o.get("kind");
    if (kind == null) {
      throw new NostrFormatException("event: missing \"kind\"");
    }
    int k = Json.kind(kind, "event: \"kind\"");
    JsonNode created = o.get("created_at");
    if (created == null) {
      throw new NostrFormatException("event: missing \"created_at\"");
    }
    long createdAt = Json.timestamp(created, "event: \"created_at\"");
    JsonNode tagsNode = o.get("tags");
    if (tagsNode == null) {
      throw new NostrFormatException("event: missing \"tags\"");
    }
    List<List<String>> tags = Json.tags(tagsNode, what);
    String content = Json.requiredString(o, "content", what);
    try {
      return new SignedEvent(id, pubkey, createdAt, k, tags, content, sig);
    } catch (IllegalArgumentException e) {
      throw new NostrFormatException("event: " + e.getMessage(), e);
    }
  }

  /**
   * Parses a {@code sign_event} template, {@code {"kind","content","tags","created_at"}}. {@code
   * kind}, {@code content} and {@code created_at} are required; missing {@code tags} means no tags.
   * Other members (such as a {@code pubkey} some clients include) are ignored: the signer decides
   * the key.
   *
   * @param json the template JSON
   * @return the template
   * @throws NostrFormatException if the JSON is malformed or has wrong types
   */
  public static EventTemplate parseTemplate(String json) {
    EventTemplate streamed = StreamedRequestBody.template(json);
    return streamed != null ? streamed : parseTemplateTree(json);
  }

  /** The tree path: reads what {@link StreamedRequestBody} leaves to it and says what is wrong. */
  static EventTemplate parseTemplateTree(String json) {
    JsonNode o = Json.parse(json, "event template");
    if (!o.isObject()) {
      throw new NostrFormatException("event template must be a JSON object");
    }
    return template(o);
  }

  static EventTemplate template(JsonNode o) {
    String what = "event template";
    JsonNode kind = o.get("kind");
    if (kind == null) {
      throw new NostrFormatException(what + ": missing \"kind\"");
    }
    int k = Json.kind(kind, what + ": \"kind\"");
    String content = Json.requiredString(o, "content", what);
    JsonNode tagsNode = o.get("tags");
    List<List<String>> tags = tagsNode == null ? List.of() : Json.tags(tagsNode, what);
    JsonNode created = o.get("created_at");
    if (created == null) {
      throw new NostrFormatException(what + ": missing \"created_at\"");
    }
    long createdAt = Json.timestamp(created, what + ": \"created_at\"");
    return new EventTemplate(k, content, tags, createdAt);
  }
}
