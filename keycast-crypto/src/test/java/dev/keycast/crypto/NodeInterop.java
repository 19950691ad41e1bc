package dev.keycast.crypto;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the nostr-tools scripts under {@code interop/fixtures/} with Node for the interop tests.
 *
 * <p>{@link #require()} skips the calling test with a visible message when {@code node} is not on
 * the PATH or {@code interop/node_modules} is missing, unless the environment variable {@code CI}
 * is {@code true}: then it fails, because CI must exercise the interop path ({@code ./test} and
 * {@code .ci/run} run {@code npm ci} first).
 */
final class NodeInterop {
  /** The output of a finished Node process. */
  record Result(int exitCode, String output) {
    String lastLine() {
      return output.lines().reduce((a, b) -> b).orElse("");
    }
  }

  private final Path root;
  private final String node;

  private NodeInterop(Path root, String node) {
    this.root = root;
    this.node = node;
  }

  /** Returns a runner, or aborts (skips) the test, or fails it when {@code CI=true}. */
  static NodeInterop require() {
    Path root = repositoryRoot();
    String node = findNode();
    String missing = null;
    if (node == null) {
      missing = "node is not on the PATH";
    } else if (!Files.isDirectory(root.resolve("interop/node_modules/nostr-tools"))) {
      missing = "interop/node_modules is missing (run `npm ci` in interop/, as ./test does)";
    }
    if (missing != null) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(
            "CI=true but " + missing + ": the nostr-tools interop check cannot run");
      }
      Assumptions.abort("nostr-tools interop check skipped: " + missing);
    }
    return new NodeInterop(root, node);
  }

  /**
   * The repository root: the nearest directory above the working directory that holds the interop
   * scripts.
   */
  static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("interop/fixtures/verify.mjs"))) {
        return dir;
      }
    }
    throw new AssertionError(
        "no interop/fixtures/verify.mjs above " + Path.of("").toAbsolutePath());
  }

  private static String findNode() {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "node");
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }

  Path root() {
    return root;
  }

  /**
   * Runs {@code node <script> <args...>} in the repository root and waits for it (a hang guard of
   * 10 minutes).
   */
  Result run(String script, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(node);
    command.add(root.resolve(script).toString());
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("node " + script + " did not finish");
    }
    return new Result(p.exitValue(), output);
  }
}
