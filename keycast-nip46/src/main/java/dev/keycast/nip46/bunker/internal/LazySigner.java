package dev.keycast.nip46.bunker.internal;

import dev.keycast.crypto.SchnorrSigner;
import dev.keycast.crypto.SecretKey;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A Schnorr signer for one secret key, created on first use. The creation is CPU-bound (it derives
 * the keypair): call {@link #get()} on the CPU executor. Thread-safe: a benign race may create two
 * signers, both equivalent.
 */
final class LazySigner {
  private final Supplier<SecretKey> key;
  private volatile @Nullable SchnorrSigner signer;

  LazySigner(SecretKey key) {
    this.key = () -> key;
  }

  /** For a key that is itself produced on first use ({@code key} memoizes). */
  LazySigner(Supplier<SecretKey> key) {
    this.key = key;
  }

  SchnorrSigner get() {
    SchnorrSigner s = signer;
    if (s == null) {
      s = SchnorrSigner.create(key.get());
      signer = s;
    }
    return s;
  }
}
