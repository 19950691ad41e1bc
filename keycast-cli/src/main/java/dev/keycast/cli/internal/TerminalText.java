package dev.keycast.cli.internal;

/**
 * Makes outside text safe to print on a terminal or in a text log line: control characters (C0,
 * DEL, C1, including CR, LF and ESC) and Unicode bidirectional overrides are replaced by visible
 * escapes ({@code \n}, {@code \r}, {@code \t}, {@code \}{@code uXXXX}), so a relay or a client
 * cannot forge log lines, move the cursor or recolour the terminal. Other text is unchanged.
 * Stateless and thread-safe.
 */
public final class TerminalText {
  private TerminalText() {}

  /**
   * Escapes the control characters of {@code s}.
   *
   * @param s text from outside (relay messages, URI fields), may be null
   * @return the text with every control character escaped, {@code "null"} for null; the same
   *     instance when nothing needed escaping
   */
  public static String escape(@org.jspecify.annotations.Nullable String s) {
    if (s == null) {
      return "null";
    }
    int i = 0;
    while (i < s.length() && !isControl(s.charAt(i))) {
      i++;
    }
    if (i == s.length()) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length() + 16).append(s, 0, i);
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!isControl(c)) {
        sb.append(c);
      } else if (c == '\n') {
        sb.append("\\n");
      } else if (c == '\r') {
        sb.append("\\r");
      } else if (c == '\t') {
        sb.append("\\t");
      } else {
        sb.append(String.format("\\u%04x", (int) c));
      }
    }
    return sb.toString();
  }

  static boolean isControl(char c) {
    return c < 0x20
        || (c >= 0x7f && c <= 0x9f)
        || (c >= '\u202a' && c <= '\u202e')
        || (c >= '\u2066' && c <= '\u2069');
  }
}
