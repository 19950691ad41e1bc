package dev.keycast.crypto;

import dev.keycast.crypto.internal.Backends;

/**
 * Creates BIP-340 Schnorr signatures over secp256k1 with one secret key.
 *
 * <p>Instances come from {@link #create(SecretKey)}, which uses the {@linkplain
 * CryptoBackend#active() active backend} and prepares the key once (a backend that can cache a
 * native keypair does so), so keep one signer per key and reuse it.
 *
 * <p>Thread-safety: implementations are thread-safe and lock-free; one instance may sign from many
 * threads at once. Every method is CPU-bound (tens of microseconds natively) and never blocks on
 * I/O; run it on a CPU pool rather than on an I/O or virtual-thread carrier (native calls pin the
 * carrier).
 *
 * <p>Security guarantees: signatures are BIP-340 signatures (strongly unforgeable under
 * chosen-message attack given the discrete-log assumption); the nonce is derived from the key, the
 * message and 32 bytes of auxiliary randomness as BIP-340 specifies, so a weak random source does
 * not leak the key. Both backends produce identical signatures for identical auxiliary randomness.
 */
public interface SchnorrSigner {

  /**
   * Returns a signer for {@code key} on the active backend.
   *
   * @param key the secret key
   * @return a thread-safe signer
   * @throws IllegalStateException if the backend setting is invalid (see {@link CryptoBackend})
   */
  static SchnorrSigner create(SecretKey key) {
    return new BackendSchnorrSigner(Backends.active(), key);
  }

  /**
   * The x-only public key matching this signer's secret key.
   *
   * @return the public key
   */
  PublicKey publicKey();

  /**
   * Signs {@code message} with 32 bytes of fresh auxiliary randomness from {@link
   * java.security.SecureRandom}.
   *
   * @param message message of any length (Nostr signs the 32-byte event id)
   * @return a fresh 64-byte signature
   */
  byte[] sign(byte[] message);

  /**
   * Signs {@code message} with the given auxiliary randomness: deterministic, for tests and
   * cross-checks.
   *
   * @param message message of any length
   * @param aux32 32 bytes of auxiliary randomness
   * @return a fresh 64-byte signature
   * @throws IllegalArgumentException if {@code aux32} is not 32 bytes
   */
  byte[] sign(byte[] message, byte[] aux32);
}
