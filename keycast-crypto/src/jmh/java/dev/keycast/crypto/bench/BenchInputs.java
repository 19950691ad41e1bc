package dev.keycast.crypto.bench;

import dev.keycast.crypto.internal.Backends;

/**
 * Fixed inputs shared by the benchmarks: the same keys, messages and sizes as {@code
 * bench/c/secp_bench.c} and {@code bench/node/bench.mjs}, so the figures compare like with like.
 */
final class BenchInputs {
  /**
   * System property naming the backend a run must be on ({@code ffm}, {@code acinq-jni}, {@code
   * bouncycastle}).
   */
  static final String EXPECT_PROPERTY = "keycast.bench.expect";

  private BenchInputs() {}

  static byte[] pattern(int mul, int add) {
    byte[] b = new byte[32];
    for (int k = 0; k < 32; k++) {
      b[k] = (byte) (k * mul + add);
    }
    return b;
  }

  static byte[] secret() {
    return pattern(7, 1);
  }

  static byte[] peerSecret() {
    byte[] b = new byte[32];
    for (int k = 0; k < 32; k++) {
      b[k] = (byte) (255 - k * 5);
    }
    return b;
  }

  static byte[] message() {
    return pattern(13, 5);
  }

  static byte[] aux() {
    return pattern(3, 11);
  }

  /** Fails the run if the backend in use is not the one the run is meant to measure. */
  static String checkBackend() {
    String active = Backends.active().name();
    String expected = System.getProperty(EXPECT_PROPERTY);
    if (expected != null && !expected.equals(active)) {
      throw new IllegalStateException(
          "benchmark expects backend " + expected + " but " + active + " is active");
    }
    return active;
  }
}
