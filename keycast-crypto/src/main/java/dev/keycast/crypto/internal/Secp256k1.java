package dev.keycast.crypto.internal;

import dev.keycast.crypto.CryptoBackend;

/**
 * The secp256k1 operations Keycast needs, implemented once per backend. Not API, may change at any
 * time.
 *
 * <p>Contract for every implementation:
 *
 * <ul>
 *   <li>Thread-safe without a global lock: any method may be called from any number of threads at
 *       once.
 *   <li>CPU-bound, never blocks, never does I/O. Native implementations keep each call short.
 *   <li>Byte arrays passed in are not retained or modified (implementations copy what they keep);
 *       results are fresh arrays owned by the caller.
 *   <li>Wrong lengths throw {@link IllegalArgumentException}. Semantically invalid input to {@code
 *       verify} (x not on the curve, r &ge; p, s &ge; n, ...) returns {@code false}; it never
 *       throws for that.
 *   <li>Methods taking a secret key or an x-only key as a precondition ({@link #xOnlyPublicKey},
 *       {@link #prepare}, {@link #ecdhX}) expect keys that passed {@link #isValidSecretKey}/{@link
 *       #isValidXOnly}; they throw {@link IllegalArgumentException} otherwise. Messages never
 *       contain key bytes.
 *   <li>Results are byte-identical across implementations (BIP-340 with explicit aux randomness is
 *       deterministic).
 * </ul>
 */
public interface Secp256k1 {

  /**
   * Which family this backend belongs to.
   *
   * @return {@link CryptoBackend#NATIVE} for libsecp256k1 (JNI or FFM), {@link CryptoBackend#JAVA}
   *     otherwise
   */
  CryptoBackend kind();

  /**
   * A short name for logs and benchmarks, for example {@code "acinq-jni"} or {@code
   * "bouncycastle"}.
   *
   * @return the name
   */
  String name();

  /**
   * Whether {@code sec32} is a valid secret key: 32 bytes, as a big-endian integer in [1, n-1].
   *
   * @param sec32 candidate secret key
   * @return true if valid; false for any other value or length
   */
  boolean isValidSecretKey(byte[] sec32);

  /**
   * Whether {@code x32} is the x coordinate of a point on the curve (x &lt; p and x^3 + 7 a square
   * mod p).
   *
   * @param x32 candidate x-only public key
   * @return true if valid; false for any other value or length
   */
  boolean isValidXOnly(byte[] x32);

  /**
   * The BIP-340 x-only public key of a valid secret key.
   *
   * @param sec32 valid secret key
   * @return 32-byte x coordinate of sec32·G
   */
  byte[] xOnlyPublicKey(byte[] sec32);

  /**
   * Prepares a secret key for repeated signing. Backends that can cache a keypair (FFM) do so here.
   *
   * @param sec32 valid secret key (copied)
   * @return a thread-safe prepared key
   */
  PreparedKey prepare(byte[] sec32);

  /**
   * Prepares an x-only public key for repeated verification. The default just binds the key to
   * {@link #verify}; backends that can cache a parsed key override it.
   *
   * @param x32 32-byte x-only key (copied); need not be valid (verification then always fails)
   * @return a thread-safe prepared public key
   */
  default PreparedPublicKey preparePublic(byte[] x32) {
    if (x32.length != 32) {
      throw new IllegalArgumentException("x-only public key must be 32 bytes, got " + x32.length);
    }
    byte[] copy = x32.clone();
    return (sig64, message) -> verify(sig64, message, copy);
  }

  /**
   * BIP-340 verification for a message of any length.
   *
   * @param sig64 64-byte signature
   * @param message message of any length (Nostr: the 32-byte event id)
   * @param x32 32-byte x-only public key
   * @return true if and only if the signature is valid
   * @throws IllegalArgumentException if sig64 is not 64 bytes or x32 is not 32 bytes
   */
  boolean verify(byte[] sig64, byte[] message, byte[] x32);

  /**
   * The unhashed x coordinate of sec32·lift_x(x32): the shared secret of NIP-04 and NIP-44.
   *
   * @param sec32 valid secret key
   * @param x32 valid x-only public key
   * @return 32-byte shared x
   */
  byte[] ecdhX(byte[] sec32, byte[] x32);

  /** A secret key prepared for signing. Thread-safe; holds the secret until garbage collected. */
  interface PreparedKey {
    /**
     * The x-only public key of this secret key.
     *
     * @return a fresh 32-byte array
     */
    byte[] xOnlyPublicKey();

    /**
     * BIP-340 signature with explicit auxiliary randomness.
     *
     * @param message message of any length
     * @param aux32 32 bytes of auxiliary randomness
     * @return 64-byte signature
     * @throws IllegalArgumentException if aux32 is not 32 bytes
     */
    byte[] sign(byte[] message, byte[] aux32);
  }

  /** An x-only public key prepared for verification. Thread-safe. */
  @FunctionalInterface
  interface PreparedPublicKey {
    /**
     * BIP-340 verification against the prepared key.
     *
     * @param sig64 64-byte signature
     * @param message message of any length
     * @return true if and only if valid
     * @throws IllegalArgumentException if sig64 is not 64 bytes
     */
    boolean verify(byte[] sig64, byte[] message);
  }
}
