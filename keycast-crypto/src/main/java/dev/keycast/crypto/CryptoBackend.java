package dev.keycast.crypto;

import dev.keycast.crypto.internal.Backends;

/**
 * The family of secp256k1 implementation behind this library's primitives.
 *
 * <p>The choice is made once per JVM, on first use, and logged once at INFO through SLF4J: native
 * libsecp256k1 if it can be loaded, otherwise pure-Java Bouncy Castle (with a WARN giving the
 * cause). Set the system property {@code keycast.crypto.backend} (or the environment variable
 * {@code KEYCAST_CRYPTO_BACKEND}) to {@code java} to force the pure-Java backend, to {@code native}
 * to require libsecp256k1, or to {@code auto} (the default). Both backends produce byte-identical
 * keys, signatures (for equal aux randomness), shared secrets and payloads.
 *
 * <p>Thread-safety: an enum; {@link #active()} is safe from any thread.
 */
public enum CryptoBackend {
  /** libsecp256k1 (through ACINQ's JNI binding, or FFM on JDK 22+). */
  NATIVE,
  /** Pure-Java implementation on Bouncy Castle's curve arithmetic. */
  JAVA;

  /**
   * The backend in use by this JVM. The first call may load (and extract) the native library; later
   * calls never block.
   *
   * @return the active backend family
   * @throws IllegalStateException if {@code native} was required but cannot be loaded, or the
   *     setting is invalid
   */
  public static CryptoBackend active() {
    return Backends.active().kind();
  }
}
