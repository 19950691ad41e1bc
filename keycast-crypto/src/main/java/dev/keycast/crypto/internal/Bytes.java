package dev.keycast.crypto.internal;

import java.util.HexFormat;

/**
 * Small byte helpers shared by the implementation. Not API, may change at any time. Thread-safe,
 * stateless.
 */
public final class Bytes {
  private static final HexFormat HEX = HexFormat.of();

  private Bytes() {}

  /**
   * Lowercase hex of {@code bytes}.
   *
   * @param bytes input
   * @return lowercase hex, two characters per byte
   */
  public static String toHex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  /**
   * Whether {@code hex} is exactly the lowercase hex of {@code bytes}: {@code
   * toHex(bytes).equals(hex)} without making that string. Not constant time (for public values).
   *
   * @param bytes the bytes
   * @param hex any string
   * @return true if {@code hex} has two lowercase hex characters per byte, matching
   */
  public static boolean isHexOf(byte[] bytes, String hex) {
    if (hex.length() != 2 * bytes.length) {
      return false;
    }
    for (int i = 0; i < bytes.length; i++) {
      int b = bytes[i] & 0xFF;
      if (hex.charAt(2 * i) != HEX.toHighHexDigit(b)
          || hex.charAt(2 * i + 1) != HEX.toLowHexDigit(b)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Parses hex (either case) of exactly {@code expectedBytes} bytes.
   *
   * @param hex hex string
   * @param expectedBytes number of bytes expected
   * @param what what is parsed, for the message (never the value itself)
   * @return the bytes
   * @throws IllegalArgumentException if the length is wrong or a character is not hex
   */
  public static byte[] fromHex(String hex, int expectedBytes, String what) {
    if (hex.length() != expectedBytes * 2) {
      throw new IllegalArgumentException(
          what + " must be " + expectedBytes * 2 + " hex characters, got " + hex.length());
    }
    try {
      return HEX.parseHex(hex);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " is not valid hex");
    }
  }

  /**
   * Whether {@code s} is exactly {@code chars} lowercase hex characters.
   *
   * @param s candidate
   * @param chars expected length in characters
   * @return true if lowercase hex of that length
   */
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

  /**
   * Throws unless {@code b} has the expected length.
   *
   * @param b array
   * @param expected expected length in bytes
   * @param what name for the message
   * @throws IllegalArgumentException if the length differs
   */
  public static void requireLength(byte[] b, int expected, String what) {
    if (b.length != expected) {
      throw new IllegalArgumentException(what + " must be " + expected + " bytes, got " + b.length);
    }
  }

  /**
   * Big-endian 4-byte encoding.
   *
   * @param value the value
   * @return 4 bytes, most significant first
   */
  public static byte[] u32(int value) {
    return new byte[] {
      (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value
    };
  }
}
