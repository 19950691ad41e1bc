package dev.keycast.crypto;

import dev.keycast.crypto.internal.Backends;
import dev.keycast.crypto.internal.Bytes;
import dev.keycast.crypto.internal.Randomness;
import dev.keycast.crypto.internal.Secp256k1;
import dev.keycast.crypto.internal.Utf8;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * NIP-04 legacy encryption: AES-256-CBC with PKCS#7 padding, key = the raw (unhashed) 32-byte ECDH
 * shared x, random 16-byte IV; content {@code base64(ciphertext) + "?iv=" + base64(iv)}.
 *
 * <p>Supported because some NIP-46 clients still send it; prefer {@link Nip44Cipher}.
 *
 * <p>Thread-safety: stateless static methods, safe from any thread. CPU-bound (one ECDH plus AES),
 * never blocks on I/O.
 *
 * <p>Security guarantees: confidentiality only. NIP-04 has no MAC: ciphertexts are malleable and a
 * padding error is observable, so use it only inside signed events and never report decryption
 * errors in detail to peers.
 */
public final class Nip04Cipher {
  private static final String SEPARATOR = "?iv=";
  private static final byte[] SIV_LABEL = "keycast/nip04/siv".getBytes(StandardCharsets.US_ASCII);

  private Nip04Cipher() {}

  /**
   * Encrypts {@code plaintext} (UTF-8, lone surrogates as U+FFFD) for {@code theirs}.
   *
   * @param plaintext any text, may be empty
   * @param ours our secret key
   * @param theirs their public key
   * @return {@code base64(ct)?iv=base64(iv)}
   * @throws InvalidKeyException if ECDH fails (not reachable with validated keys)
   */
  public static String encrypt(String plaintext, SecretKey ours, PublicKey theirs)
      throws InvalidKeyException {
    return encrypt(Backends.active(), plaintext, ours, theirs, Randomness.bytes(16));
  }

  /**
   * Encrypts with a synthetic IV: the first 16 bytes of {@code HMAC-SHA256(shared secret,
   * "keycast/nip04/siv" ‖ u32(len(context)) ‖ context ‖ UTF-8(plaintext))}. Deterministic: the same
   * keys, context and plaintext give the same content (see {@link Nip44Cipher#encryptSynthetic});
   * different plaintexts or contexts give different IVs.
   *
   * @param plaintext any text, may be empty
   * @param ours our secret key
   * @param theirs their public key
   * @param context bytes that scope the determinism (for example a request id); may be empty
   * @return {@code base64(ct)?iv=base64(iv)}
   * @throws InvalidKeyException if ECDH fails (not reachable with validated keys)
   */
  public static String encryptSynthetic(
      String plaintext, SecretKey ours, PublicKey theirs, byte[] context)
      throws InvalidKeyException {
    Secp256k1 backend = Backends.active();
    byte[] key = Ecdh.sharedX(backend, ours, theirs);
    byte[] utf8 = Utf8.encode(plaintext);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update(SIV_LABEL);
      mac.update(Bytes.u32(context.length));
      mac.update(context);
      mac.update(utf8);
      return encrypt(backend, plaintext, ours, theirs, Arrays.copyOf(mac.doFinal(), 16));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JDK HmacSHA256 failed", e);
    } finally {
      Arrays.fill(key, (byte) 0);
      Arrays.fill(utf8, (byte) 0);
    }
  }

  static String encrypt(
      Secp256k1 backend, String plaintext, SecretKey ours, PublicKey theirs, byte[] iv)
      throws InvalidKeyException {
    byte[] key = Ecdh.sharedX(backend, ours, theirs);
    byte[] utf8 = Utf8.encode(plaintext);
    try {
      byte[] ct = aes(Cipher.ENCRYPT_MODE, key, iv).doFinal(utf8);
      Base64.Encoder b64 = Base64.getEncoder();
      return b64.encodeToString(ct) + SEPARATOR + b64.encodeToString(iv);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JDK AES/CBC failed", e);
    } finally {
      Arrays.fill(key, (byte) 0);
      Arrays.fill(utf8, (byte) 0);
    }
  }

  /**
   * Decrypts NIP-04 content sent by {@code theirs} to us (or by us to them).
   *
   * @param content {@code base64(ct)?iv=base64(iv)}
   * @param ours our secret key
   * @param theirs their public key
   * @return the plaintext (invalid UTF-8 decodes to U+FFFD)
   * @throws GeneralSecurityException if the content is malformed (no single {@code ?iv=}, bad
   *     base64, IV not 16 bytes, ciphertext empty or not a multiple of 16 bytes) or the padding is
   *     wrong ({@link javax.crypto.BadPaddingException}); {@link InvalidKeyException} if ECDH fails
   */
  public static String decrypt(String content, SecretKey ours, PublicKey theirs)
      throws GeneralSecurityException {
    return decrypt(Backends.active(), content, ours, theirs);
  }

  static String decrypt(Secp256k1 backend, String content, SecretKey ours, PublicKey theirs)
      throws GeneralSecurityException {
    int sep = content.indexOf(SEPARATOR);
    if (sep < 0 || content.indexOf(SEPARATOR, sep + 1) >= 0) {
      throw new GeneralSecurityException("invalid NIP-04 content: expected exactly one ?iv=");
    }
    byte[] ct;
    byte[] iv;
    try {
      Base64.Decoder b64 = Base64.getDecoder();
      ct = b64.decode(content.substring(0, sep));
      iv = b64.decode(content.substring(sep + SEPARATOR.length()));
    } catch (IllegalArgumentException e) {
      throw new GeneralSecurityException("invalid NIP-04 content: not base64");
    }
    if (iv.length != 16) {
      throw new GeneralSecurityException("invalid NIP-04 IV length: " + iv.length + " bytes");
    }
    if (ct.length == 0 || ct.length % 16 != 0) {
      throw new GeneralSecurityException(
          "invalid NIP-04 ciphertext length: " + ct.length + " bytes");
    }
    byte[] key = Ecdh.sharedX(backend, ours, theirs);
    try {
      byte[] pt = aes(Cipher.DECRYPT_MODE, key, iv).doFinal(ct);
      try {
        return new String(pt, StandardCharsets.UTF_8);
      } finally {
        Arrays.fill(pt, (byte) 0);
      }
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /**
   * Whether {@code content} looks like NIP-04 (contains {@code ?iv=}) rather than NIP-44. Never
   * blocks.
   *
   * @param content event content
   * @return true if it contains {@code ?iv=}
   */
  public static boolean looksLikeNip04(String content) {
    return content.contains(SEPARATOR);
  }

  private static Cipher aes(int mode, byte[] key, byte[] iv) throws GeneralSecurityException {
    Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
    c.init(mode, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
    return c;
  }
}
