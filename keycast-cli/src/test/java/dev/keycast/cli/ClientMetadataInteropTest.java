package dev.keycast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keycast.cli.internal.AdminToken;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client metadata end to end: nostr-tools' {@code BunkerSigner} (interop/client-metadata.mjs) sends
 * {@code {name, url, image}} as {@code connect}'s fourth parameter to a running daemon, which
 * stores it with the connected client; {@code GET /api/v1/clients} lists it. Hostile metadata (a 10
 * KB name with a script tag, bidi overrides, a NUL and a newline; a {@code javascript:} url; a
 * {@code data:} image) is stored bounded and cleaned, and the connect still succeeds. Skipped with
 * a message when node or {@code interop/node_modules} is missing, unless {@code CI=true}.
 */
class ClientMetadataInteropTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path home;

  @Test
  void bunkerSignerConnectMetadata_isStoredCleanedAndListed() throws Exception {
    NodeInterop.requireNode();
    try (DevDaemon d = new DevDaemon(home)) {
      Cli cli = new Cli(home);
      String friendlyClient = connect(d, cli, "--friendly");
      String hostileClient = connect(d, cli, "--hostile");

      HttpResponse<String> res =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + d.daemon.httpPort() + "/api/v1/clients"))
                      .header("Authorization", "Bearer " + AdminToken.load(home).value())
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
      JsonNode friendly = null;
      JsonNode hostile = null;
      for (JsonNode c : JSON.readTree(res.body())) {
        if (c.get("client_pubkey").asText().equals(friendlyClient)) {
          friendly = c;
        } else if (c.get("client_pubkey").asText().equals(hostileClient)) {
          hostile = c;
        }
      }
      assertThat(friendly).as(res.body()).isNotNull();
      assertThat(hostile).as(res.body()).isNotNull();
      assertThat(friendly.get("name").asText()).isEqualTo("Interop App");
      assertThat(friendly.get("url").asText()).isEqualTo("https://app.example");
      assertThat(friendly.get("image").asText()).isEqualTo("https://app.example/icon.png");

      String name = hostile.get("name").asText();
      assertThat(name).hasSize(100).startsWith("<script>alert(1)</script>Evil App");
      assertThat(name.codePoints())
          .noneMatch(cp -> Character.getType(cp) == Character.FORMAT || Character.isISOControl(cp));
      assertThat(hostile.get("url").isNull()).as("javascript: url dropped").isTrue();
      assertThat(hostile.get("image").isNull()).as("data: image dropped").isTrue();
    }
  }

  /** Authorizes a new client, runs the script, returns the client's pubkey (hex). */
  private static String connect(DevDaemon d, Cli cli, String which) throws Exception {
    Cli.Result auth =
        cli.run("authorize", "--key", Daemon.DEMO_KEY, "--relay", d.relay(), "--json");
    assertThat(auth.exitCode()).as(auth.toString()).isZero();
    JsonNode a = JSON.readTree(auth.out());
    d.awaitSignerKey(a.get("bunker_pubkey").asText());
    NodeInterop.Run run =
        NodeInterop.run(
            60,
            "client-metadata.mjs",
            a.get("bunker_uri").asText(),
            which,
            "--timeout-ms",
            "20000");
    assertThat(run.exitCode()).as(run.output()).isZero();
    List<JsonNode> steps = new ArrayList<>();
    for (String l : run.lines()) {
      if (l.startsWith("{\"step\"")) {
        steps.add(JSON.readTree(l));
      }
    }
    assertThat(steps)
        .extracting(s -> s.get("step").asText())
        .as(run.output())
        .containsExactly("connect", "get_public_key");
    assertThat(steps).allSatisfy(s -> assertThat(s.get("ok").asBoolean()).isTrue());
    return steps.get(0).get("client_pubkey").asText();
  }
}
