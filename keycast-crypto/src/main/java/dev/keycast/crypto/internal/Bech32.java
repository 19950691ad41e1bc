package dev.keycast.crypto.internal;

import dev.keycast.crypto.Nip19FormatException;
import dev.keycast.crypto.Nip19FormatException.Reason;
import java.io.ByteArrayOutputStream;
import java.util.Locale;

/**
 * Bech32 (BIP-173, not bech32m) with NIP-19's length limit instead of BIP-173's 90 characters. Not
 * API, may change at any time.
 *
 * <p>Thread-safety: stateless, safe for concurrent use; never blocks. Error messages never contain
 * the data part.
 */
public final class Bech32 {
  private static final String CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
  private static final byte[] REVERSE = new byte[128];
  private static final int BECH32_CONST = 1;
  private static final int BECH32M_CONST = 0x2bc830a3;
  private static final int[] GENERATOR = {
    0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3
  };

  static {
    java.util.Arrays.fill(REVERSE, (byte) -1);
    for (int i = 0; i < CHARSET.length(); i++) {
      REVERSE[CHARSET.charAt(i)] = (byte) i;
      REVERSE[Character.toUpperCase(CHARSET.charAt(i))] = (byte) i;
    }
  }

  /**
   * A decoded string.
   *
   * @param prefix the human-readable part, lowercase
   * @param data the data bytes (a fresh array owned by the caller)
   */
  // The array is handed over once and read, never compared or hashed: the record's identity
  // equality is harmless.
  @SuppressWarnings("ArrayRecordComponent")
  public record Decoded(String prefix, byte[] data) {}

  private Bech32() {}

  /**
   * Encodes bytes as lowercase bech32.
   *
   * @param prefix the human-readable part: 1..83 characters in US-ASCII 33..126, no upper case
   * @param data the bytes to encode
   * @param maxLength the longest string allowed, in characters
   * @return the bech32 string
   * @throws Nip19FormatException ({@code UNENCODABLE}) if the prefix is invalid or the result is
   *     too long
   */
  public static String encode(String prefix, byte[] data, int maxLength) {
    if (prefix.isEmpty()
        || prefix.length() > 83
        || !prefix.equals(prefix.toLowerCase(Locale.ROOT))) {
      throw new Nip19FormatException(Reason.UNENCODABLE, "invalid bech32 prefix");
    }
    for (int i = 0; i < prefix.length(); i++) {
      char c = prefix.charAt(i);
      if (c < 33 || c > 126) {
        throw new Nip19FormatException(Reason.UNENCODABLE, "invalid bech32 prefix");
      }
    }
    byte[] words = toWords(data);
    long length = (long) prefix.length() + 1 + words.length + 6;
    if (length > maxLength) {
      throw new Nip19FormatException(
          Reason.UNENCODABLE,
          prefix + ": encoding would be " + length + " characters, the limit is " + maxLength);
    }
    int checksum = polymod(prefix, words, new byte[6]) ^ BECH32_CONST;
    StringBuilder sb = new StringBuilder((int) length);
    sb.append(prefix).append('1');
    for (byte w : words) {
      sb.append(CHARSET.charAt(w));
    }
    for (int i = 0; i < 6; i++) {
      sb.append(CHARSET.charAt((checksum >>> (5 * (5 - i))) & 31));
    }
    return sb.toString();
  }

  /**
   * Decodes a bech32 string (all lower case or all upper case).
   *
   * @param s the string
   * @param maxLength the longest string accepted, in characters
   * @return the lowercase prefix and the data bytes
   * @throws Nip19FormatException if the string is too long, has invalid characters, mixes case,
   *     lacks the separator, has a wrong (or bech32m) checksum, or its 5-bit groups do not form
   *     whole bytes
   */
  public static Decoded decode(String s, int maxLength) {
    if (s.length() > maxLength) {
      throw new Nip19FormatException(
          Reason.TOO_LONG,
          "bech32 string is " + s.length() + " characters, the limit is " + maxLength);
    }
    boolean lower = false;
    boolean upper = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 33 || c > 126) {
        throw new Nip19FormatException(
            Reason.INVALID_CHARACTER,
            "bech32 string has a character outside US-ASCII 33..126 at index " + i);
      }
      lower |= c >= 'a' && c <= 'z';
      upper |= c >= 'A' && c <= 'Z';
    }
    if (lower && upper) {
      throw new Nip19FormatException(Reason.MIXED_CASE, "bech32 string mixes upper and lower case");
    }
    int separator = s.lastIndexOf('1');
    if (separator < 1 || separator + 7 > s.length()) {
      throw new Nip19FormatException(
          Reason.MISSING_SEPARATOR,
          "bech32 string needs a non-empty prefix, the separator '1' and at least 6 checksum characters");
    }
    String prefix = s.substring(0, separator).toLowerCase(Locale.ROOT);
    byte[] values = new byte[s.length() - separator - 1];
    for (int i = 0; i < values.length; i++) {
      char c = s.charAt(separator + 1 + i);
      byte v = REVERSE[c];
      if (v < 0) {
        throw new Nip19FormatException(
            Reason.INVALID_CHARACTER,
            displayPrefix(prefix)
                + ": character outside the bech32 alphabet at index "
                + (separator + 1 + i));
      }
      values[i] = v;
    }
    byte[] words = java.util.Arrays.copyOf(values, values.length - 6);
    byte[] checksum = java.util.Arrays.copyOfRange(values, values.length - 6, values.length);
    int check = polymod(prefix, words, checksum);
    if (check != BECH32_CONST) {
      throw new Nip19FormatException(
          Reason.INVALID_CHECKSUM,
          displayPrefix(prefix)
              + (check == BECH32M_CONST
                  ? ": bech32m checksum, NIP-19 requires bech32"
                  : ": invalid bech32 checksum"));
    }
    return new Decoded(prefix, fromWords(words, prefix));
  }

  private static String displayPrefix(String prefix) {
    // The prefix is public (npub, nsec, ...), but a garbage prefix could be long: cap what goes
    // into a message.
    return prefix.length() <= 16 ? prefix : prefix.substring(0, 16) + "...";
  }

  private static int polymod(String prefix, byte[] words, byte[] tail) {
    int chk = 1;
    for (int i = 0; i < prefix.length(); i++) {
      chk = step(chk, prefix.charAt(i) >>> 5);
    }
    chk = step(chk, 0);
    for (int i = 0; i < prefix.length(); i++) {
      chk = step(chk, prefix.charAt(i) & 31);
    }
    for (byte w : words) {
      chk = step(chk, w);
    }
    for (byte w : tail) {
      chk = step(chk, w);
    }
    return chk;
  }

  private static int step(int chk, int value) {
    int top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ value;
    for (int i = 0; i < 5; i++) {
      if (((top >>> i) & 1) != 0) {
        chk ^= GENERATOR[i];
      }
    }
    return chk;
  }

  private static byte[] toWords(byte[] data) {
    byte[] out = new byte[(data.length * 8 + 4) / 5];
    int acc = 0;
    int bits = 0;
    int j = 0;
    for (byte b : data) {
      acc = (acc << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        bits -= 5;
        out[j++] = (byte) ((acc >>> bits) & 31);
      }
    }
    if (bits > 0) {
      out[j++] = (byte) ((acc << (5 - bits)) & 31);
    }
    return out;
  }

  private static byte[] fromWords(byte[] words, String prefix) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(words.length * 5 / 8);
    int acc = 0;
    int bits = 0;
    for (byte w : words) {
      acc = ((acc << 5) | w) & 0xfff;
      bits += 5;
      if (bits >= 8) {
        bits -= 8;
        out.write((acc >>> bits) & 0xff);
      }
    }
    if (bits >= 5 || ((acc << (8 - bits)) & 0xff) != 0) {
      throw new Nip19FormatException(
          Reason.INVALID_PADDING,
          displayPrefix(prefix)
              + ": bech32 data does not convert to whole bytes (invalid padding)");
    }
    return out.toByteArray();
  }
}
