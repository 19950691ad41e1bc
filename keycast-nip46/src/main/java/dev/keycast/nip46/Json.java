package dev.keycast.nip46;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The shared, strictly configured Jackson mapper and typed field readers that fail with {@link
 * NostrFormatException}. Thread-safe: the mapper is configured once and never changed.
 */
final class Json {
  /** Nesting deeper than this is never valid Nostr data and would only cost stack. */
  private static final int MAX_NESTING_DEPTH = 32;

  private static final JsonMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
                  .build())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .build();

  private Json() {}

  /** Returns a new object node. */
  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  /** Returns a new array node. */
  public static ArrayNode array() {
    return JsonNodeFactory.instance.arrayNode();
  }

  /**
   * Parses one JSON value; trailing content, duplicate keys and excessive nesting are errors. For
   * text parsed on a long-lived thread (a queue worker): Jackson copies the text into a token
   * buffer of at least 4,000 chars (8 KB) from its per-thread buffer recycler, which such a thread
   * reuses. On a thread that parses once, use {@link #parseCopied}.
   *
   * @throws NostrFormatException if the text is not a single valid JSON value
   */
  public static JsonNode parse(String json, String what) {
    try {
      return nonEmpty(MAPPER.readTree(json), what);
    } catch (JacksonException e) {
      throw new NostrFormatException(what + " is not valid JSON: " + shortMessage(e), e);
    }
  }

  /**
   * {@link #parse} from a {@code char[]} copy of exactly the text's length, for a thread that
   * parses once: the relay I/O threads are new virtual threads per message, whose buffer recycler
   * (Jackson's default pool is per thread) would be new and allocate the 8 KB token buffer and more
   * on every message (issue 15: a relay's {@code OK} cost 9.8 KB this way, 2.0 KB copied).
   *
   * @throws NostrFormatException if the text is not a single valid JSON value
   */
  static JsonNode parseCopied(String json, String what) {
    try (JsonParser p = parser(json)) {
      return nonEmpty(MAPPER.readTree(p), what);
    } catch (JacksonException e) {
      throw new NostrFormatException(what + " is not valid JSON: " + shortMessage(e), e);
    } catch (java.io.IOException e) {
      // Reading from memory does no I/O; Jackson's own failures are JacksonExceptions (above).
      throw new NostrFormatException(what + " is not valid JSON", e);
    }
  }

  private static JsonNode nonEmpty(@Nullable JsonNode node, String what) {
    if (node == null || node.isMissingNode()) {
      throw new NostrFormatException(what + " is empty");
    }
    return node;
  }

  /**
   * A streaming parser with the same limits and checks as {@link #parse} (nesting depth, duplicate
   * keys) over a {@code char[]} copy of the text, for {@link #parseCopied}.
   */
  private static JsonParser parser(String json) throws java.io.IOException {
    return MAPPER.createParser(json.toCharArray());
  }

  /** Writes a node as compact JSON. */
  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JacksonException e) {
      // Writing a tree of strings and numbers cannot fail; if it does, it is a bug.
      throw new IllegalStateException("cannot serialise JSON", e);
    }
  }

  /** Jackson's message without the location dump that echoes input. */
  private static String shortMessage(JacksonException e) {
    String m = e.getOriginalMessage();
    if (m == null) {
      return e.getClass().getSimpleName();
    }
    return m.length() > 160 ? m.substring(0, 160) + "..." : m;
  }

  /** The object's field, which must be present and a string. */
  public static String requiredString(JsonNode obj, String field, String what) {
    JsonNode n = obj.get(field);
    if (n == null) {
      throw new NostrFormatException(what + ": missing \"" + field + "\"");
    }
    if (!n.isTextual()) {
      throw new NostrFormatException(what + ": \"" + field + "\" must be a string");
    }
    return n.textValue();
  }

  /** The object's field if present and a string; null if absent or JSON null. */
  public static @Nullable String optionalString(JsonNode obj, String field, String what) {
    JsonNode n = obj.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw new NostrFormatException(what + ": \"" + field + "\" must be a string");
    }
    return n.textValue();
  }

  /** A JSON integer (no fraction, no exponent form that is not integral) that fits in a long. */
  public static long requiredLong(JsonNode obj, String field, String what) {
    JsonNode n = obj.get(field);
    if (n == null) {
      throw new NostrFormatException(what + ": missing \"" + field + "\"");
    }
    return asLong(n, what + ": \"" + field + "\"");
  }

  /** The node as a long. */
  public static long asLong(JsonNode n, String what) {
    if (!n.isIntegralNumber() || !n.canConvertToLong()) {
      throw new NostrFormatException(what + " must be an integer");
    }
    return n.longValue();
  }

  /** An event kind: an integer 0–65535. */
  public static int kind(JsonNode n, String what) {
    long k = asLong(n, what);
    if (k < 0 || k > 65535) {
      throw new NostrFormatException(what + " must be an event kind 0-65535");
    }
    return (int) k;
  }

  /** A timestamp in seconds: a non-negative integer. */
  public static long timestamp(JsonNode n, String what) {
    long t = asLong(n, what);
    if (t < 0) {
      throw new NostrFormatException(what + " must not be negative");
    }
    return t;
  }

  /** Tags: an array of arrays of strings. */
  public static List<List<String>> tags(JsonNode n, String what) {
    if (!n.isArray()) {
      throw new NostrFormatException(what + ": \"tags\" must be an array");
    }
    List<List<String>> tags = new ArrayList<>(n.size());
    for (JsonNode tag : n) {
      tags.add(stringList(tag, what + ": every tag"));
    }
    return List.copyOf(tags);
  }

  /** An array of strings. */
  public static List<String> stringList(JsonNode n, String what) {
    if (!n.isArray()) {
      throw new NostrFormatException(what + " must be an array of strings");
    }
    List<String> out = new ArrayList<>(n.size());
    for (JsonNode s : n) {
      if (!s.isTextual()) {
        throw new NostrFormatException(what + " must be an array of strings");
      }
      out.add(s.textValue());
    }
    return List.copyOf(out);
  }

  /** Writes tags as an array node. */
  public static ArrayNode tagsNode(List<List<String>> tags) {
    ArrayNode arr = array();
    for (List<String> tag : tags) {
      ArrayNode t = arr.addArray();
      tag.forEach(t::add);
    }
    return arr;
  }

  /** Whether {@code s} is exactly {@code chars} lowercase hex digits. */
  public static boolean isLowerHex(String s, int chars) {
    if (s.length() != chars) {
      return false;
    }
    for (int i = 0; i < chars; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code s} is exactly {@code chars} hex digits of either case. */
  public static boolean isHex(String s, int chars) {
    if (s.length() != chars) {
      return false;
    }
    for (int i = 0; i < chars; i++) {
      if (!HexFormat.isHexDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
