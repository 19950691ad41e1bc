package dev.keycast.nip46;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keycast.nip46.internal.Json;
import java.util.List;

/**
 * Strict JSON parsing of Nostr events and event templates.
 *
 * <p>Fields must have their NIP-01 JSON types: integers for {@code kind} (0–65535) and {@code created_at}
 * (non-negative), a string {@code content}, {@code tags} an array of arrays of strings. Unknown members are ignored.
 * Violations throw {@link NostrFormatException}; no other exception escapes.
 *
 * <p>Thread-safety: stateless; safe from any thread; never blocks.
 */
public final class EventJson {
  private EventJson() {}

  /**
   * Parses a {@code sign_event} template, {@code {"kind","content","tags","created_at"}}. {@code kind},
   * {@code content} and {@code created_at} are required; missing {@code tags} means no tags. Other members (such as
   * a {@code pubkey} some clients include) are ignored: the signer decides the key.
   *
   * @param json the template JSON
   * @return the template
   * @throws NostrFormatException if the JSON is malformed or has wrong types
   */
  public static EventTemplate parseTemplate(String json) {
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
