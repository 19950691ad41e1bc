package dev.keycast.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keycast.cli.internal.AdminToken;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console in a real browser: headless Chromium (Debian's {@code chromium}, driven by the
 * pinned {@code playwright-core} in {@code interop/console-browser.mjs}) against a {@code serve
 * --dev}-like daemon, while nostr-tools' {@code BunkerSigner} raises real NIP-46 requests: sign-in
 * (a wrong token refused), creating an authorization and reading its URI (when the daemon serves
 * the admin API's authorizations), approving a request until its signed event arrives, a denial,
 * the tasks page moving under load, the overview's charts, a phone-sized viewport; client-supplied
 * markup shown as text. Screenshots go to {@code keycast-cli/target/console-img/} (copied to {@code
 * docs/img/} by hand).
 *
 * <p>Skipped with a visible message when no {@code chromium} can be found ({@code ./test} installs
 * it where it can) or when node or {@code interop/node_modules} is missing (unless {@code
 * CI=true}).
 */
class ConsoleBrowserTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path home;

  @Test
  void console_signInApproveDenyTasksUnderLoad() throws Exception {
    NodeInterop.requireNode();
    Path chromium = findChromium();
    if (chromium == null) {
      System.err.println(
          "SKIPPED console browser test: chromium not found (install Debian's 'chromium'"
              + " package, or set KEYCAST_CHROMIUM to its path)");
      assumeTrue(false, "chromium not found");
    }
    assumeTrue(
        Files.isDirectory(NodeInterop.DIR.resolve("node_modules/playwright-core")),
        "interop/node_modules/playwright-core missing: cd interop && npm ci");
    try (DevDaemon d = new DevDaemon(home, b -> b.approvalTimeout(Duration.ofMinutes(2)))) {
      Cli cli = new Cli(home);
      Cli.Result policy =
          cli.run(
              "policies",
              "create",
              "asking",
              "--allow",
              "sign_event:1",
              "--ask",
              "sign_event:30023");
      assertThat(policy.exitCode()).as(policy.toString()).isZero();
      Cli.Result auth =
          cli.run(
              "authorize",
              "--key",
              Daemon.DEMO_KEY,
              "--relay",
              d.relay(),
              "--policy",
              "asking",
              "--json");
      assertThat(auth.exitCode()).as(auth.toString()).isZero();
      JsonNode a = JSON.readTree(auth.out());
      d.awaitSignerKey(a.get("bunker_pubkey").asText());
      // the load of the tasks step: a policy whose rate limit the load cannot reach (the built-in
      // ones allow a client at most a few hundred requests a minute)
      Cli.Result loadPolicy =
          cli.run(
              "policies",
              "create",
              "load",
              "--allow",
              "sign_event:1",
              "--rate-limit",
              "1000000/min");
      assertThat(loadPolicy.exitCode()).as(loadPolicy.toString()).isZero();
      Cli.Result loadAuth =
          cli.run(
              "authorize",
              "--key",
              Daemon.DEMO_KEY,
              "--relay",
              d.relay(),
              "--policy",
              "load",
              "--max-uses",
              "0",
              "--json");
      assertThat(loadAuth.exitCode()).as(loadAuth.toString()).isZero();
      JsonNode load = JSON.readTree(loadAuth.out());
      d.awaitSignerKey(load.get("bunker_pubkey").asText());
      String base = "http://127.0.0.1:" + d.daemon.httpPort();
      String token = AdminToken.load(home).value();
      boolean adminApi = status(base + "/api/v1/authorizations", token) == 200;
      if (!adminApi) {
        System.err.println(
            "NOTE console browser test: /api/v1/authorizations is not served by this build;"
                + " the create-authorization and key/client/policy/audit page steps are left out");
      }
      Path img = Path.of("target/console-img").toAbsolutePath();
      List<String> args =
          new ArrayList<>(
              List.of(
                  base + "/console/",
                  "--token-file",
                  AdminToken.file(home).toString(),
                  "--ask-uri",
                  a.get("bunker_uri").asText(),
                  "--load-uri",
                  load.get("bunker_uri").asText(),
                  "--relay",
                  d.relay(),
                  "--img",
                  img.toString(),
                  "--chromium",
                  chromium.toString(),
                  "--timeout-ms",
                  "60000"));
      if (adminApi) {
        args.add("--admin-api");
      }
      NodeInterop.Run run =
          NodeInterop.run(300, "console-browser.mjs", args.toArray(String[]::new));
      List<JsonNode> steps = new ArrayList<>();
      for (String line : run.lines()) {
        if (line.startsWith("{\"step\"")) {
          steps.add(JSON.readTree(line));
        }
      }
      List<String> expected = new ArrayList<>(List.of("sign_in"));
      if (adminApi) {
        expected.add("create_authorization");
      }
      expected.addAll(
          List.of(
              "client_connect",
              "approve_in_console",
              "deny_in_console",
              "tasks_move_under_load",
              "overview_charts",
              "other_pages",
              "no_console_errors"));
      assertThat(steps)
          .extracting(s -> s.get("step").asText())
          .as(run.output())
          .containsExactlyElementsOf(expected);
      assertThat(steps)
          .allSatisfy(s -> assertThat(s.get("ok").asBoolean()).as(run.output()).isTrue());
      assertThat(run.exitCode()).as(run.output()).isZero();
      System.err.println("console browser test: " + run.output());
    }
  }

  /**
   * The page files are served with their types and the strict policy; no path leaves the folder.
   */
  @Test
  void consoleFiles_typesCspAndNoTraversal() throws Exception {
    try (DevDaemon d = new DevDaemon(home)) {
      String base = "http://127.0.0.1:" + d.daemon.httpPort();
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> index = get(http, base + "/console/");
      assertThat(index.statusCode()).isEqualTo(200);
      assertThat(index.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
      assertThat(index.headers().firstValue("Content-Security-Policy").orElseThrow())
          .contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'")
          .doesNotContain("unsafe");
      assertThat(index.body()).contains("<script type=\"module\" src=\"console.js\">");
      assertThat(get(http, base + "/console/console.js").headers().firstValue("Content-Type"))
          .hasValue("text/javascript; charset=utf-8");
      assertThat(get(http, base + "/console/console.css").headers().firstValue("Content-Type"))
          .hasValue("text/css; charset=utf-8");
      assertThat(get(http, base + "/console").statusCode()).isEqualTo(308);
      assertThat(get(http, base + "/console/..%2Flogback.xml").statusCode()).isEqualTo(404);
      assertThat(get(http, base + "/console/nothing.js").statusCode()).isEqualTo(404);
      String token = AdminToken.load(home).value();
      assertThat(status(base + "/api/v1/stats", "wrong-token-wrong-token")).isEqualTo(401);
      assertThat(status(base + "/api/v1/stats", token)).isEqualTo(200);
      assertThat(status(base + "/api/v1/tasks", token)).isEqualTo(200);
    }
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int status(String url, String token) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** {@code KEYCAST_CHROMIUM}, else {@code chromium} or {@code chromium-browser} on the PATH. */
  static @Nullable Path findChromium() {
    String env = System.getenv("KEYCAST_CHROMIUM");
    if (env != null && !env.isBlank()) {
      return Files.isExecutable(Path.of(env)) ? Path.of(env) : null;
    }
    String path = Objects.requireNonNullElse(System.getenv("PATH"), "/usr/bin:/bin");
    return Stream.of(path.split(File.pathSeparator))
        .flatMap(dir -> Stream.of("chromium", "chromium-browser").map(n -> Path.of(dir, n)))
        .filter(Files::isExecutable)
        .findFirst()
        .orElse(null);
  }
}
