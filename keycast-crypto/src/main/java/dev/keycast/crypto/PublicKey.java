package dev.keycast.crypto;

import dev.keycast.crypto.internal.Backends;
import dev.keycast.crypto.internal.Bytes;
import dev.keycast.crypto.internal.TrustedKeys;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A BIP-340 x-only secp256k1 public key: the 32-byte x coordinate of a curve point (the point with
 * even y).
 *
 * <p>Validated at creation to be the x coordinate of a point on the curve. {@link #toString()} is
 * the lowercase hex, as used in Nostr events.
 *
 * <p>Thread-safety: immutable, safe to share between threads. Creation does one square root mod p
 * (CPU-bound, microseconds); the other methods never block.
 */
public final class PublicKey {
  static {
    TrustedKeys.register(PublicKey::trusted);
  }

  private final byte[] bytes;
  private final String hex;

  private PublicKey(byte[] bytes) {
    this.bytes = bytes;
    this.hex = Bytes.toHex(bytes);
  }

  /**
   * For keys already known to be valid (derived from a secret key). The array must not be shared.
   */
  static PublicKey trusted(byte[] x32) {
    return new PublicKey(x32);
  }

  /**
   * Creates a key from its 32-byte x coordinate (copied).
   *
   * @param b32 x coordinate, big-endian
   * @return the key
   * @throws IllegalArgumentException if {@code b32} is not 32 bytes long
   * @throws InvalidKeyException if no curve point has this x coordinate (including x &ge; p)
   */
  public static PublicKey fromBytes(byte[] b32) throws InvalidKeyException {
    Bytes.requireLength(b32, 32, "public key");
    byte[] copy = b32.clone();
    if (!Backends.active().isValidXOnly(copy)) {
      throw new InvalidKeyException("public key is not a point on secp256k1");
    }
    return new PublicKey(copy);
  }

  /**
   * Creates a key from 64 hex characters (either case).
   *
   * @param hex64 the key in hex
   * @return the key
   * @throws IllegalArgumentException if the string is not 64 hex characters
   * @throws InvalidKeyException if no curve point has this x coordinate
   */
  public static PublicKey fromHex(String hex64) throws InvalidKeyException {
    return fromBytes(Bytes.fromHex(hex64, 32, "public key"));
  }

  /** The key's own array, for this package's callers that only read it (no copy). */
  byte[] bytes() {
    return bytes;
  }

  /**
   * The 32-byte x coordinate.
   *
   * @return a fresh copy
   */
  public byte[] toBytes() {
    return bytes.clone();
  }

  /**
   * The lowercase hex form (64 characters).
   *
   * @return hex
   */
  public String toHex() {
    return hex;
  }

  /**
   * Compares the key bytes (in constant time, though public keys are not secret).
   *
   * @param o the other object
   * @return true if {@code o} is a PublicKey with the same bytes
   */
  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof PublicKey other && MessageDigest.isEqual(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /**
   * The lowercase hex form.
   *
   * @return same as {@link #toHex()}
   */
  @Override
  public String toString() {
    return hex;
  }
}
