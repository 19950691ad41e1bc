package dev.keycast.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.crypto.internal.Secp256k1;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Shared signers, verifiers and keys used from several threads at once give the single-threaded
 * results.
 */
class ConcurrencyTest {
  static List<Secp256k1> backends() {
    return TestBackends.all();
  }

  @ParameterizedTest
  @MethodSource("backends")
  void sharedPreparedKeys_manyThreads_sameResultsAsOneThread(Secp256k1 backend) throws Exception {
    int threads = 4;
    int rounds = 150;
    byte[] sec = SecretKey.generate().toBytes(InsecureSecretKeyAccess.get());
    byte[] peerSec = SecretKey.generate().toBytes(InsecureSecretKeyAccess.get());
    Secp256k1.PreparedKey prepared = backend.prepare(sec);
    byte[] pub = prepared.xOnlyPublicKey();
    byte[] peerPub = backend.xOnlyPublicKey(peerSec);
    Secp256k1.PreparedPublicKey verifier = backend.preparePublic(pub);
    byte[][] messages = new byte[rounds][];
    byte[][] expectedSigs = new byte[rounds][];
    for (int i = 0; i < rounds; i++) {
      messages[i] = new byte[32];
      messages[i][0] = (byte) i;
      messages[i][1] = (byte) (i >> 8);
      expectedSigs[i] = prepared.sign(messages[i], messages[i]);
    }
    byte[] expectedShared = backend.ecdhX(sec, peerPub);

    CountDownLatch start = new CountDownLatch(1);
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      List<Future<List<String>>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int offset = t;
        Callable<List<String>> work =
            () -> {
              List<String> failures = new ArrayList<>();
              start.await();
              for (int j = 0; j < rounds; j++) {
                int i = (j + offset * 37) % rounds;
                byte[] sig = prepared.sign(messages[i], messages[i]);
                if (!java.util.Arrays.equals(sig, expectedSigs[i])) {
                  failures.add("signature " + i + " differs");
                }
                if (!verifier.verify(sig, messages[i])) {
                  failures.add("signature " + i + " rejected");
                }
                if (j % 10 == 0
                    && !java.util.Arrays.equals(backend.ecdhX(sec, peerPub), expectedShared)) {
                  failures.add("ecdh differs at " + j);
                }
              }
              return failures;
            };
        futures.add(pool.submit(work));
      }
      start.countDown();
      List<String> failures = new ArrayList<>();
      for (Future<List<String>> f : futures) {
        failures.addAll(f.get());
      }
      assertThat(failures).as(backend.name()).isEmpty();
    }
  }
}
