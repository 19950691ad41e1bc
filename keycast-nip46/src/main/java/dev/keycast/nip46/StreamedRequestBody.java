package dev.keycast.nip46;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The fast path of {@link Nip46Codec#parseRequest} and {@link EventJson#parseTemplate} for the
 * bodies a signer reads on every request: read by a {@link JsonCursor}, without a JSON tree or
 * parser. Like {@link StreamedRelayMessages}, it accepts only what the tree path accepts and
 * returns the same values; anything else (a wrong type, a missing or empty field, a duplicate key,
 * excessive nesting, trailing content, a number that is not a plain integer) returns null, and the
 * tree path then parses the text again and gives its exact error. Stateless; thread-safe; never
 * throws.
 */
final class StreamedRequestBody {
  private static final String[] REQUEST_FIELDS = {"id", "method", "params"};
  private static final String[] TEMPLATE_FIELDS = {"kind", "content", "tags", "created_at"};

  private StreamedRequestBody() {}

  /** A request body's members, as the tree path reads them before it looks at the method. */
  record Fields(String id, String method, List<String> params) {}

  /** Returns the body's members, or null to leave the body to the tree path. */
  static @Nullable Fields request(String json) {
    try {
      JsonCursor c = JsonCursor.of(json);
      String id = null;
      String method = null;
      List<String> params = List.of();
      c.beginObject();
      for (int f; (f = c.nextField(REQUEST_FIELDS, 1)) >= 0; ) {
        switch (f) {
          case 0 -> id = c.string();
          case 1 -> method = c.string();
          default -> params = c.strings();
        }
      }
      c.end();
      if (id == null || id.isEmpty() || method == null) {
        return null;
      }
      return new Fields(id, method, params);
    } catch (RuntimeException e) {
      return null; // JsonCursor.Decline: the tree path says what is wrong
    }
  }

  /** Returns the {@code sign_event} template, or null to leave it to the tree path. */
  static @Nullable EventTemplate template(String json) {
    try {
      JsonCursor c = JsonCursor.of(json);
      String content = null;
      List<List<String>> tags = List.of();
      long kind = -1;
      long createdAt = -1;
      c.beginObject();
      for (int f; (f = c.nextField(TEMPLATE_FIELDS, 1)) >= 0; ) {
        switch (f) {
          case 0 -> kind = c.plainLong();
          case 1 -> content = c.string();
          case 2 -> tags = c.tags();
          default -> createdAt = c.plainLong();
        }
      }
      c.end();
      if (content == null || kind < 0 || kind > 65535 || createdAt < 0) {
        return null;
      }
      return new EventTemplate((int) kind, content, tags, createdAt);
    } catch (RuntimeException e) {
      return null; // JsonCursor.Decline, or the template's own checks
    }
  }
}
