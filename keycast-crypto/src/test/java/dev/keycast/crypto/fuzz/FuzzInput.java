package dev.keycast.crypto.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * How the fuzz targets read their raw input: the first byte picks a mode, the rest is the payload.
 *
 * <p>Shared by the keycast-nip46 targets through this module's test jar. Targets take {@code
 * byte[]} rather than Jazzer's {@code FuzzedDataProvider}, so that they compile and run (smoke
 * test, regression inputs) without Jazzer on the classpath; only {@code scripts/fuzz.sh} needs it.
 *
 * @param mode the first byte, 0 for an empty input
 * @param payload the remaining bytes
 */
public record FuzzInput(int mode, byte[] payload) {

  /**
   * Splits a raw fuzz input.
   *
   * @param input the bytes Jazzer (or the smoke run) passes
   * @return the mode and payload
   */
  public static FuzzInput of(byte[] input) {
    if (input.length == 0) {
      return new FuzzInput(0, input);
    }
    return new FuzzInput(input[0] & 0xff, Arrays.copyOfRange(input, 1, input.length));
  }

  /**
   * The payload as UTF-8 text; malformed sequences become U+FFFD, as a WebSocket text frame cannot
   * hold them.
   *
   * @return the text
   */
  public String text() {
    return new String(payload, StandardCharsets.UTF_8);
  }

  /**
   * A seed: {@code mode} followed by the UTF-8 bytes of {@code text}.
   *
   * @param mode the mode byte
   * @param text the payload
   * @return the raw input
   */
  public static byte[] seed(int mode, String text) {
    return seed(mode, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A seed: {@code mode} followed by {@code payload}.
   *
   * @param mode the mode byte
   * @param payload the payload
   * @return the raw input
   */
  public static byte[] seed(int mode, byte[] payload) {
    byte[] b = new byte[payload.length + 1];
    b[0] = (byte) mode;
    System.arraycopy(payload, 0, b, 1, payload.length);
    return b;
  }
}
