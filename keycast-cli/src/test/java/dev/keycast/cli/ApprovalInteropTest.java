package dev.keycast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keycast.cli.internal.AdminToken;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Human approval with a third-party client: nostr-tools' {@code BunkerSigner}
 * (interop/approval.mjs) gets each {@code auth_url} in its {@code onauth} callback; this test
 * decides through {@code POST /api/v1/approvals/{id}}: allowed, the signed event arrives; denied,
 * an error reply; undecided, the daemon's approval timeout gives an error reply. Skipped with a
 * message when node or {@code interop/node_modules} is missing, unless {@code CI=true}.
 */
class ApprovalInteropTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path home;

  @Test
  void bunkerSignerOnauth_allowDenyTimeout() throws Exception {
    NodeInterop.requireNode();
    try (DevDaemon d = new DevDaemon(home, b -> b.approvalTimeout(Duration.ofSeconds(5)))) {
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
      String base = "http://127.0.0.1:" + d.daemon.httpPort();
      String token = AdminToken.load(home).value();
      HttpClient http = HttpClient.newHttpClient();

      Process node =
          NodeInterop.start(
              "approval.mjs",
              a.get("bunker_uri").asText(),
              "--kind",
              "30023",
              "--timeout-ms",
              "60000");
      List<String> lines = new ArrayList<>();
      List<Integer> decisions = new ArrayList<>();
      try (BufferedReader r =
          new BufferedReader(
              new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.add(line);
          if (!line.startsWith("{\"onauth\"")) {
            continue;
          }
          JsonNode onauth = JSON.readTree(line);
          String url = onauth.get("onauth").asText();
          assertThat(url).startsWith(base + "/approve/");
          String expect = onauth.get("expect").asText();
          if (expect.equals("timeout")) {
            continue; // nobody decides: the daemon's 5 s approval timeout answers
          }
          String id = url.substring(url.lastIndexOf('/') + 1);
          HttpResponse<String> decided =
              http.send(
                  HttpRequest.newBuilder(URI.create(base + "/api/v1/approvals/" + id))
                      .header("Authorization", "Bearer " + token)
                      .header("Content-Type", "application/json")
                      .POST(
                          HttpRequest.BodyPublishers.ofString("{\"decision\":\"" + expect + "\"}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          decisions.add(decided.statusCode());
        }
      } finally {
        if (!node.waitFor(120, TimeUnit.SECONDS)) {
          node.destroyForcibly();
        }
      }
      String output = String.join("\n", lines);
      assertThat(node.exitValue()).as(output).isZero();
      assertThat(decisions).as(output).containsExactly(200, 200);
      List<JsonNode> steps = new ArrayList<>();
      for (String l : lines) {
        if (l.startsWith("{\"step\"")) {
          steps.add(JSON.readTree(l));
        }
      }
      assertThat(steps)
          .extracting(s -> s.get("step").asText())
          .as(output)
          .containsExactly(
              "connect", "approved_sign_event", "denied_sign_event", "timed_out_sign_event");
      assertThat(steps).allSatisfy(s -> assertThat(s.get("ok").asBoolean()).as(output).isTrue());
      assertThat(steps.get(1).get("kind").asInt()).isEqualTo(30023);
      assertThat(steps.get(2).get("error").asText())
          .isEqualTo("permission denied: approval denied");
      assertThat(steps.get(3).get("error").asText())
          .isEqualTo("permission denied: approval timed out");
    }
  }
}
