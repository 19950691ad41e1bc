package dev.keycast.crypto;

import dev.keycast.crypto.Nip19FormatException.Reason;
import dev.keycast.crypto.internal.Bech32;
import dev.keycast.crypto.internal.XChaCha20Poly1305Aead;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Arrays;
import org.bouncycastle.crypto.generators.SCrypt;

/**
 * NIP-49 password-encrypted secret keys ({@code ncryptsec1...}).
 *
 * <p>The password is normalised to Unicode NFKC and encoded as UTF-8 (a lone surrogate becomes
 * U+FFFD, as JavaScript's {@code TextEncoder} does, so passwords behave as in nostr-tools); scrypt
 * (N = 2<sup>logN</sup>, r = 8, p = 1, a random 16-byte salt) derives a 32-byte key;
 * XChaCha20-Poly1305 with a random 24-byte nonce encrypts the 32-byte secret with the one
 * key-security byte as associated data. The result {@code 0x02 ‖ logN ‖ salt ‖ nonce ‖ keySecurity
 * ‖ ciphertext+tag} (91 bytes) is bech32-encoded with the prefix {@code ncryptsec}.
 *
 * <p>Cost: scrypt needs 2<sup>logN</sup> KiB of memory and time to match (logN = 16: 64 MiB, a few
 * hundred milliseconds; each step up doubles both). {@link #decrypt} refuses logN above {@link
 * #MAX_LOG_N} so that a hostile string cannot make it allocate gigabytes. nostr-tools (noble's
 * scrypt, 1 GiB memory cap) decrypts only logN &le; 20: use at most 20 for strings other clients
 * must read.
 *
 * <p>Thread-safety: stateless static methods, safe for concurrent use. Both methods are CPU- and
 * memory-bound and block the calling thread for the whole scrypt computation: call them from a
 * platform worker thread, not from an I/O or carrier thread.
 *
 * <p>Security guarantees: without the password, an {@code ncryptsec} reveals nothing about the key
 * beyond its key-security byte and scrypt cost; any change to it is detected ({@link
 * GeneralSecurityException} on decrypt). The normalised password, its UTF-8 bytes, the derived key
 * and the decrypted secret are wiped after use where the JVM lets us (the NFKC step goes through an
 * immutable {@link String}). The caller owns the {@code char[]} password and should clear it after
 * the call.
 */
public final class Nip49 {
  /**
   * Key-security byte: the key is known to have been handled insecurely (stored or pasted
   * unencrypted).
   */
  public static final byte KEY_SECURITY_INSECURE = 0x00;

  /** Key-security byte: the key is not known to have been handled insecurely. */
  public static final byte KEY_SECURITY_SECURE = 0x01;

  /** Key-security byte: the client does not track this. */
  public static final byte KEY_SECURITY_UNKNOWN = 0x02;

  /** The lowest scrypt cost exponent accepted. */
  public static final int MIN_LOG_N = 1;

  /** The highest scrypt cost exponent accepted (2<sup>22</sup> KiB = 4 GiB of scrypt memory). */
  public static final int MAX_LOG_N = 22;

  private static final String PREFIX = "ncryptsec";
  private static final byte VERSION = 0x02;
  private static final int SALT_BYTES = 16;
  private static final int NONCE_BYTES = XChaCha20Poly1305Aead.NONCE_BYTES;
  private static final int SECRET_BYTES = 32;
  private static final int PAYLOAD_BYTES = 2 + SALT_BYTES + NONCE_BYTES + 1 + SECRET_BYTES + 16;
  private static final byte[] REPLACEMENT_CHARACTER = {(byte) 0xef, (byte) 0xbf, (byte) 0xbd};
  private static final SecureRandom RANDOM = new SecureRandom();

  private Nip49() {}

  /**
   * Encrypts a secret key under a password with a fresh random salt and nonce.
   *
   * @param key the secret key
   * @param password the password (any characters; normalised to NFKC); not modified, the caller
   *     should clear it
   * @param logN the scrypt cost exponent, {@value #MIN_LOG_N}..{@value #MAX_LOG_N} (NIP-49 suggests
   *     16 or more)
   * @param keySecurity {@link #KEY_SECURITY_INSECURE}, {@link #KEY_SECURITY_SECURE} or {@link
   *     #KEY_SECURITY_UNKNOWN}
   * @return the {@code ncryptsec1...} string (162 characters)
   * @throws IllegalArgumentException if {@code logN} or {@code keySecurity} is out of range
   */
  public static String encrypt(SecretKey key, char[] password, int logN, byte keySecurity) {
    byte[] salt = new byte[SALT_BYTES];
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(salt);
    RANDOM.nextBytes(nonce);
    return encrypt(key, password, logN, keySecurity, salt, nonce);
  }

  /**
   * Deterministic variant for cross-checks: the caller supplies the salt and nonce (never reuse
   * them).
   */
  static String encrypt(
      SecretKey key, char[] password, int logN, byte keySecurity, byte[] salt, byte[] nonce) {
    checkLogN(logN);
    if (keySecurity < KEY_SECURITY_INSECURE || keySecurity > KEY_SECURITY_UNKNOWN) {
      throw new IllegalArgumentException("keySecurity must be 0, 1 or 2, got " + keySecurity);
    }
    if (salt.length != SALT_BYTES || nonce.length != NONCE_BYTES) {
      throw new IllegalArgumentException("salt must be 16 bytes and nonce 24 bytes");
    }
    byte[] symmetric = deriveKey(password, salt, logN);
    byte[] secret = key.toBytes(InsecureSecretKeyAccess.get());
    try {
      byte[] sealed =
          XChaCha20Poly1305Aead.seal(symmetric, nonce, new byte[] {keySecurity}, secret);
      ByteBuffer out = ByteBuffer.allocate(PAYLOAD_BYTES);
      out.put(VERSION).put((byte) logN).put(salt).put(nonce).put(keySecurity).put(sealed);
      return Bech32.encode(PREFIX, out.array(), Nip19.MAX_LENGTH);
    } finally {
      Arrays.fill(symmetric, (byte) 0);
      Arrays.fill(secret, (byte) 0);
    }
  }

  /**
   * Decrypts an {@code ncryptsec} with a password.
   *
   * @param ncryptsec the {@code ncryptsec1...} string
   * @param password the password (normalised to NFKC); not modified, the caller should clear it
   * @return the secret key
   * @throws GeneralSecurityException ({@link javax.crypto.AEADBadTagException}) if the password is
   *     wrong or the data was tampered with; ({@link InvalidKeyException}) if it decrypts to a
   *     value that is not a valid secret key
   * @throws Nip19FormatException (an {@link IllegalArgumentException}) if the string is not valid
   *     bech32, has another prefix, does not hold 91 bytes ({@code WRONG_LENGTH}), or has a version
   *     other than 2 or a logN outside {@value #MIN_LOG_N}..{@value #MAX_LOG_N} ({@code
   *     UNSUPPORTED_VERSION})
   */
  public static SecretKey decrypt(String ncryptsec, char[] password)
      throws GeneralSecurityException {
    Bech32.Decoded d = Bech32.decode(ncryptsec, Nip19.MAX_LENGTH);
    if (!d.prefix().equals(PREFIX)) {
      throw new Nip19FormatException(
          Reason.WRONG_PREFIX, "expected the prefix ncryptsec, got another one");
    }
    byte[] b = d.data();
    if (b.length != PAYLOAD_BYTES) {
      throw new Nip19FormatException(
          Reason.WRONG_LENGTH, "ncryptsec must hold " + PAYLOAD_BYTES + " bytes, got " + b.length);
    }
    if (b[0] != VERSION) {
      throw new Nip19FormatException(
          Reason.UNSUPPORTED_VERSION,
          "unsupported ncryptsec version " + (b[0] & 0xff) + " (only 2 is defined)");
    }
    int logN = b[1] & 0xff;
    if (logN < MIN_LOG_N || logN > MAX_LOG_N) {
      throw new Nip19FormatException(
          Reason.UNSUPPORTED_VERSION,
          "ncryptsec scrypt logN " + logN + " is outside " + MIN_LOG_N + ".." + MAX_LOG_N);
    }
    int at = 2;
    byte[] salt = Arrays.copyOfRange(b, at, at += SALT_BYTES);
    byte[] nonce = Arrays.copyOfRange(b, at, at += NONCE_BYTES);
    byte[] aad = Arrays.copyOfRange(b, at, at += 1);
    byte[] sealed = Arrays.copyOfRange(b, at, b.length);
    byte[] symmetric = deriveKey(password, salt, logN);
    byte[] secret = null;
    try {
      secret = XChaCha20Poly1305Aead.open(symmetric, nonce, aad, sealed);
      return SecretKey.fromBytes(secret);
    } finally {
      Arrays.fill(symmetric, (byte) 0);
      if (secret != null) {
        Arrays.fill(secret, (byte) 0);
      }
    }
  }

  private static void checkLogN(int logN) {
    if (logN < MIN_LOG_N || logN > MAX_LOG_N) {
      throw new IllegalArgumentException(
          "logN must be in " + MIN_LOG_N + ".." + MAX_LOG_N + ", got " + logN);
    }
  }

  private static byte[] deriveKey(char[] password, byte[] salt, int logN) {
    byte[] utf8 = passwordBytes(password);
    try {
      return SCrypt.generate(utf8, salt, 1 << logN, 8, 1, 32);
    } finally {
      Arrays.fill(utf8, (byte) 0);
    }
  }

  /**
   * NFKC, then UTF-8 with lone surrogates replaced by U+FFFD (JavaScript's {@code TextEncoder}
   * behaviour).
   */
  static byte[] passwordBytes(char[] password) {
    String normalized = Normalizer.normalize(CharBuffer.wrap(password), Normalizer.Form.NFKC);
    CharsetEncoder encoder =
        StandardCharsets.UTF_8
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE)
            .replaceWith(REPLACEMENT_CHARACTER);
    ByteBuffer encoded;
    try {
      encoded = encoder.encode(CharBuffer.wrap(normalized));
    } catch (CharacterCodingException e) {
      throw new IllegalStateException("UTF-8 encoding with replacement cannot fail", e);
    }
    byte[] out = new byte[encoded.remaining()];
    encoded.get(out);
    // Wipe the whole buffer through its own API: no assumption about how the encoder allocated it.
    encoded.clear();
    while (encoded.hasRemaining()) {
      encoded.put((byte) 0);
    }
    return out;
  }
}
