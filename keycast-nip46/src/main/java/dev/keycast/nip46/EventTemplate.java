package dev.keycast.nip46;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.UnsignedEvent;
import java.util.List;

/**
 * The event a client asks a signer to sign: the {@code sign_event} parameter {@code {kind, content,
 * tags, created_at}}. The signer supplies the public key, id and signature.
 *
 * @param kind the event kind, 0–65535
 * @param content the content
 * @param tags the tags (arrays of strings); copied, immutable
 * @param createdAt the creation time in seconds since the Unix epoch, non-negative
 */
public record EventTemplate(int kind, String content, List<List<String>> tags, long createdAt) {

  /**
   * Validates and copies the components.
   *
   * @throws IllegalArgumentException if the kind is outside 0–65535 or {@code createdAt} is
   *     negative
   */
  public EventTemplate {
    if (kind < 0 || kind > 65535) {
      throw new IllegalArgumentException("event kind out of range 0-65535: " + kind);
    }
    if (createdAt < 0) {
      throw new IllegalArgumentException("created_at must not be negative: " + createdAt);
    }
    tags = tags.stream().map(List::copyOf).toList();
  }

  /**
   * The template as the JSON object a client sends: {@code {"kind","content","tags","created_at"}}.
   *
   * @return compact JSON; {@link EventJson#parseTemplate} reads it back
   */
  public String toJson() {
    ObjectNode o = Json.object();
    o.put("kind", kind);
    o.put("content", content);
    o.set("tags", Json.tagsNode(tags));
    o.put("created_at", createdAt);
    return Json.write(o);
  }

  /**
   * The unsigned event this template becomes when signed by {@code author}.
   *
   * @param author the key that will sign (the user's key)
   * @return the unsigned event, ready for {@code NostrEvents.sign}
   */
  public UnsignedEvent toUnsigned(PublicKey author) {
    return new UnsignedEvent(author, createdAt, kind, tags, content);
  }
}
