package dev.keycast.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.crypto.internal.Backends;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backend selection: the setting is honoured, and a JVM without the native library falls back to
 * Java.
 */
class CryptoBackendTest {

  /**
   * The module's suite runs (at least) twice: the default surefire execution (auto, native here)
   * and the {@code java-backend} execution with {@code -Dkeycast.crypto.backend=java}; failsafe
   * adds an FFM run.
   */
  @Test
  void active_setting_isHonoured() {
    String setting = Backends.requestedSetting();
    String expectName = System.getProperty("keycast.test.expectBackend");
    if (setting.equals("java")) {
      assertThat(CryptoBackend.active()).isEqualTo(CryptoBackend.JAVA);
      assertThat(Backends.active().name()).isEqualTo("bouncycastle");
    } else {
      // ACINQ's JNI loads on every machine this build supports, so auto must pick native.
      assertThat(CryptoBackend.active()).isEqualTo(CryptoBackend.NATIVE);
    }
    if (expectName != null && expectName.equals("java")) {
      assertThat(setting).isEqualTo("java");
    }
  }

  @Test
  void active_calledTwice_sameInstance() {
    assertThat(Backends.active()).isSameAs(Backends.active());
  }

  @Test
  void factories_useActiveBackend_andAgreeWithJava() throws Exception {
    SecretKey key = SecretKey.fromHex("00".repeat(31) + "03");
    byte[] msg = new byte[32];
    byte[] aux = new byte[32];
    byte[] viaFactory = SchnorrSigner.create(key).sign(msg, aux);
    byte[] viaJava = new BackendSchnorrSigner(Backends.java(), key).sign(msg, aux);
    assertThat(viaFactory).isEqualTo(viaJava);
  }

  /**
   * Runs {@link FallbackProbe} in a child JVM whose class path lacks ACINQ's JNI jars, so
   * libsecp256k1 cannot load: the library must log a WARN, choose {@link CryptoBackend#JAVA}, and
   * still sign, verify and encrypt.
   */
  @Test
  void active_nativeLibraryMissing_fallsBackToJavaAndWorks(@TempDir Path tmp) throws Exception {
    Child c = runProbe(tmp, false, "auto");
    assertThat(c.exit).as("exit code; stderr:\n" + c.stderr).isZero();
    assertThat(c.stdout).contains("backend=JAVA name=bouncycastle").contains("OK");
    assertThat(c.stderr).contains("WARN").contains("could not be loaded");
  }

  @Test
  void active_nativeRequiredButMissing_throwsIllegalState(@TempDir Path tmp) throws Exception {
    Child c = runProbe(tmp, false, "native");
    assertThat(c.exit).isNotZero();
    assertThat(c.stderr)
        .contains("IllegalStateException")
        .contains("keycast.crypto.backend=native");
  }

  @Test
  void active_invalidSetting_throwsIllegalState(@TempDir Path tmp) throws Exception {
    Child c = runProbe(tmp, true, "fast");
    assertThat(c.exit).isNotZero();
    assertThat(c.stderr)
        .contains("IllegalStateException")
        .contains("invalid keycast.crypto.backend");
  }

  @Test
  void active_javaForcedWithNativeAvailable_usesJava(@TempDir Path tmp) throws Exception {
    Child c = runProbe(tmp, true, "java");
    assertThat(c.exit).as("exit code; stderr:\n" + c.stderr).isZero();
    assertThat(c.stdout).contains("backend=JAVA name=bouncycastle").contains("OK");
    assertThat(c.stderr).doesNotContain("WARN");
  }

  private record Child(int exit, String stdout, String stderr) {}

  /**
   * Runs {@link FallbackProbe} in a child JVM, with or without ACINQ's JNI jars on the class path.
   */
  private static Child runProbe(Path tmp, boolean withNativeJars, String setting) throws Exception {
    String classPath =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(
                e ->
                    withNativeJars
                        || !Path.of(e).getFileName().toString().startsWith("secp256k1-kmp-jni"))
            .collect(Collectors.joining(File.pathSeparator));
    if (!withNativeJars) {
      assertThat(classPath).doesNotContain("secp256k1-kmp-jni").contains("secp256k1-kmp-jvm");
    }
    Path out = tmp.resolve("out.txt");
    Path err = tmp.resolve("err.txt");
    Process p =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED",
                    "-cp",
                    classPath,
                    "-Dkeycast.crypto.backend=" + setting,
                    FallbackProbe.class.getName()))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    // A generous bound, not a timing assertion: the child does a handful of operations.
    assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
    return new Child(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
