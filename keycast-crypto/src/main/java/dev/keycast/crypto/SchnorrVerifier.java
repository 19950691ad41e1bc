package dev.keycast.crypto;

import dev.keycast.crypto.internal.Backends;
import java.security.GeneralSecurityException;

/**
 * Verifies BIP-340 Schnorr signatures against one x-only public key.
 *
 * <p>Thread-safety: implementations are thread-safe and lock-free. {@link #verify} is CPU-bound
 * (tens of microseconds natively) and never blocks on I/O.
 *
 * <p>Security guarantees: accepts exactly the signatures BIP-340 accepts (including its rules r
 * &lt; p, s &lt; n, even y of R); both backends agree on every input.
 */
public interface SchnorrVerifier {

  /**
   * Returns a verifier for {@code key} on the active backend.
   *
   * @param key the public key
   * @return a thread-safe verifier
   * @throws IllegalStateException if the backend setting is invalid (see {@link CryptoBackend})
   */
  static SchnorrVerifier create(PublicKey key) {
    return new BackendSchnorrVerifier(Backends.active(), key);
  }

  /**
   * Verifies {@code signature64} over {@code message}.
   *
   * @param signature64 the 64-byte signature
   * @param message the signed message, any length
   * @throws java.security.SignatureException (a {@link GeneralSecurityException}) if the signature
   *     is invalid
   * @throws IllegalArgumentException if {@code signature64} is not 64 bytes
   */
  void verify(byte[] signature64, byte[] message) throws GeneralSecurityException;
}
