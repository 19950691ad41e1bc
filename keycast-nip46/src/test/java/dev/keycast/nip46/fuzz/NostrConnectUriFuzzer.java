package dev.keycast.nip46.fuzz;

import dev.keycast.crypto.fuzz.FuzzInput;
import dev.keycast.crypto.fuzz.FuzzTarget;
import dev.keycast.nip46.InvalidConnectUriException;
import dev.keycast.nip46.NostrConnectUri;
import java.util.List;

/**
 * Fuzz target for {@link NostrConnectUri#parse}: only {@link InvalidConnectUriException} escapes,
 * and what parses formats to a URI that parses to an equal value. The mode byte is ignored (kept
 * for the shared seed format).
 */
public final class NostrConnectUriFuzzer {
  private NostrConnectUriFuzzer() {}

  /**
   * Called once by Jazzer before fuzzing: see {@link FuzzTarget#warmUp}.
   *
   * @throws Exception if a seed fails, which is a finding
   */
  public static void fuzzerInitialize() throws Exception {
    FuzzTarget.warmUp(seeds(), NostrConnectUriFuzzer::fuzzerTestOneInput);
  }

  /**
   * One fuzz input.
   *
   * @param input mode byte and payload
   */
  public static void fuzzerTestOneInput(byte[] input) {
    NostrConnectUri uri;
    try {
      uri = NostrConnectUri.parse(FuzzInput.of(input).text());
    } catch (InvalidConnectUriException expected) {
      return;
    }
    NostrConnectUri again = NostrConnectUri.parse(uri.format());
    if (!again.equals(uri)) {
      throw new AssertionError("nostrconnect URI round trip: " + uri + " -> " + again);
    }
  }

  static List<byte[]> seeds() {
    String base =
        "nostrconnect://" + Seeds.PUBKEY + "?relay=wss%3A%2F%2Frelay.example.com&secret=abc";
    return List.of(
        FuzzInput.seed(
            0,
            base
                + "&perms=sign_event%3A1%2Cnip44_encrypt&name=My%20App&url=https%3A%2F%2Fa.io"
                + "&image=https%3A%2F%2Fa.io%2Fi.png"),
        FuzzInput.seed(0, base + "&relay=ws://127.0.0.1:7777&icon=x"),
        FuzzInput.seed(
            0,
            base
                + "&metadata=%7B%22name%22%3A%22a%22%2C%22url%22%3A%22u%22%2C%22icons%22%3A%5B%22i%22%5D%7D"),
        FuzzInput.seed(
            0,
            "NostrConnect://"
                + Seeds.OTHER
                + "?secret=x&relay=wss://r&metadata={\"image\":\"z\"}"));
  }
}
