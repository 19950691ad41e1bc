package dev.keycast.crypto;

import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Builds NIP-44 payloads from arbitrary padded plaintexts (valid MAC), to test the padding checks;
 * public for the {@code nip44-decrypt} fuzz target.
 */
public final class Nip44TestSupport {
  private Nip44TestSupport() {}

  /**
   * Seals a padded plaintext as NIP-44 v2 does, whatever its length prefix and padding say.
   *
   * @param padded the padded plaintext
   * @param key the conversation key
   * @param nonce the 32-byte nonce
   * @return the base64 payload
   * @throws java.security.GeneralSecurityException if the JDK's ChaCha20 or HMAC fails
   */
  public static String encryptPadded(byte[] padded, Nip44ConversationKey key, byte[] nonce)
      throws java.security.GeneralSecurityException {
    byte[] keys = Nip44Cipher.messageKeys(key.bytes(), nonce);
    Cipher c = Cipher.getInstance("ChaCha20");
    c.init(
        Cipher.ENCRYPT_MODE,
        new SecretKeySpec(keys, 0, 32, "ChaCha20"),
        new ChaCha20ParameterSpec(Arrays.copyOfRange(keys, 32, 44), 0));
    byte[] ct = c.doFinal(padded);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Arrays.copyOfRange(keys, 44, 76), "HmacSHA256"));
    mac.update(nonce);
    byte[] tag = mac.doFinal(ct);
    byte[] raw = new byte[1 + 32 + ct.length + 32];
    raw[0] = 2;
    System.arraycopy(nonce, 0, raw, 1, 32);
    System.arraycopy(ct, 0, raw, 33, ct.length);
    System.arraycopy(tag, 0, raw, 33 + ct.length, 32);
    return Base64.getEncoder().encodeToString(raw);
  }
}
