package dev.keycast.nip46.fuzz;

import dev.keycast.crypto.fuzz.FuzzInput;
import dev.keycast.crypto.fuzz.FuzzTarget;
import dev.keycast.nip46.BunkerUri;
import dev.keycast.nip46.InvalidConnectUriException;
import java.util.List;
import java.util.Locale;

/**
 * Fuzz target for {@link BunkerUri#parse}: only {@link InvalidConnectUriException} escapes, and
 * what parses formats to a URI that parses to an equal value. The mode byte is ignored (kept for
 * the shared seed format).
 */
public final class BunkerUriFuzzer {
  private BunkerUriFuzzer() {}

  /**
   * Called once by Jazzer before fuzzing: see {@link FuzzTarget#warmUp}.
   *
   * @throws Exception if a seed fails, which is a finding
   */
  public static void fuzzerInitialize() throws Exception {
    FuzzTarget.warmUp(seeds(), BunkerUriFuzzer::fuzzerTestOneInput);
  }

  /**
   * One fuzz input.
   *
   * @param input mode byte and payload
   */
  public static void fuzzerTestOneInput(byte[] input) {
    BunkerUri uri;
    try {
      uri = BunkerUri.parse(FuzzInput.of(input).text());
    } catch (InvalidConnectUriException expected) {
      return;
    }
    BunkerUri again = BunkerUri.parse(uri.format());
    if (!again.equals(uri)) {
      throw new AssertionError("bunker URI round trip: " + uri + " -> " + again);
    }
  }

  static List<byte[]> seeds() {
    return List.of(
        FuzzInput.seed(
            0, "bunker://" + Seeds.PUBKEY + "?relay=wss%3A%2F%2Frelay.example.com&secret=s3cr%26t"),
        FuzzInput.seed(
            0, "bunker://" + Seeds.PUBKEY + "?relay=wss://a.example&relay=ws://127.0.0.1:7777/x"),
        FuzzInput.seed(
            0,
            "BUNKER://" + Seeds.OTHER.toUpperCase(Locale.ROOT) + "?relay=wss://r.io&x=1&secret="));
  }
}
