package dev.keycast.crypto.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keycast.crypto.Nip19;
import dev.keycast.crypto.Nip19FormatException;
import dev.keycast.crypto.Nip49;
import dev.keycast.crypto.SecretKey;
import dev.keycast.crypto.internal.Bech32;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzz target for {@link Nip49#decrypt}: only {@link GeneralSecurityException} and {@link
 * Nip19FormatException} escape, and what decrypts encrypts again to a string that decrypts to the
 * same key.
 *
 * <p>Bit 0 of the mode picks raw text (0) or bech32-encoding the payload bytes as {@code ncryptsec}
 * (1), which gets past the checksum to the length, version, logN and AEAD checks. The other bits
 * pick the password from the vector passwords. scrypt's cost doubles with each logN step by design
 * (logN 22 takes 4 GiB and seconds), so the harness keeps logN at or below {@value
 * #MAX_FUZZ_LOG_N}: it skips such raw inputs and folds such encoded ones down. Out-of-range values
 * (0, 23 and up) still reach the parser.
 */
public final class Nip49DecryptFuzzer {
  static final int MAX_FUZZ_LOG_N = 8;
  private static final List<String> PASSWORDS = passwords();

  private Nip49DecryptFuzzer() {}

  /**
   * Called once by Jazzer before fuzzing: see {@link FuzzTarget#warmUp}.
   *
   * @throws Exception if a seed fails, which is a finding
   */
  public static void fuzzerInitialize() throws Exception {
    FuzzTarget.warmUp(seeds(), Nip49DecryptFuzzer::fuzzerTestOneInput);
  }

  /**
   * One fuzz input.
   *
   * @param input mode byte and payload
   * @throws GeneralSecurityException never from the parser's declared rejections (those are
   *     caught); only if re-encrypting a decrypted key fails to decrypt, which is a finding
   */
  public static void fuzzerTestOneInput(byte[] input) throws GeneralSecurityException {
    FuzzInput in = FuzzInput.of(input);
    char[] password = PASSWORDS.get((in.mode() >> 1) % PASSWORDS.size()).toCharArray();
    String text;
    if ((in.mode() & 1) == 0) {
      text = in.text();
      if (tooCostly(text)) {
        return;
      }
    } else {
      byte[] data = in.payload();
      if (data.length > 1
          && (data[1] & 0xff) > MAX_FUZZ_LOG_N
          && (data[1] & 0xff) <= Nip49.MAX_LOG_N) {
        data[1] = (byte) (1 + (data[1] & 0xff) % MAX_FUZZ_LOG_N);
      }
      try {
        text = Bech32.encode("ncryptsec", data, Nip19.MAX_LENGTH);
      } catch (Nip19FormatException tooLong) {
        return; // the harness's own encoding, not the parser under test
      }
    }
    SecretKey key;
    try {
      key = Nip49.decrypt(text, password);
    } catch (GeneralSecurityException | Nip19FormatException expected) {
      return;
    }
    String again = Nip49.encrypt(key, password, 1, Nip49.KEY_SECURITY_UNKNOWN);
    if (!Nip49.decrypt(again, password).equals(key)) {
      throw new AssertionError("NIP-49 round trip changed the key");
    }
  }

  private static boolean tooCostly(String text) {
    try {
      byte[] b = Bech32.decode(text, Nip19.MAX_LENGTH).data();
      return b.length > 1 && (b[1] & 0xff) > MAX_FUZZ_LOG_N && (b[1] & 0xff) <= Nip49.MAX_LOG_N;
    } catch (Nip19FormatException notBech32) {
      return false; // the parser must reject it the same way
    }
  }

  private static List<String> passwords() {
    List<String> passwords = new ArrayList<>();
    for (JsonNode c : Vectors.json("fixtures/nostr-tools/nip49.json").get("cases")) {
      passwords.add(c.get("password").textValue());
    }
    for (JsonNode v : Vectors.json("vectors/nip49-vectors.json")) {
      passwords.add(v.get(0).textValue());
    }
    return passwords;
  }

  static List<byte[]> seeds() {
    List<byte[]> seeds = new ArrayList<>();
    int i = 0;
    for (JsonNode c : Vectors.json("fixtures/nostr-tools/nip49.json").get("cases")) {
      seeds.add(FuzzInput.seed((i++ << 1) & 0xff, c.get("ncryptsec").textValue()));
    }
    for (JsonNode v : Vectors.json("vectors/nip49-vectors.json")) {
      seeds.add(FuzzInput.seed((i++ << 1) & 0xff, v.get(4).textValue()));
    }
    JsonNode firstVector = Vectors.json("vectors/nip49-vectors.json").get(0);
    int firstVectorPassword = PASSWORDS.indexOf(firstVector.get(0).textValue());
    seeds.add(
        FuzzInput.seed(
            (firstVectorPassword << 1) | 1,
            Bech32.decode(firstVector.get(4).textValue(), Nip19.MAX_LENGTH).data()));
    return seeds;
  }
}
