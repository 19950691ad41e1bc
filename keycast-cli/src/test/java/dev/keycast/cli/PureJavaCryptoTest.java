package dev.keycast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * serve on the pure-Java crypto backend (not constant-time): refused unless
 * --allow-pure-java-crypto, allowed with a warning under --dev. Each case runs the real {@code
 * keycast} main in a child JVM with the backend forced to Java ({@code
 * -Dkeycast.crypto.backend=java}, as keycast-crypto's tests do): the choice is made once per JVM.
 */
class PureJavaCryptoTest {
  @TempDir Path home;

  private record Child(int exit, String out, String err) {}

  private Process start(String... args) throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-Dkeycast.crypto.backend=java",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "--home",
                home.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment()
        .keySet()
        .removeIf(k -> k.startsWith("KEYCAST_") && !k.equals("KEYCAST_REQUIRE_PG"));
    return pb.start();
  }

  /** Runs serve until it printed its summary (then stops it with SIGTERM) or exited by itself. */
  private Child serve(String... args) throws Exception {
    Process p = start(args);
    CompletableFuture<String> err =
        CompletableFuture.supplyAsync(
            () -> readAll(p.getErrorStream()), r -> Thread.ofVirtual().start(r));
    StringBuilder out = new StringBuilder();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        out.append(line).append('\n');
        if (line.startsWith("Stop with Ctrl-C")) {
          p.toHandle()
              .destroy(); // SIGTERM (the daemon drains and exits 0); Process.destroy would close
          // our pipes
        }
      }
    }
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("child exited").isTrue();
    return new Child(p.exitValue(), out.toString(), err.get(30, TimeUnit.SECONDS));
  }

  private static String readAll(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return e.toString();
    }
  }

  @Test
  void serve_pureJavaBackend_refusedExit64_namesTheOption_startsWithIt() throws Exception {
    assertThat(new Cli(home).run("init").exitCode()).isZero();
    Child refused = serve("serve", "--relay", "ws://127.0.0.1:1", "--http-port", "0");
    assertThat(refused.exit()).as(refused.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(refused.err())
        .as(refused.toString())
        .contains("keycast: the crypto backend is pure Java")
        .contains("not constant-time")
        .contains("--allow-pure-java-crypto");
    assertThat(refused.out()).doesNotContain("keycast serving on");

    Child allowed =
        serve(
            "serve", "--relay", "ws://127.0.0.1:1", "--http-port", "0", "--allow-pure-java-crypto");
    assertThat(allowed.exit()).as(allowed.toString()).isZero();
    assertThat(allowed.out())
        .as(allowed.toString())
        .contains("keycast serving on")
        .contains("WARNING: the crypto backend is pure Java")
        .contains("allowed by --allow-pure-java-crypto");
  }

  @Test
  void serveDev_pureJavaBackend_startsWithLoudWarning() throws Exception {
    Child dev = serve("serve", "--dev", "--http-port", "0", "--dev-relay-port", "0");
    assertThat(dev.exit()).as(dev.toString()).isZero();
    assertThat(dev.out())
        .as(dev.toString())
        .contains("bunker://")
        .contains("WARNING: the crypto backend is pure Java")
        .contains("under --dev only");
    assertThat(dev.err()).contains("WARN").contains("not constant-time");
  }
}
