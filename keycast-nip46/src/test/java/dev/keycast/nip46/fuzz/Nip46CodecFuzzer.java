package dev.keycast.nip46.fuzz;

import dev.keycast.crypto.fuzz.FuzzInput;
import dev.keycast.crypto.fuzz.FuzzTarget;
import dev.keycast.nip46.Nip46Codec;
import dev.keycast.nip46.Nip46FormatException;
import dev.keycast.nip46.Nip46Request;
import dev.keycast.nip46.Nip46Response;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzz target for {@link Nip46Codec#parseRequest} (even modes: what clients send the signer) and
 * {@link Nip46Codec#parseResponse} (odd modes): only {@link Nip46FormatException} escapes (the
 * codec's javadoc: "No other exception escapes, whatever the input"), and what parses is written
 * and parsed again to an equal request or response.
 */
public final class Nip46CodecFuzzer {
  private Nip46CodecFuzzer() {}

  /**
   * Called once by Jazzer before fuzzing: see {@link FuzzTarget#warmUp}.
   *
   * @throws Exception if a seed fails, which is a finding
   */
  public static void fuzzerInitialize() throws Exception {
    FuzzTarget.warmUp(seeds(), Nip46CodecFuzzer::fuzzerTestOneInput);
  }

  /**
   * One fuzz input.
   *
   * @param input mode byte and payload
   */
  public static void fuzzerTestOneInput(byte[] input) {
    FuzzInput in = FuzzInput.of(input);
    try {
      if ((in.mode() & 1) == 0) {
        Nip46Request r = Nip46Codec.parseRequest(in.text());
        Nip46Request again = Nip46Codec.parseRequest(Nip46Codec.toJson(r));
        if (!again.equals(r)) {
          throw new AssertionError("request round trip: " + r + " -> " + again);
        }
      } else {
        Nip46Response r = Nip46Codec.parseResponse(in.text());
        Nip46Response again = Nip46Codec.parseResponse(Nip46Codec.toJson(r));
        if (!again.equals(r)) {
          throw new AssertionError("response round trip: " + r + " -> " + again);
        }
      }
    } catch (Nip46FormatException expected) {
      // the declared rejection
    }
  }

  static List<byte[]> seeds() {
    List<byte[]> seeds = new ArrayList<>();
    String peer = "\"" + Seeds.OTHER + "\"";
    String template =
        "{\\\"kind\\\":1,\\\"content\\\":\\\"hello\\\",\\\"tags\\\":[[\\\"t\\\",\\\"x\\\"]],"
            + "\\\"created_at\\\":1700000000}";
    for (String r :
        List.of(
            "{\"id\":\"1\",\"method\":\"connect\",\"params\":[\""
                + Seeds.PUBKEY
                + "\",\"secret\","
                + "\"sign_event:1,sign_event:7,nip44_encrypt,nip44_decrypt,get_public_key\"]}",
            "{\"id\":\"2\",\"method\":\"connect\",\"params\":[\""
                + Seeds.PUBKEY
                + "\",\"\",\"\",\"{\\\"name\\\":\\\"a\\\"}\"]}",
            "{\"id\":\"3\",\"method\":\"get_public_key\",\"params\":[]}",
            "{\"id\":\"4\",\"method\":\"sign_event\",\"params\":[\"" + template + "\"]}",
            "{\"id\":\"5\",\"method\":\"ping\"}",
            "{\"id\":\"6\",\"method\":\"nip04_encrypt\",\"params\":[" + peer + ",\"hi\"]}",
            "{\"id\":\"7\",\"method\":\"nip04_decrypt\",\"params\":["
                + peer
                + ",\"Fzw6cFEqiejJ1SEgwcSCgw==?iv=rjZ+8t1vdQ7xWhLkMACf1Q==\"]}",
            "{\"id\":\"8\",\"method\":\"nip44_encrypt\",\"params\":[" + peer + ",\"hi\"]}",
            "{\"id\":\"9\",\"method\":\"nip44_decrypt\",\"params\":["
                + peer
                + ",\"AgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB\"]}",
            "{\"id\":\"a\",\"method\":\"switch_relays\",\"params\":[]}",
            "{\"id\":\"b\",\"method\":\"logout\",\"params\":[]}",
            "{\"id\":\"c\",\"method\":\"get_relays\",\"params\":[\"x\",\"y\"]}")) {
      seeds.add(FuzzInput.seed(0, r));
    }
    for (String r :
        List.of(
            "{\"id\":\"1\",\"result\":\"ack\"}",
            "{\"id\":\"2\",\"result\":\"\",\"error\":\"denied\"}",
            "{\"id\":\"3\",\"result\":\"auth_url\",\"error\":\"https://example.com/auth\"}",
            "{\"id\":\"4\",\"result\":\"" + Seeds.PUBKEY + "\"}",
            "{\"id\":\"5\",\"result\":\"pong\",\"error\":null}")) {
      seeds.add(FuzzInput.seed(1, r));
    }
    return seeds;
  }
}
