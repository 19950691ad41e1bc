package dev.keycast.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class RandomnessTest {

  @Test
  void bytes_manyCallsOnManyThreads_allDistinct() throws Exception {
    Set<String> seen = ConcurrentHashMap.newKeySet();
    Thread[] threads = new Thread[8];
    for (int t = 0; t < threads.length; t++) {
      threads[t] =
          new Thread(
              () -> {
                for (int i = 0; i < 500; i++) {
                  seen.add(HexFormat.of().formatHex(Randomness.bytes(16)));
                }
              });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(seen).hasSize(8 * 500);
  }

  @Test
  void nextBytes_fillsWholeArray() {
    Set<Byte> values = new HashSet<>();
    byte[] b = new byte[4096];
    Randomness.nextBytes(b);
    for (byte x : b) {
      values.add(x);
    }
    assertThat(values.size())
        .isGreaterThan(200); // all 256 values expected; 200 leaves no room for flakiness
  }
}
