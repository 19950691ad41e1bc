package dev.keycast.nip46;

import java.nio.CharBuffer;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A strict reader of one JSON text, token by token, for the fast paths ({@link
 * StreamedRelayMessages}, {@link StreamedRequestBody}): no parser objects, no buffers, no
 * field-name strings. It accepts a subset of what {@link Json#parse} accepts and never more:
 * anything it does not handle (a syntax error, a control character in a string, a duplicate key,
 * nesting deeper than {@link #MAX_DEPTH}, a number that is not a plain integer where one is read)
 * throws the stackless {@link Decline}, and the caller leaves the text to the tree path, which
 * parses it again and gives its exact error. Not thread-safe: one cursor per text, on one thread.
 */
final class JsonCursor {
  /** Thrown where the tree path must decide; carries nothing and costs no stack trace. */
  static final class Decline extends RuntimeException {
    private static final long serialVersionUID = 1L;

    // One shared instance: it has no stack trace, cause, message or suppression, so nothing of one
    // throw reaches another.
    @SuppressWarnings("StaticAssignmentOfThrowable")
    static final Decline INSTANCE = new Decline();

    private Decline() {
      super(null, null, false, false);
    }
  }

  /** Deeper than this, the tree path decides (its own limit is higher). */
  static final int MAX_DEPTH = 16;

  /** Longer member names and numbers than these are the tree path's (it has limits of its own). */
  private static final int MAX_NAME_CHARS = 1_000;

  private static final int MAX_NUMBER_CHARS = 100;

  private final char @Nullable [] chars; // null when reading text
  private final String text; // "" when reading chars
  private final int end;
  private int pos;
  private String unknownName = ""; // the name field() last read that it did not know
  // The object being read by beginObject/nextField (one level at a time).
  private boolean objectFirst;
  private int objectSeen;
  private @Nullable List<String> objectOthers;

  private JsonCursor(char[] chars, int start, int end) {
    this.chars = chars;
    this.text = "";
    this.pos = start;
    this.end = end;
  }

  private JsonCursor(String text) {
    this.chars = null;
    this.text = text;
    this.pos = 0;
    this.end = text.length();
  }

  /**
   * A cursor over {@code json}: a {@link CharBuffer} with an accessible array is read in place
   * (from its position to its limit), a {@code String} through {@link String#charAt}, without a
   * copy; any other text is first made a {@code String}. The text must not change while the cursor
   * reads it.
   */
  static JsonCursor of(CharSequence json) {
    if (json instanceof CharBuffer cb && cb.hasArray()) {
      int start = cb.arrayOffset() + cb.position();
      return new JsonCursor(cb.array(), start, start + cb.remaining());
    }
    return new JsonCursor(json.toString());
  }

  private char at(int i) {
    return chars != null ? chars[i] : text.charAt(i);
  }

  private static Decline decline() {
    return Decline.INSTANCE;
  }

  private void skipWhitespace() {
    while (pos < end) {
      char c = at(pos);
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return;
      }
      pos++;
    }
  }

  /** Consumes {@code c} after optional whitespace, or declines. */
  void expect(char c) {
    if (!consume(c)) {
      throw decline();
    }
  }

  /** Consumes {@code c} after optional whitespace if it is next; returns whether it was. */
  boolean consume(char c) {
    skipWhitespace();
    return consumeRaw(c);
  }

  /** Declines unless only whitespace is left. */
  void end() {
    skipWhitespace();
    if (pos != end) {
      throw decline();
    }
  }

  /** Opens an object for {@link #nextField}. */
  void beginObject() {
    expect('{');
    objectFirst = true;
    objectSeen = 0;
    objectOthers = null;
  }

  /**
   * Moves to the next member of the object {@link #beginObject} opened that is among {@code known}
   * (at most 32 names) and returns its index; its value is next, for the caller to read. Members
   * with other names are skipped ({@code depth}: the object's nesting depth). Returns -1 after the
   * object's closing brace. Declines on a duplicate key, known or not.
   */
  int nextField(String[] known, int depth) {
    while (true) {
      if (objectFirst) {
        objectFirst = false;
        if (consume('}')) {
          return -1;
        }
      } else {
        if (consume('}')) {
          return -1;
        }
        expect(',');
      }
      int f = field(known);
      if (f < 0) {
        objectOthers = skipMember(unknownName, objectOthers, depth);
        continue;
      }
      if ((objectSeen & (1 << f)) != 0) {
        throw decline(); // a duplicate key: the tree path's error
      }
      objectSeen |= 1 << f;
      return f;
    }
  }

  /**
   * Reads a member name and its colon. Returns its index in {@code known}, or -1 for any other name
   * (then {@link #unknownName} holds it).
   */
  private int field(String[] known) {
    int start = openQuote();
    int i = start;
    while (i < end) {
      char c = at(i);
      if (c == '"') {
        break;
      }
      if (c == '\\' || c < 0x20) {
        String s = string(); // escaped: the general path (an escaped name may still be a known one)
        expect(':');
        for (int k = 0; k < known.length; k++) {
          if (known[k].equals(s)) {
            return k;
          }
        }
        unknownName = s;
        return -1;
      }
      i++;
    }
    int len = i - start;
    if (i >= end || len > MAX_NAME_CHARS) {
      throw decline();
    }
    pos = i + 1;
    expect(':');
    for (int k = 0; k < known.length; k++) {
      if (known[k].length() == len && regionEquals(start, known[k])) {
        return k;
      }
    }
    unknownName = slice(start, i);
    return -1;
  }

  private boolean regionEquals(int start, String s) {
    for (int j = 0; j < s.length(); j++) {
      if (at(start + j) != s.charAt(j)) {
        return false;
      }
    }
    return true;
  }

  private String slice(int from, int to) {
    return chars != null ? new String(chars, from, to - from) : text.substring(from, to);
  }

  /** Skips whitespace and an opening quote; returns the index after it. */
  private int openQuote() {
    skipWhitespace();
    if (pos >= end || at(pos) != '"') {
      throw decline();
    }
    return pos + 1;
  }

  /** Reads a string value. */
  String string() {
    int start = openQuote();
    int i = start;
    while (i < end) {
      char c = at(i);
      if (c == '"') {
        pos = i + 1;
        return slice(start, i);
      }
      if (c == '\\') {
        return escaped(start, i);
      }
      if (c < 0x20) {
        throw decline();
      }
      i++;
    }
    throw decline();
  }

  /**
   * The rest of a string with escapes, from {@code i} (a backslash); {@code start} after the quote.
   */
  private String escaped(int start, int i) {
    // The literal cannot be longer than what is left of the text: one allocation, no growth.
    StringBuilder sb = new StringBuilder(end - start);
    if (chars != null) {
      sb.append(chars, start, i - start);
    } else {
      sb.append(text, start, i);
    }
    while (i < end) {
      char c = at(i++);
      if (c == '"') {
        pos = i;
        return sb.toString();
      }
      if (c < 0x20) {
        throw decline();
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      if (i >= end) {
        throw decline();
      }
      char e = at(i++);
      switch (e) {
        case '"', '\\', '/' -> sb.append(e);
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> {
          if (i + 4 > end) {
            throw decline();
          }
          int v = 0;
          for (int k = 0; k < 4; k++) {
            int d = hexDigit(at(i++));
            if (d < 0) {
              throw decline();
            }
            v = (v << 4) | d;
          }
          sb.append((char) v);
        }
        default -> throw decline();
      }
    }
    throw decline();
  }

  /** The value of an ASCII hex digit, or -1 (unlike {@link Character#digit}, no other scripts). */
  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /**
   * Reads a plain integer ({@code -?(0|[1-9][0-9]*)}, no fraction or exponent) that fits in a long.
   */
  long plainLong() {
    skipWhitespace();
    boolean negative = consumeRaw('-');
    int digits = pos;
    long v = 0;
    while (pos < end) {
      char c = at(pos);
      if (c < '0' || c > '9') {
        break;
      }
      if (v > (Long.MAX_VALUE - 9) / 10) {
        throw decline(); // near or past the long range: the tree path decides
      }
      v = v * 10 + (c - '0');
      pos++;
    }
    int n = pos - digits;
    if (n == 0 || (n > 1 && at(digits) == '0')) {
      throw decline();
    }
    if (pos < end) {
      char c = at(pos);
      if (c == '.' || c == 'e' || c == 'E') {
        throw decline();
      }
    }
    return negative ? -v : v;
  }

  private boolean consumeRaw(char c) {
    if (pos < end && at(pos) == c) {
      pos++;
      return true;
    }
    return false;
  }

  /** Reads {@code true} or {@code false}. */
  boolean bool() {
    skipWhitespace();
    if (pos < end && at(pos) == 't') {
      literal("true");
      return true;
    }
    literal("false");
    return false;
  }

  /** Reads an array of strings. */
  List<String> strings() {
    expect('[');
    if (consume(']')) {
      return List.of();
    }
    List<String> out = new ArrayList<>(4);
    do {
      out.add(string());
    } while (consume(','));
    expect(']');
    return List.copyOf(out);
  }

  /** Reads an array of arrays of strings (event tags). */
  List<List<String>> tags() {
    expect('[');
    if (consume(']')) {
      return List.of();
    }
    List<List<String>> out = new ArrayList<>();
    do {
      out.add(strings());
    } while (consume(','));
    expect(']');
    return List.copyOf(out);
  }

  /**
   * Skips any value, checking it as the tree path would (syntax, duplicate keys in its objects);
   * {@code depth} is the nesting depth of the value's container.
   */
  void skipValue(int depth) {
    skipWhitespace();
    if (pos >= end) {
      throw decline();
    }
    char c = at(pos);
    switch (c) {
      case '"' -> string();
      case '{' -> skipObject(depth + 1);
      case '[' -> skipArray(depth + 1);
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> number();
    }
  }

  /**
   * Skips the value of a member nobody reads, declining if a member of that name came before (a
   * duplicate key). {@code seen} holds the names skipped so far in this object: null the first
   * time, then what was returned.
   */
  private List<String> skipMember(String name, @Nullable List<String> seen, int depth) {
    List<String> names = seen != null ? seen : new ArrayList<>(2);
    if (names.contains(name)) {
      throw decline();
    }
    names.add(name);
    skipValue(depth);
    return names;
  }

  private void skipObject(int depth) {
    if (depth > MAX_DEPTH) {
      throw decline();
    }
    pos++; // '{'
    if (consume('}')) {
      return;
    }
    List<String> names = new ArrayList<>(4);
    do {
      field(NO_NAMES);
      String name = unknownName;
      if (names.contains(name)) {
        throw decline(); // a duplicate key: the tree path's error
      }
      names.add(name);
      skipValue(depth);
    } while (consume(','));
    expect('}');
  }

  private static final String[] NO_NAMES = {};

  private void skipArray(int depth) {
    if (depth > MAX_DEPTH) {
      throw decline();
    }
    pos++; // '['
    if (consume(']')) {
      return;
    }
    do {
      skipValue(depth);
    } while (consume(','));
    expect(']');
  }

  private void literal(String word) {
    if (pos + word.length() > end || !regionEquals(pos, word)) {
      throw decline();
    }
    pos += word.length();
  }

  /** Any JSON number: {@code -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?}. */
  private void number() {
    int start = pos;
    consumeRaw('-');
    int intStart = pos;
    int n = digits();
    if (n == 0 || (n > 1 && at(intStart) == '0')) {
      throw decline();
    }
    if (consumeRaw('.') && digits() == 0) {
      throw decline();
    }
    if (consumeRaw('e') || consumeRaw('E')) {
      if (!consumeRaw('+')) {
        consumeRaw('-');
      }
      if (digits() == 0) {
        throw decline();
      }
    }
    if (pos - start > MAX_NUMBER_CHARS) {
      throw decline();
    }
  }

  private int digits() {
    int start = pos;
    while (pos < end && at(pos) >= '0' && at(pos) <= '9') {
      pos++;
    }
    return pos - start;
  }
}
