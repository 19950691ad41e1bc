package dev.keycast.nip46.fuzz;

import dev.keycast.crypto.SignedEvent;
import dev.keycast.crypto.fuzz.FuzzInput;
import dev.keycast.crypto.fuzz.FuzzTarget;
import dev.keycast.nip46.EventJson;
import dev.keycast.nip46.EventTemplate;
import dev.keycast.nip46.NostrFormatException;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzz target for {@link EventJson#parse} (even modes) and {@link EventJson#parseTemplate} (odd
 * modes): only {@link NostrFormatException} escapes, and what parses is written and parsed again to
 * an equal event or template.
 */
public final class EventJsonFuzzer {
  private EventJsonFuzzer() {}

  /**
   * Called once by Jazzer before fuzzing: see {@link FuzzTarget#warmUp}.
   *
   * @throws Exception if a seed fails, which is a finding
   */
  public static void fuzzerInitialize() throws Exception {
    FuzzTarget.warmUp(seeds(), EventJsonFuzzer::fuzzerTestOneInput);
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
        SignedEvent e = EventJson.parse(in.text());
        SignedEvent again = EventJson.parse(EventJson.toJson(e));
        if (!again.equals(e)) {
          throw new AssertionError("event round trip: " + e + " -> " + again);
        }
      } else {
        EventTemplate t = EventJson.parseTemplate(in.text());
        EventTemplate again = EventJson.parseTemplate(t.toJson());
        if (!again.equals(t)) {
          throw new AssertionError("template round trip: " + t + " -> " + again);
        }
      }
    } catch (NostrFormatException expected) {
      // the declared rejection
    }
  }

  static List<byte[]> seeds() {
    List<byte[]> seeds = new ArrayList<>();
    for (String event : Seeds.events(60)) {
      seeds.add(FuzzInput.seed(0, event));
      seeds.add(FuzzInput.seed(1, event));
    }
    seeds.add(
        FuzzInput.seed(
            1,
            "{\"kind\":1,\"content\":\"hi\",\"tags\":[[\"p\",\""
                + Seeds.OTHER
                + "\"]],\"created_at\":1700000000}"));
    seeds.add(
        FuzzInput.seed(1, "{\"kind\":65535,\"content\":\"\",\"created_at\":0,\"pubkey\":\"x\"}"));
    return seeds;
  }
}
