package dev.keycast.crypto;

import dev.keycast.crypto.internal.Randomness;
import dev.keycast.crypto.internal.Secp256k1;

/**
 * {@link SchnorrSigner} over an internal backend; the prepared key is cached for the signer's
 * lifetime.
 */
final class BackendSchnorrSigner implements SchnorrSigner {
  private final Secp256k1.PreparedKey prepared;
  private final PublicKey publicKey;

  BackendSchnorrSigner(Secp256k1 backend, SecretKey key) {
    byte[] sec = key.toBytes(InsecureSecretKeyAccess.get());
    try {
      this.prepared = backend.prepare(sec);
    } finally {
      java.util.Arrays.fill(sec, (byte) 0);
    }
    this.publicKey = PublicKey.trusted(prepared.xOnlyPublicKey());
  }

  @Override
  public PublicKey publicKey() {
    return publicKey;
  }

  @Override
  public byte[] sign(byte[] message) {
    return prepared.sign(message, Randomness.bytes(32));
  }

  @Override
  public byte[] sign(byte[] message, byte[] aux32) {
    return prepared.sign(message, aux32);
  }

  @Override
  public String toString() {
    return "SchnorrSigner[" + publicKey + "]";
  }
}
