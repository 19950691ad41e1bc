package dev.keycast.crypto;

import dev.keycast.crypto.internal.Backends;
import dev.keycast.crypto.internal.Bytes;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import org.jspecify.annotations.Nullable;

/**
 * A secp256k1 secret key: 32 bytes that, read as a big-endian integer, lie in [1, n-1].
 *
 * <p>Immutable and validated at creation. {@link #toString()} never shows key bytes; {@link
 * #equals} compares in constant time. Raw bytes are only available through {@link
 * #toBytes(InsecureSecretKeyAccess)}.
 *
 * <p>Thread-safety: immutable, safe to share between threads. {@link #publicKey()} computes the
 * public key on the first call (CPU-bound, tens of microseconds) and caches it; the other methods
 * never block.
 *
 * <p>Security guarantees: the key bytes are held in a private array that is never exposed; callers
 * get copies. The array is not wiped (the JVM may copy it anyway); keep the number of live
 * instances small.
 */
public final class SecretKey {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] bytes;
  private volatile @Nullable PublicKey publicKey;

  private SecretKey(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * Generates a fresh key from {@link SecureRandom}. May block briefly while the JVM's entropy
   * source seeds.
   *
   * @return a new random key
   */
  public static SecretKey generate() {
    byte[] b = new byte[32];
    do {
      RANDOM.nextBytes(b);
    } while (!Backends.java()
        .isValidSecretKey(b)); // rejects 0 and values ≥ n (probability ~2^-128)
    return new SecretKey(b);
  }

  /**
   * Creates a key from 32 big-endian bytes (copied).
   *
   * @param b32 the key bytes
   * @return the key
   * @throws IllegalArgumentException if {@code b32} is not 32 bytes long
   * @throws InvalidKeyException if the value is 0 or not below the curve order n
   */
  public static SecretKey fromBytes(byte[] b32) throws InvalidKeyException {
    Bytes.requireLength(b32, 32, "secret key");
    byte[] copy = b32.clone();
    if (!Backends.java().isValidSecretKey(copy)) {
      throw new InvalidKeyException("secret key out of range [1, n-1]");
    }
    return new SecretKey(copy);
  }

  /**
   * Creates a key from 64 hex characters (either case).
   *
   * @param hex64 the key in hex
   * @return the key
   * @throws IllegalArgumentException if the string is not 64 hex characters
   * @throws InvalidKeyException if the value is 0 or not below the curve order n
   */
  public static SecretKey fromHex(String hex64) throws InvalidKeyException {
    return fromBytes(Bytes.fromHex(hex64, 32, "secret key"));
  }

  /**
   * Returns a copy of the raw key bytes. Every call site is greppable by the token type.
   *
   * @param access the access token ({@link InsecureSecretKeyAccess#get()})
   * @return a fresh 32-byte copy the caller owns (and should wipe when done)
   */
  public byte[] toBytes(InsecureSecretKeyAccess access) {
    if (access == null) {
      throw new NullPointerException("access");
    }
    return bytes.clone();
  }

  /**
   * The x-only public key, computed on the first call with the active backend and cached.
   *
   * @return the public key
   */
  public PublicKey publicKey() {
    PublicKey pk = publicKey;
    if (pk == null) {
      // Racy single-check: at worst computed twice, always the same immutable value.
      pk = PublicKey.trusted(Backends.active().xOnlyPublicKey(bytes));
      publicKey = pk;
    }
    return pk;
  }

  /**
   * Constant-time comparison of the key bytes.
   *
   * @param o the other object
   * @return true if {@code o} is a SecretKey with the same bytes
   */
  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof SecretKey other && MessageDigest.isEqual(bytes, other.bytes);
  }

  /**
   * A hash derived from the public key, so that no secret bits leak through hashing.
   *
   * @return the public key's hash code
   */
  @Override
  public int hashCode() {
    return publicKey().hashCode();
  }

  /**
   * A redacted description; never contains key bytes.
   *
   * @return {@code "SecretKey[REDACTED]"}
   */
  @Override
  public String toString() {
    return "SecretKey[REDACTED]";
  }
}
