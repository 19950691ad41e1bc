package dev.keycast.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The event id without the intermediate strings: the canonical NIP-01 serialization ({@link
 * NostrEvents#canonicalJson}) written straight as UTF-8 into a buffer this thread reuses, then
 * hashed. Byte for byte what {@code canonicalJson(...).getBytes(UTF_8)} gives (the same escapes: a
 * lone surrogate is escaped, never encoded). Thread-safe: each thread has its own buffer and
 * digest; on the CPU executor's platform threads both live as long as the thread.
 */
final class EventIdDigest {
  private static final byte[] HEX =
      "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** A buffer that grew past this (a huge event) is not kept for the next id. */
  private static final int KEEP_MAX = 64 * 1024;

  private static final ThreadLocal<EventIdDigest> LOCAL =
      ThreadLocal.withInitial(EventIdDigest::new);

  private final MessageDigest sha256;
  private byte[] buf = new byte[1024];
  private int len;

  private EventIdDigest() {
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  /** Returns SHA-256 of the event's canonical serialization (32 bytes, a new array). */
  static byte[] idBytes(
      String pubkeyHex, long createdAt, int kind, List<List<String>> tags, String content) {
    EventIdDigest d = LOCAL.get();
    d.len = 0;
    d.ascii("[0,");
    d.string(pubkeyHex);
    d.put((byte) ',');
    d.decimal(createdAt);
    d.put((byte) ',');
    d.decimal(kind);
    d.ascii(",[");
    for (int i = 0; i < tags.size(); i++) {
      if (i > 0) {
        d.put((byte) ',');
      }
      List<String> tag = tags.get(i);
      d.put((byte) '[');
      for (int j = 0; j < tag.size(); j++) {
        if (j > 0) {
          d.put((byte) ',');
        }
        d.string(tag.get(j));
      }
      d.put((byte) ']');
    }
    d.ascii("],");
    d.string(content);
    d.put((byte) ']');
    d.sha256.update(d.buf, 0, d.len);
    byte[] id = d.sha256.digest(); // digest() resets the instance for the next call
    if (d.buf.length > KEEP_MAX) {
      d.buf = new byte[1024];
    }
    return id;
  }

  private void room(int n) {
    if (len + n > buf.length) {
      buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }
  }

  private void put(byte b) {
    room(1);
    buf[len++] = b;
  }

  /** {@code Long.toString(v)}'s characters, without the string. */
  private void decimal(long v) {
    if (v < 0) {
      ascii(Long.toString(v)); // not a valid time or kind; written as given
      return;
    }
    int digits = 1;
    for (long x = v; x >= 10; x /= 10) {
      digits++;
    }
    room(digits);
    long x = v;
    for (int i = len + digits - 1; i >= len; i--) {
      buf[i] = (byte) ('0' + (int) (x % 10));
      x /= 10;
    }
    len += digits;
  }

  private void ascii(String s) {
    int n = s.length();
    room(n);
    for (int i = 0; i < n; i++) {
      buf[len++] = (byte) s.charAt(i);
    }
  }

  /** A JSON string literal as {@link NostrEvents#appendJsonString} writes it, in UTF-8. */
  private void string(String s) {
    int n = s.length();
    room(n * 3 + 2); // the worst case of one char: 3 UTF-8 bytes; escapes are re-checked below
    buf[len++] = '"';
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x80) {
        if (c == '"' || c == '\\') {
          room(2 + (n - i) * 3);
          buf[len++] = '\\';
        }
        buf[len++] = (byte) c;
      } else if (c < 0x20) {
        room(6 + (n - i) * 3);
        byte shortForm =
            switch (c) {
              case '\b' -> 'b';
              case '\t' -> 't';
              case '\n' -> 'n';
              case '\f' -> 'f';
              case '\r' -> 'r';
              default -> 0;
            };
        buf[len++] = '\\';
        if (shortForm != 0) {
          buf[len++] = shortForm;
        } else {
          unicodeEscape(c);
        }
      } else if (c < 0x800) {
        buf[len++] = (byte) (0xC0 | (c >> 6));
        buf[len++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i)); // 4 bytes for 2 chars: within the room
        buf[len++] = (byte) (0xF0 | (cp >> 18));
        buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        buf[len++] = (byte) (0x80 | (cp & 0x3F));
      } else if (Character.isSurrogate(c)) {
        room(6 + (n - i) * 3); // a lone surrogate: escaped, as JSON.stringify does
        buf[len++] = '\\';
        unicodeEscape(c);
      } else {
        buf[len++] = (byte) (0xE0 | (c >> 12));
        buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        buf[len++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    put((byte) '"');
  }

  private void unicodeEscape(char c) {
    buf[len++] = 'u';
    buf[len++] = HEX[(c >> 12) & 0xF];
    buf[len++] = HEX[(c >> 8) & 0xF];
    buf[len++] = HEX[(c >> 4) & 0xF];
    buf[len++] = HEX[c & 0xF];
  }
}
