package dev.keycast.nip46.fuzz;

import dev.keycast.crypto.fuzz.FuzzInput;
import dev.keycast.crypto.fuzz.FuzzTarget;
import dev.keycast.nip46.ClientMessage;
import dev.keycast.nip46.NostrFormatException;
import dev.keycast.nip46.RelayMessage;
import dev.keycast.nip46.RelayMessages;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzz target for {@link RelayMessages#parseRelayMessage} (even modes: what a relay sends Keycast)
 * and {@link RelayMessages#parseClientMessage} (odd modes: what clients send the dev relay): only
 * {@link NostrFormatException} escapes, and what parses is written and parsed again to an equal
 * message.
 */
public final class RelayMessagesFuzzer {
  private RelayMessagesFuzzer() {}

  /**
   * Called once by Jazzer before fuzzing: see {@link FuzzTarget#warmUp}.
   *
   * @throws Exception if a seed fails, which is a finding
   */
  public static void fuzzerInitialize() throws Exception {
    FuzzTarget.warmUp(seeds(), RelayMessagesFuzzer::fuzzerTestOneInput);
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
        RelayMessage m = RelayMessages.parseRelayMessage(in.text());
        RelayMessage again = RelayMessages.parseRelayMessage(RelayMessages.toJson(m));
        if (!again.equals(m)) {
          throw new AssertionError("relay message round trip: " + m + " -> " + again);
        }
      } else {
        ClientMessage m = RelayMessages.parseClientMessage(in.text());
        ClientMessage again = RelayMessages.parseClientMessage(RelayMessages.toJson(m));
        if (!again.equals(m)) {
          throw new AssertionError("client message round trip: " + m + " -> " + again);
        }
      }
    } catch (NostrFormatException expected) {
      // the declared rejection; a round-trip failure is an AssertionError, not this
    }
  }

  static List<byte[]> seeds() {
    List<byte[]> seeds = new ArrayList<>();
    for (String event : Seeds.events(40)) {
      seeds.add(FuzzInput.seed(0, "[\"EVENT\",\"sub1\"," + event + "]"));
      seeds.add(FuzzInput.seed(1, "[\"EVENT\"," + event + "]"));
    }
    String id = "a".repeat(64);
    for (String m :
        List.of(
            "[\"OK\",\"" + id + "\",true,\"\"]",
            "[\"OK\",\"" + id + "\",false,\"blocked: spam\"]",
            "[\"EOSE\",\"sub1\"]",
            "[\"CLOSED\",\"sub1\",\"auth-required: x\"]",
            "[\"NOTICE\",\"slow down \\u00e9\"]",
            "[\"AUTH\",\"challenge\"]")) {
      seeds.add(FuzzInput.seed(0, m));
    }
    for (String m :
        List.of(
            "[\"REQ\",\"s\",{\"kinds\":[24133],\"#p\":[\""
                + Seeds.PUBKEY
                + "\"],\"since\":1700000000}]",
            "[\"REQ\",\"s\",{\"ids\":[\""
                + id
                + "\"],\"authors\":[\""
                + Seeds.OTHER
                + "\"],\"limit\":10,\"until\":5},"
                + "{\"#e\":[\"x\"]}]",
            "[\"CLOSE\",\"s\"]")) {
      seeds.add(FuzzInput.seed(1, m));
    }
    return seeds;
  }
}
