package dev.keycast.nip46.store;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The default {@link KeyEncryption}: AES-256-GCM (JDK provider) under a {@link MasterKey}.
 *
 * <p>Ciphertext layout: {@code 0x01 (version) ‖ nonce (12 random bytes) ‖ AES-GCM ciphertext ‖ tag
 * (16)}; the associated data is {@code "keycast:" + associatedData} in UTF-8, so a ciphertext only
 * decrypts for the row it was written for.
 *
 * <h2>Security guarantees</h2>
 *
 * Confidentiality and integrity of stored secrets against anyone holding the database but not the
 * master key file. With random 96-bit nonces one master key can safely encrypt well over 2^32
 * secrets. It does not protect against an attacker who can read the master key file or the process
 * memory.
 *
 * <p>Thread-safe (a new {@link Cipher} per call); never blocks.
 */
public final class AesGcmKeyEncryption implements KeyEncryption {
  private static final byte VERSION = 1;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;
  private final String schemeId;

  private AesGcmKeyEncryption(MasterKey masterKey) {
    this.key = new SecretKeySpec(masterKey.bytes(), "AES");
    this.schemeId = "aes256gcm-v1";
  }

  /**
   * Creates the scheme under a master key.
   *
   * @param masterKey the master key
   * @return the key encryption
   */
  public static AesGcmKeyEncryption create(MasterKey masterKey) {
    return new AesGcmKeyEncryption(masterKey);
  }

  @Override
  public String schemeId() {
    return schemeId;
  }

  @Override
  public byte[] encrypt(byte[] plaintext, String associatedData) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(aad(associatedData));
      byte[] ct = cipher.doFinal(plaintext);
      byte[] out = new byte[1 + NONCE_BYTES + ct.length];
      out[0] = VERSION;
      System.arraycopy(nonce, 0, out, 1, NONCE_BYTES);
      System.arraycopy(ct, 0, out, 1 + NONCE_BYTES, ct.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new KeyEncryptionException(
          "AES-GCM encryption failed: " + e.getClass().getSimpleName(), e);
    }
  }

  @Override
  public byte[] decrypt(byte[] ciphertext, String associatedData) {
    if (ciphertext.length < 1 + NONCE_BYTES + TAG_BITS / 8 || ciphertext[0] != VERSION) {
      throw new KeyEncryptionException("stored ciphertext is malformed or of an unknown version");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, ciphertext, 1, NONCE_BYTES));
      cipher.updateAAD(aad(associatedData));
      return cipher.doFinal(ciphertext, 1 + NONCE_BYTES, ciphertext.length - 1 - NONCE_BYTES);
    } catch (GeneralSecurityException e) {
      throw new KeyEncryptionException(
          "stored key does not decrypt under this master key (wrong master key or modified data)",
          e);
    }
  }

  private static byte[] aad(String associatedData) {
    return ("keycast:" + associatedData).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "AesGcmKeyEncryption[" + schemeId + "]";
  }
}
