package dev.keycast.crypto.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keycast.crypto.Nip04Cipher;
import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SecretKey;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Fuzz target for {@link Nip04Cipher#decrypt}: only {@link GeneralSecurityException} escapes,
 * whatever the content.
 *
 * <p>Even modes pass the payload text as it is. Odd modes read the payload as {@code iv(16) ‖
 * ciphertext} and write it as {@code base64(ct)?iv=base64(iv)}, so the fuzzer reaches the length
 * and padding checks. Keys are those of the first nostr-tools fixture case; what decrypts is
 * encrypted again and must decrypt to the same text.
 */
public final class Nip04DecryptFuzzer {
  private static final SecretKey OURS;
  private static final PublicKey THEIRS;

  static {
    JsonNode first = Vectors.json("fixtures/nostr-tools/nip04.json").get("cases").get(0);
    try {
      OURS = SecretKey.fromHex(first.get("sec1").textValue());
      THEIRS = PublicKey.fromHex(first.get("pub2").textValue());
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private Nip04DecryptFuzzer() {}

  /**
   * Called once by Jazzer before fuzzing: see {@link FuzzTarget#warmUp}.
   *
   * @throws Exception if a seed fails, which is a finding
   */
  public static void fuzzerInitialize() throws Exception {
    FuzzTarget.warmUp(seeds(), Nip04DecryptFuzzer::fuzzerTestOneInput);
  }

  /**
   * One fuzz input.
   *
   * @param input mode byte and payload
   * @throws GeneralSecurityException never from the parser's declared rejections (those are
   *     caught); only if encrypting the decrypted text again fails, which is a finding
   */
  public static void fuzzerTestOneInput(byte[] input) throws GeneralSecurityException {
    FuzzInput in = FuzzInput.of(input);
    String content = in.text();
    if ((in.mode() & 1) == 1) {
      byte[] b = in.payload();
      Base64.Encoder b64 = Base64.getEncoder();
      byte[] iv = Arrays.copyOf(b, Math.min(16, b.length));
      byte[] ct = b.length > 16 ? Arrays.copyOfRange(b, 16, b.length) : new byte[0];
      content = b64.encodeToString(ct) + "?iv=" + b64.encodeToString(iv);
    }
    String plaintext;
    try {
      plaintext = Nip04Cipher.decrypt(content, OURS, THEIRS);
    } catch (GeneralSecurityException expected) {
      return;
    }
    String again = Nip04Cipher.decrypt(Nip04Cipher.encrypt(plaintext, OURS, THEIRS), OURS, THEIRS);
    if (!again.equals(plaintext)) {
      throw new AssertionError("NIP-04 round trip changed the plaintext");
    }
  }

  static List<byte[]> seeds() {
    List<byte[]> seeds = new ArrayList<>();
    for (JsonNode c : Vectors.json("fixtures/nostr-tools/nip04.json").get("cases")) {
      String payload = c.get("payload").textValue();
      seeds.add(FuzzInput.seed(0, payload));
      if (seeds.size() == 1) {
        int sep = payload.indexOf("?iv=");
        Base64.Decoder b64 = Base64.getDecoder();
        byte[] ct = b64.decode(payload.substring(0, sep));
        byte[] iv = b64.decode(payload.substring(sep + 4));
        byte[] structured = Arrays.copyOf(iv, 16 + ct.length);
        System.arraycopy(ct, 0, structured, 16, ct.length);
        seeds.add(FuzzInput.seed(1, structured));
      }
    }
    return seeds;
  }
}
