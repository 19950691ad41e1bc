package dev.keycast.crypto.internal;

import java.nio.charset.StandardCharsets;

/**
 * UTF-8 encoding that matches the WHATWG {@code TextEncoder}. Not API, may change at any time.
 * Thread-safe.
 */
public final class Utf8 {
  private Utf8() {}

  /**
   * Encodes {@code s} as UTF-8, writing each lone surrogate as U+FFFD (EF BF BD) as {@code
   * TextEncoder} does. (Java's own encoder would write {@code ?} instead, which would make
   * ciphertexts differ from JavaScript's.)
   *
   * @param s any string
   * @return the UTF-8 bytes
   */
  public static byte[] encode(String s) {
    if (!hasLoneSurrogate(s)) {
      return s.getBytes(StandardCharsets.UTF_8);
    }
    StringBuilder sb = new StringBuilder(s.length());
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        sb.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        sb.append('\uFFFD');
      } else {
        sb.append(c);
      }
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Whether {@code s} contains a surrogate that is not part of a well-formed pair.
   *
   * @param s any string
   * @return true if there is a lone surrogate
   */
  public static boolean hasLoneSurrogate(String s) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < n
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return true;
        }
      }
    }
    return false;
  }
}
