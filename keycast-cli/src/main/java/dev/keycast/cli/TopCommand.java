package dev.keycast.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keycast.cli.internal.AdminToken;
import dev.keycast.cli.internal.Json;
import dev.keycast.cli.internal.TopView;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keycast top}: the running daemon's task view ({@code GET /api/v1/tasks}) in the terminal,
 * refreshed like {@code top}, or once as text or JSON. Reads the admin token from {@code
 * KEYCAST_HOME}. Exits with {@link ExitCodes#TEMPORARILY_UNAVAILABLE} when the daemon cannot be
 * reached.
 */
@Command(
    name = "top",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description =
        "Shows what the running daemon is doing: queue, workers, CPU pool and every request in flight"
            + " (GET /api/v1/tasks), refreshed until Ctrl-C.")
public final class TopCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--url",
      paramLabel = "URL",
      defaultValue = "${env:KEYCAST_ADMIN_URL:-http://127.0.0.1:3000}",
      description = "The daemon's HTTP address (env KEYCAST_ADMIN_URL).")
  String url;

  @Option(
      names = "--sort",
      paramLabel = "age|cpu",
      defaultValue = "age",
      description = "Order of the requests: oldest first (age) or most CPU time first (cpu).")
  String sort;

  @Option(
      names = "--interval",
      paramLabel = "DURATION",
      defaultValue = "1s",
      description = "Refresh interval.")
  String interval;

  @Option(names = "--rows", paramLabel = "N", defaultValue = "30", description = "Requests shown.")
  int rows;

  @Option(names = "--once", description = "Print one snapshot and exit.")
  boolean once;

  @Option(names = "--json", description = "With --once: print the API's JSON as is.")
  boolean json;

  /** Creates the command. */
  public TopCommand() {}

  @Override
  public Integer call() throws IOException, InterruptedException {
    TopView.Sort order;
    try {
      order = TopView.Sort.valueOf(sort.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--sort must be age or cpu, not " + sort, e);
    }
    if (json && !once) {
      throw new UsageException("--json needs --once");
    }
    if (rows < 1) {
      throw new UsageException("--rows must be at least 1");
    }
    Duration every;
    try {
      every = dev.keycast.cli.internal.Durations.parse(interval);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--interval: " + e.getMessage(), e);
    }
    String token = AdminToken.load(Globals.home(spec)).value();
    URI tasks = URI.create(url.replaceAll("/+$", "") + "/api/v1/tasks");
    PrintWriter out = spec.commandLine().getOut();
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
      while (true) {
        String body = fetch(http, tasks, token);
        if (json) {
          out.println(body.strip());
        } else {
          if (!once) {
            out.print("\033[H\033[2J"); // home, clear screen
          }
          out.print(TopView.render(Json.read(body.getBytes(StandardCharsets.UTF_8)), order, rows));
        }
        out.flush();
        if (once) {
          return ExitCodes.OK;
        }
        Thread.sleep(Math.max(100, every.toMillis()));
      }
    }
  }

  private static String fetch(HttpClient http, URI uri, String token)
      throws IOException, InterruptedException {
    HttpResponse<String> r;
    try {
      r =
          http.send(
              HttpRequest.newBuilder(uri)
                  .timeout(Duration.ofSeconds(10))
                  .header("Authorization", "Bearer " + token)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new RelayUnavailableException(
          "cannot reach the daemon at " + uri + ": is 'keycast serve' running? (--url)", e);
    }
    if (r.statusCode() == 401) {
      throw new UsageException(
          "the daemon refused the admin token: is KEYCAST_HOME the daemon's home?");
    }
    if (r.statusCode() != 200) {
      JsonNode err = Json.read(r.body().getBytes(StandardCharsets.UTF_8));
      throw new UsageException(
          "GET " + uri + " answered " + r.statusCode() + ": " + err.path("error").asText(""));
    }
    return r.body();
  }
}
