package dev.keycast.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * Runs the keycast command in-process with a given home, captured stdout/stderr and piped stdin.
 */
final class Cli {
  record Result(int exitCode, String out, String err) {
    String outTrim() {
      return out.strip();
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  private final Path home;

  Cli(Path home) {
    this.home = home;
  }

  Result run(String... args) {
    return runWithInput("", args);
  }

  Result runWithInput(String stdin, String... args) {
    List<String> all = new ArrayList<>();
    all.add("--home");
    all.add(home.toString());
    all.addAll(List.of(args));
    return exec(stdin, all.toArray(String[]::new));
  }

  /**
   * Runs {@code work} on a new platform thread. Tests must not park long-running commands on the
   * common pool: on a 2-core machine it has one thread, and the JDK's HTTP/WebSocket client
   * completes futures there.
   */
  static <T> java.util.concurrent.CompletableFuture<T> async(
      java.util.concurrent.Callable<T> work) {
    java.util.concurrent.CompletableFuture<T> f = new java.util.concurrent.CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                f.complete(work.call());
              } catch (Throwable e) {
                f.completeExceptionally(e);
              }
            },
            "test-command");
    t.setDaemon(true);
    t.start();
    return f;
  }

  static Result exec(String stdin, String... args) {
    return execWithEnv(java.util.Map.of(), stdin, args);
  }

  static Result execWithEnv(java.util.Map<String, String> env, String stdin, String... args) {
    CommandLine cl =
        KeycastCommand.commandLine(
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), env::get);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }
}
