package dev.keycast.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycast.crypto.TestBackends;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FFM backend ({@code FfmSecp256k1}, JDK 22+, in {@code META-INF/versions/22} of the
 * multi-release jar).
 *
 * <p>Run by failsafe's {@code ffm-suite} execution against the packaged jar, in the same run as
 * every other test class of this module (whose {@link TestBackends#all()} then includes FFM). The
 * first test fails the run if FFM is not actually the native backend there, so the suite can never
 * silently test only the JNI path. Surefire does not run this class ({@code *IT}): from {@code
 * target/classes} the versioned class is invisible.
 */
class FfmBackendIT {
  private static final HexFormat HEX = HexFormat.of();
  private static final String N =
      "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";

  private static Secp256k1 ffm() {
    return Backends.nativeBackend()
        .orElseThrow(() -> new AssertionError("no native backend loaded"));
  }

  private static Secp256k1 jni() {
    return Backends.acinq().orElseThrow(() -> new AssertionError("ACINQ JNI did not load"));
  }

  @Test
  void activeBackend_inFfmSuite_isFfmFromTheJar() throws Exception {
    String expected = System.getProperty("keycast.test.expectBackend");
    assertThat(expected)
        .as("keycast.test.expectBackend (set by the ffm-suite failsafe execution)")
        .isEqualTo("ffm");
    assertThat(Runtime.version().feature()).isGreaterThanOrEqualTo(22);
    assertThat(ffm().name()).isEqualTo("ffm");
    assertThat(Backends.active().name()).isEqualTo("ffm");
    assertThat(TestBackends.all())
        .extracting(Secp256k1::name)
        .containsExactly("bouncycastle", "acinq-jni", "ffm");
    // Loaded from the multi-release jar, not from a directory.
    Class<?> type = Class.forName(Backends.FFM_CLASS);
    assertThat(type.getProtectionDomain().getCodeSource().getLocation().getPath()).endsWith(".jar");
  }

  /**
   * What a JDK 21 sees: the same jar with its {@code META-INF/versions} hidden ({@code
   * -Djdk.util.jar.enableMultiRelease=false}) in a child JVM. FfmSecp256k1 is then absent and the
   * library must choose ACINQ's JNI and still work. (No JDK 21 is installed here; on one, {@link
   * Backends} additionally skips the lookup because {@code Runtime.version().feature() < 22}.)
   */
  @Test
  void multiReleaseHidden_childJvm_choosesJniAndWorks(@TempDir Path tmp) throws Exception {
    String classPath = System.getProperty("java.class.path");
    assertThat(classPath).contains(".jar");
    Path out = tmp.resolve("out.txt");
    Path err = tmp.resolve("err.txt");
    Process p =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED",
                    "-Djdk.util.jar.enableMultiRelease=false",
                    "-Dkeycast.crypto.backend=auto",
                    "-cp",
                    classPath,
                    "dev.keycast.crypto.FallbackProbe"))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    // A generous bound, not a timing assertion: the child does a handful of operations.
    assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
    String stdout = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue())
        .as("exit code; stderr:\n" + Files.readString(err, StandardCharsets.UTF_8))
        .isZero();
    assertThat(stdout).contains("backend=NATIVE name=acinq-jni").contains("OK");
  }

  @Test
  void allOperations_randomInputs_byteIdenticalToJni() {
    Secp256k1 ffm = ffm();
    Secp256k1 jni = jni();
    Random random = new Random(20261126);
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      byte[] sec = bytes(random, 32);
      byte[] aux = bytes(random, 32);
      byte[] msg = bytes(random, i % 10 == 0 ? i % 97 : 32); // some messages that are not 32 bytes
      byte[] x = bytes(random, 32);
      boolean validSec = ffm.isValidSecretKey(sec);
      if (validSec != jni.isValidSecretKey(sec)) {
        failures.add(i + ": isValidSecretKey differs");
      }
      boolean validX = ffm.isValidXOnly(x);
      if (validX != jni.isValidXOnly(x)) {
        failures.add(i + ": isValidXOnly differs");
      }
      if (!validSec) {
        continue;
      }
      byte[] pk = ffm.xOnlyPublicKey(sec);
      if (!Arrays.equals(pk, jni.xOnlyPublicKey(sec))) {
        failures.add(i + ": xOnlyPublicKey differs");
      }
      Secp256k1.PreparedKey prepared = ffm.prepare(sec);
      byte[] sig = prepared.sign(msg, aux);
      if (!Arrays.equals(sig, jni.prepare(sec).sign(msg, aux))) {
        failures.add(i + ": signature differs (message length " + msg.length + ")");
      }
      if (!ffm.verify(sig, msg, pk) || !ffm.preparePublic(pk).verify(sig, msg)) {
        failures.add(i + ": own signature does not verify");
      }
      byte[] flipped = sig.clone();
      flipped[random.nextInt(64)] ^= (byte) (1 << random.nextInt(8));
      if (ffm.verify(flipped, msg, pk) || ffm.preparePublic(pk).verify(flipped, msg)) {
        failures.add(i + ": flipped signature verifies");
      }
      if (validX && !Arrays.equals(ffm.ecdhX(sec, x), jni.ecdhX(sec, x))) {
        failures.add(i + ": ecdhX differs");
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void parsedKeyCache_repeatedAndCollidingKeys_matchJni() {
    Secp256k1 ffm = ffm();
    Secp256k1 jni = jni();
    Random random = new Random(7);
    // Two valid keys that land in the same cache slot (same low 10 bits of x), used alternately,
    // plus repeats.
    java.util.Map<Integer, byte[]> bySlot = new java.util.HashMap<>();
    byte[] a = null;
    byte[] b = null;
    while (a == null) {
      byte[] x = bytes(random, 32);
      if (!jni.isValidXOnly(x)) {
        continue;
      }
      int slot = ((x[31] & 0xff) | (x[30] & 0xff) << 8) & 1023;
      byte[] other = bySlot.putIfAbsent(slot, x);
      if (other != null) {
        a = other;
        b = x;
      }
    }
    byte[] sec = HEX.parseHex("b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef");
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      byte[] x = i % 2 == 0 ? a : b;
      byte[] expected = jni.ecdhX(sec, x);
      if (!Arrays.equals(ffm.ecdhX(sec, x), expected)
          || !Arrays.equals(ffm.ecdhX(sec, x.clone()), expected)) {
        failures.add(i + ": ecdhX differs");
      }
      if (!ffm.isValidXOnly(x)) {
        failures.add(i + ": valid key rejected");
      }
      // A signature by a different key never verifies against x, cached or not.
      byte[] msg = bytes(random, 32);
      byte[] sig = ffm.prepare(sec).sign(msg, new byte[32]);
      if (ffm.verify(sig, msg, x)) {
        failures.add(i + ": foreign signature verifies");
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void secretKeyRange_edges_matchJni() {
    for (String hex :
        List.of(
            "00".repeat(32),
            N,
            "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140",
            "00".repeat(31) + "01",
            "ff".repeat(32))) {
      byte[] sec = HEX.parseHex(hex);
      assertThat(ffm().isValidSecretKey(sec)).as(hex).isEqualTo(jni().isValidSecretKey(sec));
    }
    assertThat(ffm().isValidSecretKey(new byte[31])).isFalse();
  }

  @Test
  void invalidInputs_throwIllegalArgument() {
    Secp256k1 ffm = ffm();
    byte[] valid = HEX.parseHex("00".repeat(31) + "03");
    byte[] notOnCurve =
        HEX.parseHex("eefdea4cdb677750a420fee807eacf21eb9898ae79b9768766e4faa04a2d4a34");
    assertThat(ffm.isValidXOnly(notOnCurve)).isFalse();
    assertThatThrownBy(() -> ffm.prepare(new byte[32]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ffm.prepare(HEX.parseHex(N)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ffm.xOnlyPublicKey(new byte[32]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ffm.ecdhX(valid, notOnCurve))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ffm.ecdhX(new byte[32], ffm.xOnlyPublicKey(valid)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ffm.prepare(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ffm.prepare(valid).sign(new byte[32], new byte[31]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ffm.verify(new byte[63], new byte[32], ffm.xOnlyPublicKey(valid)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ffm.preparePublic(notOnCurve).verify(new byte[63], new byte[32]))
        .isInstanceOf(IllegalArgumentException.class);
    // A key that is not on the curve verifies nothing, and says so with false (not an exception).
    assertThat(ffm.verify(new byte[64], new byte[32], notOnCurve)).isFalse();
    assertThat(ffm.preparePublic(notOnCurve).verify(new byte[64], new byte[32])).isFalse();
  }

  @Test
  void sharedContextAndKeypair_twoThreads_noMismatch() throws Exception {
    Secp256k1 ffm = ffm();
    byte[] sec = HEX.parseHex("b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef");
    Secp256k1.PreparedKey shared = ffm.prepare(sec);
    byte[] pk = shared.xOnlyPublicKey();
    Secp256k1.PreparedPublicKey verifier = ffm.preparePublic(pk);
    Secp256k1 jni = jni();
    Callable<Integer> work =
        () -> {
          Random random = new Random(Thread.currentThread().threadId());
          int mismatches = 0;
          for (int i = 0; i < 2_000; i++) {
            byte[] msg = bytes(random, 32);
            byte[] aux = bytes(random, 32);
            byte[] sig = shared.sign(msg, aux);
            if (i % 10 == 0 && !Arrays.equals(sig, jni.prepare(sec).sign(msg, aux))) {
              mismatches++;
            }
            if (!verifier.verify(sig, msg)) {
              mismatches++;
            }
          }
          return mismatches;
        };
    try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
      Future<Integer> a = pool.submit(work);
      Future<Integer> b = pool.submit(work);
      assertThat(a.get() + b.get()).isZero();
    }
  }

  private static byte[] bytes(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
