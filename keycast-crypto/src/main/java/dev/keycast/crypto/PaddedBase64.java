package dev.keycast.crypto;

import java.util.Arrays;

/**
 * Padded standard base64 (RFC 4648 section 4: {@code A-Z a-z 0-9 + /}, {@code =} padding), decoded
 * straight from a string's chars into one array: a new one, or the caller's (NIP-44 decrypts into a
 * per-thread one). {@link java.util.Base64.Decoder#decode(String)} first copies the text into a
 * {@code byte[]} ({@code getBytes(ISO_8859_1)}) and then decodes that into a new array.
 *
 * <p>Accepts exactly the texts of a length divisible by 4 that {@code
 * java.util.Base64.getDecoder()} accepts, with the same bytes: groups of four alphabet characters,
 * of which the last may end in {@code "="} or {@code "=="}. Like the JDK's decoder it ignores the
 * unused low bits of the last character before the padding ({@code "AB=="} gives {@code 00}, as
 * {@code "AA=="} does). It rejects whatever else the JDK rejects (any other character, whitespace,
 * padding anywhere but at the end), and also every text whose length is not a multiple of 4 (the
 * JDK would accept missing padding; NIP-44 requires it, and {@link Nip44Cipher#decrypt} checks the
 * length first).
 *
 * <p>Cost: scalar, about 1 ns per character (measured on the 2-core benchmark host), where the
 * JDK's decoder, a vectorised intrinsic, takes about 0.1 ns including its copy: for a {@code
 * sign_event} body of 688 characters about 0.6 us more CPU per decrypt, for 704 bytes less
 * allocation.
 *
 * <p>Thread-safe: stateless. CPU-bound, linear in the length; never blocks.
 */
final class PaddedBase64 {
  /** The 6-bit value of each ASCII character, -1 for one outside the alphabet ('=' included). */
  private static final byte[] VALUES = new byte[128];

  static {
    Arrays.fill(VALUES, (byte) -1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < alphabet.length(); i++) {
      VALUES[alphabet.charAt(i)] = (byte) i;
    }
  }

  private PaddedBase64() {}

  /**
   * Decodes padded standard base64.
   *
   * @param text the base64 text
   * @return the decoded bytes, a new array of exactly their length
   * @throws IllegalArgumentException if the length is not a multiple of 4, a character is outside
   *     the alphabet, or the padding is misplaced (the message names the rule and position, never
   *     content)
   */
  static byte[] decode(String text) {
    byte[] out = new byte[decodedLength(text)];
    decode(text, out);
    return out;
  }

  /**
   * The number of bytes {@link #decode(String, byte[])} writes, if it accepts the text.
   *
   * @param text the base64 text
   * @return the decoded length in bytes
   * @throws IllegalArgumentException if the length is not a multiple of 4
   */
  static int decodedLength(String text) {
    int n = text.length();
    if ((n & 3) != 0) {
      throw new IllegalArgumentException("base64 length " + n + " is not a multiple of 4");
    }
    return n == 0 ? 0 : n / 4 * 3 - padding(text);
  }

  /**
   * Decodes padded standard base64 into {@code out[0, decodedLength(text))}, for a caller that
   * reuses its array. On a rejection part of that range may have been written.
   *
   * @param text the base64 text
   * @param out array of at least {@link #decodedLength} bytes
   * @return the decoded length in bytes
   * @throws IllegalArgumentException as {@link #decode(String)}, or if {@code out} is too short
   */
  static int decode(String text, byte[] out) {
    int length = decodedLength(text);
    if (out.length < length) {
      throw new IllegalArgumentException(
          "output of " + out.length + " bytes is shorter than " + length);
    }
    int n = text.length();
    if (n == 0) {
      return 0;
    }
    int pad = padding(text);
    int whole = pad == 0 ? n : n - 4; // characters in groups without padding
    int o = 0;
    for (int i = 0; i < whole; i += 4) {
      int a = value(text.charAt(i));
      int b = value(text.charAt(i + 1));
      int c = value(text.charAt(i + 2));
      int d = value(text.charAt(i + 3));
      if ((a | b | c | d) < 0) {
        throw invalid(i);
      }
      int bits = a << 18 | b << 12 | c << 6 | d;
      out[o] = (byte) (bits >> 16);
      out[o + 1] = (byte) (bits >> 8);
      out[o + 2] = (byte) bits;
      o += 3;
    }
    if (pad > 0) {
      int a = value(text.charAt(whole));
      int b = value(text.charAt(whole + 1));
      // "xx==": the third character is the first '=' (already checked); "xxx=": it is data
      int c = pad == 2 ? 0 : value(text.charAt(whole + 2));
      if ((a | b | c) < 0) {
        throw invalid(whole);
      }
      int bits = a << 18 | b << 12 | c << 6; // the low bits the output has no room for are dropped
      out[o] = (byte) (bits >> 16);
      if (pad == 1) {
        out[o + 1] = (byte) (bits >> 8);
      }
    }
    return length;
  }

  /** Padding characters of a non-empty text: only ever in the last group, "xx==" or "xxx=". */
  private static int padding(String text) {
    int n = text.length();
    return text.charAt(n - 1) != '=' ? 0 : text.charAt(n - 2) == '=' ? 2 : 1;
  }

  private static int value(char c) {
    return c < 128 ? VALUES[c] : -1;
  }

  private static IllegalArgumentException invalid(int groupStart) {
    return new IllegalArgumentException(
        "invalid base64 character or padding in the group at " + groupStart);
  }
}
