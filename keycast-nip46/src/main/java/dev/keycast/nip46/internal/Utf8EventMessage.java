package dev.keycast.nip46.internal;

import dev.keycast.crypto.SignedEvent;
import java.util.List;

/**
 * A client's {@code ["EVENT",event]} message written straight into UTF-8 bytes: the same bytes as
 * the UTF-8 of {@code RelayMessages.eventMessage(event)}, without building that text first (a
 * reply's message is about 1.4 KB, built once per publish; issue 15). Stateless; thread-safe.
 */
public final class Utf8EventMessage {
  private Utf8EventMessage() {}

  /**
   * The message's length in bytes.
   *
   * @param e the event
   * @return the UTF-8 length of {@code ["EVENT",e]}
   */
  public static int length(SignedEvent e) {
    // ["EVENT",{"id":"…","pubkey":"…","created_at":N,"kind":N,"tags":[…],"content":…,"sig":"…"}]
    int n =
        "[\"EVENT\",{\"id\":\"".length()
            + 64
            + "\",\"pubkey\":\"".length()
            + 64
            + "\",\"created_at\":".length()
            + digits(e.createdAt())
            + ",\"kind\":".length()
            + digits(e.kind())
            + ",\"tags\":".length()
            + ",\"content\":".length()
            + Utf8JsonWriter.literalLength(e.content())
            + ",\"sig\":\"".length()
            + 128
            + "\"}]".length();
    List<List<String>> tags = e.tags();
    n += 2 + Math.max(0, tags.size() - 1); // [ ] and the commas between tags
    for (List<String> tag : tags) {
      n += 2 + Math.max(0, tag.size() - 1);
      for (String v : tag) {
        n += Utf8JsonWriter.literalLength(v);
      }
    }
    return n;
  }

  /**
   * Writes the message at {@code out[at]}, which has room for {@link #length} bytes.
   *
   * @param e the event
   * @param out the bytes to write into
   * @param at where the message begins
   * @return the index after it
   */
  public static int write(SignedEvent e, byte[] out, int at) {
    int p = Utf8JsonWriter.writeAscii("[\"EVENT\",{\"id\":\"", out, at);
    p = Utf8JsonWriter.writeAscii(e.id(), out, p);
    p = Utf8JsonWriter.writeAscii("\",\"pubkey\":\"", out, p);
    p = Utf8JsonWriter.writeAscii(e.pubkey(), out, p);
    p = Utf8JsonWriter.writeAscii("\",\"created_at\":", out, p);
    p = writeDecimal(e.createdAt(), out, p);
    p = Utf8JsonWriter.writeAscii(",\"kind\":", out, p);
    p = writeDecimal(e.kind(), out, p);
    p = Utf8JsonWriter.writeAscii(",\"tags\":[", out, p);
    List<List<String>> tags = e.tags();
    for (int i = 0; i < tags.size(); i++) {
      if (i > 0) {
        out[p++] = ',';
      }
      List<String> tag = tags.get(i);
      out[p++] = '[';
      for (int j = 0; j < tag.size(); j++) {
        if (j > 0) {
          out[p++] = ',';
        }
        p = Utf8JsonWriter.writeLiteral(tag.get(j), out, p);
      }
      out[p++] = ']';
    }
    p = Utf8JsonWriter.writeAscii("],\"content\":", out, p);
    p = Utf8JsonWriter.writeLiteral(e.content(), out, p);
    p = Utf8JsonWriter.writeAscii(",\"sig\":\"", out, p);
    p = Utf8JsonWriter.writeAscii(e.sig(), out, p);
    return Utf8JsonWriter.writeAscii("\"}]", out, p);
  }

  /** The number of decimal digits of {@code v} &ge; 0. */
  private static int digits(long v) {
    int n = 1;
    for (long x = v; x >= 10; x /= 10) {
      n++;
    }
    return n;
  }

  private static int writeDecimal(long v, byte[] out, int at) {
    int end = at + digits(v);
    long x = v;
    for (int i = end - 1; i >= at; i--) {
      out[i] = (byte) ('0' + (int) (x % 10));
      x /= 10;
    }
    return end;
  }
}
