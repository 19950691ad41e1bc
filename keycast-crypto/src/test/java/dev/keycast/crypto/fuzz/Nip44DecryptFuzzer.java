package dev.keycast.crypto.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keycast.crypto.Nip44Cipher;
import dev.keycast.crypto.Nip44ConversationKey;
import dev.keycast.crypto.Nip44TestSupport;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Fuzz target for {@link Nip44Cipher#decrypt}: only {@link GeneralSecurityException} escapes,
 * whatever the payload.
 *
 * <p>Even modes pass the payload text as it is (it almost never gets past the MAC). Odd modes read
 * the payload as {@code nonce(32) ‖ padded plaintext} and seal it here with a correct MAC under a
 * fixed conversation key, so the fuzzer controls the bytes that the length prefix and padding
 * checks read. What decrypts is encrypted again with the same nonce and must decrypt to the same
 * text.
 */
public final class Nip44DecryptFuzzer {
  /**
   * The conversation key of the first {@code valid.encrypt_decrypt} vector (sec1 = 1, sec2 = 2).
   */
  static final String KEY_HEX = "c41c775356fd92eadc63ff5a0dc1da211b268cbea22316767095b2871ea1412d";

  private static final Nip44ConversationKey KEY =
      Nip44ConversationKey.fromBytes(HexFormat.of().parseHex(KEY_HEX));

  private Nip44DecryptFuzzer() {}

  /**
   * Called once by Jazzer before fuzzing: see {@link FuzzTarget#warmUp}.
   *
   * @throws Exception if a seed fails, which is a finding
   */
  public static void fuzzerInitialize() throws Exception {
    FuzzTarget.warmUp(seeds(), Nip44DecryptFuzzer::fuzzerTestOneInput);
  }

  /**
   * One fuzz input.
   *
   * @param input mode byte and payload
   * @throws GeneralSecurityException never from the parser's declared rejections (those are
   *     caught); only if the harness's own JDK ChaCha20 or HMAC fails
   */
  public static void fuzzerTestOneInput(byte[] input) throws GeneralSecurityException {
    FuzzInput in = FuzzInput.of(input);
    String payload = (in.mode() & 1) == 0 ? in.text() : seal(in.payload());
    String plaintext;
    try {
      plaintext = Nip44Cipher.decrypt(payload, KEY);
    } catch (GeneralSecurityException expected) {
      return;
    }
    byte[] nonce = Arrays.copyOfRange(Base64.getDecoder().decode(payload), 1, 33);
    String again;
    try {
      again = Nip44Cipher.decrypt(Nip44Cipher.encrypt(plaintext, KEY, nonce), KEY);
    } catch (GeneralSecurityException e) {
      throw new AssertionError("re-encrypted plaintext does not decrypt", e);
    }
    if (!again.equals(plaintext)) {
      throw new AssertionError("NIP-44 round trip changed the plaintext");
    }
  }

  /**
   * {@code 0x02 ‖ nonce ‖ ChaCha20(padded) ‖ HMAC}, as NIP-44 v2 builds it, from fuzzer-chosen
   * nonce and padded.
   */
  static String seal(byte[] nonceAndPadded) throws GeneralSecurityException {
    byte[] nonce = Arrays.copyOf(nonceAndPadded, 32);
    byte[] padded =
        nonceAndPadded.length > 32
            ? Arrays.copyOfRange(nonceAndPadded, 32, nonceAndPadded.length)
            : new byte[0];
    return Nip44TestSupport.encryptPadded(padded, KEY, nonce);
  }

  /** NIP-44 {@code calc_padded_len}, for building well-padded seeds (short plaintexts only). */
  private static int paddedLength(int length) {
    if (length <= 32) {
      return 32;
    }
    int nextPower = Integer.highestOneBit(length - 1) << 1;
    int chunk = nextPower <= 256 ? 32 : nextPower / 8;
    return chunk * ((length - 1) / chunk + 1);
  }

  static List<byte[]> seeds() {
    List<byte[]> seeds = new ArrayList<>();
    JsonNode v2 = Vectors.json("vectors/nip44.vectors.json").get("v2");
    for (JsonNode c : v2.get("valid").get("encrypt_decrypt")) {
      seeds.add(FuzzInput.seed(0, c.get("payload").textValue()));
    }
    for (JsonNode c : v2.get("invalid").get("decrypt")) {
      seeds.add(FuzzInput.seed(0, c.get("payload").textValue()));
    }
    byte[] nonce = new byte[32];
    nonce[31] = 1;
    for (String text : List.of("a", "hello", "x".repeat(33), "é€😀")) {
      seeds.add(FuzzInput.seed(0, Nip44Cipher.encrypt(text, KEY, nonce)));
      byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
      byte[] padded = new byte[2 + paddedLength(utf8.length)];
      padded[0] = (byte) (utf8.length >> 8);
      padded[1] = (byte) utf8.length;
      System.arraycopy(utf8, 0, padded, 2, utf8.length);
      byte[] structured = new byte[32 + padded.length];
      System.arraycopy(nonce, 0, structured, 0, 32);
      System.arraycopy(padded, 0, structured, 32, padded.length);
      seeds.add(FuzzInput.seed(1, structured));
    }
    return seeds;
  }
}
