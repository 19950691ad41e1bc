package dev.keycast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code keycast serve} in a child JVM (its own process, as an operator runs it), on a shared
 * database: started with an instance id, stopped gracefully (SIGTERM) or killed (SIGKILL). Its
 * output goes to a log file in the test's folder, read for the HTTP address.
 */
final class ServeProcess implements AutoCloseable {
  private static final Pattern HEALTH = Pattern.compile("health:\\s+(http://\\S+)/health");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final String instanceId;
  private final Process process;
  private final Path log;
  private final String httpBase;

  private ServeProcess(String instanceId, Process process, Path log, String httpBase) {
    this.instanceId = instanceId;
    this.process = process;
    this.log = log;
    this.httpBase = httpBase;
  }

  /**
   * Starts {@code keycast serve} and waits (bounded) until it printed its HTTP address.
   *
   * @param dir folder for the instance's home and log
   * @param db the shared JDBC URL
   * @param masterKey the shared master key file
   * @param relay the relay all instances use
   */
  static ServeProcess start(Path dir, String instanceId, String db, Path masterKey, String relay)
      throws IOException, InterruptedException {
    Path log = dir.resolve(instanceId + ".log");
    Process p = processBuilder(dir, instanceId, db, masterKey, relay).start();
    CompletableFuture<String> base = new CompletableFuture<>();
    Thread.ofVirtual()
        .name("serve-output-" + instanceId)
        .start(
            () -> {
              try (BufferedReader r =
                      new BufferedReader(
                          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                  var w = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
                for (String line; (line = r.readLine()) != null; ) {
                  w.write(line);
                  w.newLine();
                  w.flush();
                  Matcher m = HEALTH.matcher(line);
                  if (m.find()) {
                    base.complete(m.group(1));
                  }
                }
              } catch (IOException e) {
                base.completeExceptionally(e);
              }
              base.completeExceptionally(new IllegalStateException("serve exited"));
            });
    try {
      return new ServeProcess(instanceId, p, log, base.get(60, TimeUnit.SECONDS));
    } catch (Exception e) {
      p.destroyForcibly();
      throw new AssertionError(
          "serve " + instanceId + " did not start: " + e + "\n" + Files.readString(log), e);
    }
  }

  /** The {@code keycast serve} command line, in a child JVM with this JVM's class path. */
  private static ProcessBuilder processBuilder(
      Path dir, String instanceId, String db, Path masterKey, String relay) throws IOException {
    Path home = Files.createDirectories(dir.resolve(instanceId));
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "--home",
                home.toString(),
                "serve",
                "--db",
                db,
                "--master-key-file",
                masterKey.toString(),
                "--relay",
                relay,
                "--http-port",
                "0",
                "--instance-id",
                instanceId,
                "--crypto-threads",
                "1",
                "--shutdown-timeout",
                "5"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment()
        .keySet()
        .removeIf(k -> k.startsWith("KEYCAST_") && !k.equals("KEYCAST_REQUIRE_PG"));
    return pb;
  }

  /** What a {@code keycast serve} that was expected to refuse did: its exit code and output. */
  record Refusal(int exitCode, String output) {}

  /**
   * Runs {@code keycast serve} expecting it to exit by itself (within 60 s), e.g. because it
   * refuses to start.
   */
  static Refusal runToExit(Path dir, String instanceId, String db, Path masterKey, String relay)
      throws IOException, InterruptedException {
    Process p = processBuilder(dir, instanceId, db, masterKey, relay).start();
    CompletableFuture<byte[]> out =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return p.getInputStream().readAllBytes();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("serve " + instanceId + " did not exit by itself");
    }
    return new Refusal(p.exitValue(), new String(out.join(), StandardCharsets.UTF_8));
  }

  /** GET of a path on the instance's HTTP port; the body, or null if it does not answer. */
  String get(String path) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(httpBase + path))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** The sum of the instance's request counters ({@code keycast_bunker_requests_seconds_count}). */
  long requestsAnswered() {
    long sum = 0;
    for (String line : get("/metrics").split("\n")) {
      if (line.startsWith("keycast_bunker_requests_seconds_count")) {
        sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: no handover, no flush; the way a crashed host looks to the others. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
  }

  /** SIGTERM, then waits for the exit; returns the exit code. */
  int terminate() throws InterruptedException {
    process.toHandle().destroy();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(instanceId + " exited").isTrue();
    return process.exitValue();
  }

  String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
