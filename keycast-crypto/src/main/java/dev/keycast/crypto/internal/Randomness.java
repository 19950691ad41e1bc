package dev.keycast.crypto.internal;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * Cryptographic randomness for nonces, IVs and BIP-340 aux data, without a JVM-wide lock. Not API,
 * may change at any time.
 *
 * <p>The default Linux {@code SecureRandom} (NativePRNG) serialises every caller on one static
 * lock. Signing and encrypting draw 16–32 bytes per operation from many threads, so this class
 * spreads callers over a small, fixed set of independently seeded DRBG instances (SHA-256
 * Hash_DRBG, seeded from the operating system), chosen by thread id. Each instance is thread-safe
 * on its own; two threads contend only when they map to the same stripe, and then only for the
 * microsecond it takes to generate the bytes.
 *
 * <p>Thread-safety: safe from any thread; never blocks except for the first use of a stripe, which
 * seeds it from the operating system's entropy source.
 */
public final class Randomness {
  private static final SecureRandom[] STRIPES = createStripes();

  private Randomness() {}

  /**
   * Fills {@code out} with random bytes.
   *
   * @param out the array to fill
   */
  public static void nextBytes(byte[] out) {
    STRIPES[(int) (Thread.currentThread().threadId() & (STRIPES.length - 1))].nextBytes(out);
  }

  /**
   * A fresh array of random bytes.
   *
   * @param length number of bytes
   * @return the bytes
   */
  public static byte[] bytes(int length) {
    byte[] b = new byte[length];
    nextBytes(b);
    return b;
  }

  private static SecureRandom[] createStripes() {
    int cpus = Math.max(1, Runtime.getRuntime().availableProcessors());
    int n =
        Math.min(
            Math.max(Integer.highestOneBit(cpus * 2 - 1) << 1, 4), 64); // power of two ≥ 2·cpus
    SecureRandom[] stripes = new SecureRandom[n];
    for (int i = 0; i < n; i++) {
      stripes[i] = newInstance();
    }
    return stripes;
  }

  private static SecureRandom newInstance() {
    try {
      return SecureRandom.getInstance("DRBG"); // seeds itself lazily, on first use, from the OS
    } catch (NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  }
}
