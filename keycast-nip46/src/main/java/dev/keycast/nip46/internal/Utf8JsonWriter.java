package dev.keycast.nip46.internal;

/**
 * Writes JSON string literals straight into UTF-8 bytes, escaped exactly as {@code JSON.stringify}
 * escapes them ({@link dev.keycast.crypto.NostrEvents#jsonString}): {@code \"}, {@code \\}, the
 * short forms of backspace, tab, newline, form feed and carriage return, a six-character {@code
 * \}{@code u} escape (lowercase hex) for the other control characters and for an unpaired
 * surrogate; everything else verbatim (a surrogate pair as its 4-byte code point). For bodies that
 * go straight to a cipher or a socket: no string and no copy in between. Stateless; thread-safe.
 */
public final class Utf8JsonWriter {
  private static final byte[] HEX =
      "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private Utf8JsonWriter() {}

  /**
   * The length in bytes of {@code s}'s literal, quotes included.
   *
   * @param s any string
   * @return its literal's UTF-8 length
   */
  public static int literalLength(String s) {
    int n = s.length();
    int len = 2;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x80) { // the common case first: printable ASCII
        len += c == '"' || c == '\\' ? 2 : 1;
      } else if (c == '\b' || c == '\t' || c == '\n' || c == '\f' || c == '\r') {
        len += 2;
      } else if (c < 0x20) {
        len += 6;
      } else if (c < 0x800) {
        len += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        len += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        len += 6;
      } else {
        len += 3;
      }
    }
    return len;
  }

  /**
   * Writes {@code s}'s literal at {@code out[at]}, which has room for {@link #literalLength} bytes.
   *
   * @param s any string
   * @param out the bytes to write into
   * @param at where the literal begins
   * @return the index after it
   */
  public static int writeLiteral(String s, byte[] out, int at) {
    int p = at;
    out[p++] = '"';
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
        out[p++] = (byte) c;
        continue;
      }
      switch (c) {
        case '"' -> p = pair(out, p, '"');
        case '\\' -> p = pair(out, p, '\\');
        case '\b' -> p = pair(out, p, 'b');
        case '\t' -> p = pair(out, p, 't');
        case '\n' -> p = pair(out, p, 'n');
        case '\f' -> p = pair(out, p, 'f');
        case '\r' -> p = pair(out, p, 'r');
        default -> {
          if (c < 0x20) {
            p = unicodeEscape(out, p, c);
          } else if (c < 0x800) {
            out[p++] = (byte) (0xC0 | (c >> 6));
            out[p++] = (byte) (0x80 | (c & 0x3F));
          } else if (Character.isHighSurrogate(c)
              && i + 1 < n
              && Character.isLowSurrogate(s.charAt(i + 1))) {
            int cp = Character.toCodePoint(c, s.charAt(++i));
            out[p++] = (byte) (0xF0 | (cp >> 18));
            out[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
            out[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
            out[p++] = (byte) (0x80 | (cp & 0x3F));
          } else if (Character.isSurrogate(c)) {
            p = unicodeEscape(out, p, c);
          } else {
            out[p++] = (byte) (0xE0 | (c >> 12));
            out[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
            out[p++] = (byte) (0x80 | (c & 0x3F));
          }
        }
      }
    }
    out[p++] = '"';
    return p;
  }

  /**
   * Writes ASCII {@code text} (a member name, punctuation, hex) at {@code out[at]}.
   *
   * @param text characters below 0x80
   * @param out the bytes to write into
   * @param at where the text begins
   * @return the index after it
   */
  public static int writeAscii(String text, byte[] out, int at) {
    for (int i = 0; i < text.length(); i++) {
      out[at + i] = (byte) text.charAt(i);
    }
    return at + text.length();
  }

  private static int pair(byte[] out, int p, char escaped) {
    out[p] = '\\';
    out[p + 1] = (byte) escaped;
    return p + 2;
  }

  private static int unicodeEscape(byte[] out, int p, char c) {
    out[p] = '\\';
    out[p + 1] = 'u';
    out[p + 2] = HEX[(c >> 12) & 0xF];
    out[p + 3] = HEX[(c >> 8) & 0xF];
    out[p + 4] = HEX[(c >> 4) & 0xF];
    out[p + 5] = HEX[c & 0xF];
    return p + 6;
  }
}
