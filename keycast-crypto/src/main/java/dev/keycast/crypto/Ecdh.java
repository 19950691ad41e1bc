package dev.keycast.crypto;

import dev.keycast.crypto.internal.Backends;
import dev.keycast.crypto.internal.Secp256k1;
import java.security.InvalidKeyException;

/**
 * secp256k1 Diffie-Hellman returning the unhashed shared x coordinate, as NIP-04 and NIP-44 use it.
 *
 * <p>Note: libsecp256k1's own {@code ecdh} hashes the point and is not what Nostr uses; this class
 * never does.
 *
 * <p>Thread-safety: stateless, safe from any thread. CPU-bound (tens of microseconds natively),
 * never blocks on I/O.
 *
 * <p>Security guarantees: both keys are validated when they are created (secret in [1, n-1], public
 * key on the curve, so twist and invalid-curve points are rejected before they get here); the
 * result is the same on every backend. The shared x is raw key material, not a key: derive keys
 * from it (NIP-44 does, through HKDF) and wipe it.
 */
public final class Ecdh {
  private Ecdh() {}

  /**
   * Computes x(ours · lift_x(theirs)).
   *
   * @param ours our secret key
   * @param theirs their x-only public key
   * @return a fresh 32-byte shared x coordinate (secret: wipe when done)
   * @throws InvalidKeyException if the keys cannot be combined (not reachable with validated keys
   *     on a prime-order curve; declared for backends that report failures)
   */
  public static byte[] sharedX(SecretKey ours, PublicKey theirs) throws InvalidKeyException {
    return sharedX(Backends.active(), ours, theirs);
  }

  static byte[] sharedX(Secp256k1 backend, SecretKey ours, PublicKey theirs)
      throws InvalidKeyException {
    byte[] sec = ours.toBytes(InsecureSecretKeyAccess.get());
    try {
      return backend.ecdhX(sec, theirs.toBytes());
    } catch (IllegalArgumentException e) {
      throw new InvalidKeyException("ECDH failed: invalid key");
    } finally {
      java.util.Arrays.fill(sec, (byte) 0);
    }
  }
}
