package dev.keycast.crypto;

import dev.keycast.crypto.internal.Bytes;
import dev.keycast.crypto.internal.Secp256k1;
import java.security.SignatureException;

/** {@link SchnorrVerifier} over an internal backend with the public key prepared once. */
final class BackendSchnorrVerifier implements SchnorrVerifier {
  private final Secp256k1.PreparedPublicKey prepared;
  private final PublicKey publicKey;

  BackendSchnorrVerifier(Secp256k1 backend, PublicKey key) {
    this.prepared = backend.preparePublic(key.toBytes());
    this.publicKey = key;
  }

  @Override
  public void verify(byte[] signature64, byte[] message) throws SignatureException {
    Bytes.requireLength(signature64, 64, "signature");
    if (!prepared.verify(signature64, message)) {
      throw new SignatureException("invalid BIP-340 signature");
    }
  }

  @Override
  public String toString() {
    return "SchnorrVerifier[" + publicKey + "]";
  }
}
