package dev.keycast.crypto.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keycast.crypto.InsecureSecretKeyAccess;
import dev.keycast.crypto.Nip19;
import dev.keycast.crypto.Nip19Entity;
import dev.keycast.crypto.Nip19FormatException;
import dev.keycast.crypto.Nip19Profile;
import dev.keycast.crypto.internal.Bech32;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzz target for {@link Nip19#decode(String)}: only {@link Nip19FormatException} escapes, and what
 * decodes re-encodes to the same entity.
 *
 * <p>Even modes decode the payload as text. Odd modes bech32-encode the payload bytes under a
 * prefix picked by the mode (so the checksum is right and the fuzzer reaches the length and TLV
 * checks behind it), then decode that.
 */
public final class Nip19Fuzzer {
  private static final String[] PREFIXES = {
    "npub", "nsec", "note", "nprofile", "nevent", "naddr", "ncryptsec", "x"
  };

  private Nip19Fuzzer() {}

  /**
   * Called once by Jazzer before fuzzing: see {@link FuzzTarget#warmUp}.
   *
   * @throws Exception if a seed fails, which is a finding
   */
  public static void fuzzerInitialize() throws Exception {
    FuzzTarget.warmUp(seeds(), Nip19Fuzzer::fuzzerTestOneInput);
  }

  /**
   * One fuzz input.
   *
   * @param input mode byte and payload
   */
  public static void fuzzerTestOneInput(byte[] input) {
    FuzzInput in = FuzzInput.of(input);
    String text;
    if ((in.mode() & 1) == 0) {
      text = in.text();
    } else {
      try {
        text =
            Bech32.encode(
                PREFIXES[(in.mode() >> 1) % PREFIXES.length], in.payload(), Nip19.MAX_LENGTH);
      } catch (Nip19FormatException tooLong) {
        return; // the harness's own encoding, not the parser under test
      }
    }
    Nip19Entity entity;
    try {
      entity = Nip19.decode(text);
    } catch (Nip19FormatException expected) {
      return;
    }
    Nip19Entity again = Nip19.decode(encode(entity));
    if (!again.equals(entity)) {
      throw new AssertionError("NIP-19 round trip changed the entity: " + entity + " -> " + again);
    }
  }

  private static String encode(Nip19Entity entity) {
    return switch (entity) {
      case Nip19Entity.Npub n -> Nip19.encodeNpub(n.publicKey());
      case Nip19Entity.Nsec n -> Nip19.encodeNsec(n.secretKey(), InsecureSecretKeyAccess.get());
      case Nip19Entity.Note n -> Nip19.encodeNote(n.eventIdHex());
      case Nip19Profile p -> Nip19.encodeNprofile(p);
    };
  }

  static List<byte[]> seeds() {
    List<byte[]> seeds = new ArrayList<>();
    JsonNode root = Vectors.json("fixtures/nostr-tools/nip19.json");
    for (String group : List.of("npub", "nsec", "note", "nprofile", "invalid")) {
      for (JsonNode c : root.get(group)) {
        seeds.add(
            FuzzInput.seed(
                0, c.has("bech32") ? c.get("bech32").textValue() : c.get("string").textValue()));
      }
    }
    for (JsonNode v : Vectors.json("vectors/nip49-vectors.json")) {
      seeds.add(FuzzInput.seed(0, v.get(4).textValue()));
    }
    seeds.add(FuzzInput.seed(3, new byte[32]));
    seeds.add(
        FuzzInput.seed(
            7,
            new byte[] {
              0, 32, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
              23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 1, 5, 'w', 's', ':', '/', '/'
            }));
    return seeds;
  }
}
