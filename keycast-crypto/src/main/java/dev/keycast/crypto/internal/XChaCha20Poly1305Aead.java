package dev.keycast.crypto.internal;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.XChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha: HChaCha20 subkey, then RFC 8439 ChaCha20-Poly1305)
 * over Bouncy Castle's lightweight engine. Not API, may change at any time.
 *
 * <p>Thread-safety: stateless static methods (a fresh cipher per call), safe for concurrent use;
 * never blocks.
 */
public final class XChaCha20Poly1305Aead {
  /** Key size in bytes. */
  public static final int KEY_BYTES = 32;

  /** Nonce size in bytes. */
  public static final int NONCE_BYTES = 24;

  /** Poly1305 tag size in bytes. */
  public static final int TAG_BYTES = 16;

  private XChaCha20Poly1305Aead() {}

  /**
   * Encrypts and authenticates.
   *
   * @param key 32-byte key
   * @param nonce 24-byte nonce, never reused with the same key
   * @param aad associated data (authenticated, not encrypted)
   * @param plaintext the plaintext
   * @return ciphertext followed by the 16-byte tag
   * @throws IllegalArgumentException if the key or nonce has the wrong length
   */
  public static byte[] seal(byte[] key, byte[] nonce, byte[] aad, byte[] plaintext) {
    XChaCha20Poly1305 cipher = init(true, key, nonce, aad);
    byte[] out = new byte[cipher.getOutputSize(plaintext.length)];
    int n = cipher.processBytes(plaintext, 0, plaintext.length, out, 0);
    try {
      cipher.doFinal(out, n);
    } catch (InvalidCipherTextException e) {
      throw new IllegalStateException("encryption cannot fail authentication", e);
    }
    return out;
  }

  /**
   * Verifies and decrypts.
   *
   * @param key 32-byte key
   * @param nonce 24-byte nonce
   * @param aad associated data
   * @param sealed ciphertext followed by the 16-byte tag
   * @return the plaintext
   * @throws GeneralSecurityException ({@link AEADBadTagException}) if the tag does not verify
   * @throws IllegalArgumentException if the key or nonce has the wrong length
   */
  public static byte[] open(byte[] key, byte[] nonce, byte[] aad, byte[] sealed)
      throws GeneralSecurityException {
    if (sealed.length < TAG_BYTES) {
      throw new AEADBadTagException("ciphertext shorter than the tag");
    }
    XChaCha20Poly1305 cipher = init(false, key, nonce, aad);
    byte[] out = new byte[cipher.getOutputSize(sealed.length)];
    int n = cipher.processBytes(sealed, 0, sealed.length, out, 0);
    try {
      cipher.doFinal(out, n);
    } catch (InvalidCipherTextException e) {
      java.util.Arrays.fill(out, (byte) 0);
      throw new AEADBadTagException("authentication tag mismatch");
    }
    return out;
  }

  private static XChaCha20Poly1305 init(boolean encrypt, byte[] key, byte[] nonce, byte[] aad) {
    if (key.length != KEY_BYTES) {
      throw new IllegalArgumentException("key must be " + KEY_BYTES + " bytes, got " + key.length);
    }
    if (nonce.length != NONCE_BYTES) {
      throw new IllegalArgumentException(
          "nonce must be " + NONCE_BYTES + " bytes, got " + nonce.length);
    }
    XChaCha20Poly1305 cipher = new XChaCha20Poly1305();
    cipher.init(encrypt, new AEADParameters(new KeyParameter(key), TAG_BYTES * 8, nonce, aad));
    return cipher;
  }
}
