package dev.keycast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nostr-tools' {@code BunkerSigner} (the pinned npm package in {@code interop/}) against a {@code
 * serve --dev}-like daemon over the dev relay, and the {@code nostrconnect://} flow through {@code
 * keycast connect}. Skipped with a message when node or {@code interop/node_modules} is missing,
 * unless {@code CI=true}.
 */
class InteropTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path home;

  @Test
  void bunkerSigner_everyMethod_errorRepliesForUnknownAndDenied() throws Exception {
    NodeInterop.requireNode();
    try (DevDaemon d = new DevDaemon(home)) {
      Cli.Result auth =
          new Cli(home)
              .run(
                  "authorize",
                  "--key",
                  Daemon.DEMO_KEY,
                  "--relay",
                  d.relay(),
                  "--kinds",
                  "1",
                  "--max-uses",
                  "3",
                  "--json");
      assertThat(auth.exitCode()).as(auth.toString()).isZero();
      JsonNode a = JSON.readTree(auth.out());
      d.awaitSignerKey(a.get("bunker_pubkey").asText());

      NodeInterop.Run run =
          NodeInterop.run(
              180,
              "bunker-signer.mjs",
              a.get("bunker_uri").asText(),
              "--denied-kind",
              "4",
              "--timeout-ms",
              "30000");
      assertThat(run.exitCode()).as(run.output()).isZero();
      List<JsonNode> steps = new ArrayList<>();
      for (String line : run.lines()) {
        if (line.startsWith("{\"step\"")) {
          steps.add(JSON.readTree(line));
        }
      }
      assertThat(steps)
          .extracting(s -> s.get("step").asText())
          .containsExactly(
              "connect",
              "get_public_key",
              "sign_event",
              "nip44_encrypt",
              "nip44_decrypt",
              "nip04_encrypt",
              "nip04_decrypt",
              "ping",
              "unknown_method",
              "policy_denied");
      assertThat(steps)
          .allSatisfy(s -> assertThat(s.get("ok").asBoolean()).as(s.toString()).isTrue());
      assertThat(steps.get(1).get("pubkey").asText()).isEqualTo(a.get("user_pubkey").asText());
      assertThat(steps.get(8).get("error").asText()).isNotBlank();
      assertThat(steps.get(9).get("error").asText()).isNotBlank();
    }
  }

  @Test
  void nostrConnect_clientInitiated_acceptedByKeycastConnect() throws Exception {
    NodeInterop.requireNode();
    try (DevDaemon d = new DevDaemon(home)) {
      Process node =
          NodeInterop.start(
              "nostrconnect-client.mjs", d.relay(), "--denied-kind", "4", "--timeout-ms", "60000");
      try {
        BufferedReader r =
            new BufferedReader(
                new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
        String uri = r.readLine();
        assertThat(uri).as("first line of nostrconnect-client.mjs").startsWith("nostrconnect://");
        Cli.Result connect =
            new Cli(home).run("connect", uri, "--key", Daemon.DEMO_KEY, "--linger", "3");
        assertThat(connect.exitCode()).as(connect.toString()).isZero();
        assertThat(connect.out()).contains("Accepted 'nostr-tools interop'");
        List<String> rest = new ArrayList<>();
        String line;
        while ((line = r.readLine()) != null) {
          rest.add(line);
        }
        assertThat(node.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String output = String.join("\n", rest);
        assertThat(node.exitValue()).as(output).isZero();
        List<JsonNode> steps = new ArrayList<>();
        for (String l : rest) {
          if (l.startsWith("{\"step\"")) {
            steps.add(JSON.readTree(l));
          }
        }
        // connected, then every method as in the bunker:// flow (the steps are shared:
        // interop/steps.mjs)
        assertThat(steps)
            .extracting(s -> s.get("step").asText())
            .as(output)
            .containsExactly(
                "connect",
                "get_public_key",
                "sign_event",
                "nip44_encrypt",
                "nip44_decrypt",
                "nip04_encrypt",
                "nip04_decrypt",
                "ping",
                "unknown_method",
                "policy_denied");
        assertThat(steps)
            .allSatisfy(s -> assertThat(s.get("ok").asBoolean()).as(s.toString()).isTrue());
        assertThat(steps.get(8).get("error").asText()).isNotBlank();
        assertThat(steps.get(9).get("error").asText()).isNotBlank();
        // the authorization carries the client's name and is used up (single use)
        JsonNode list = JSON.readTree(new Cli(home).run("authorizations", "list", "--json").out());
        assertThat(list.toString()).contains("nostr-tools interop");
        JsonNode granted = null;
        for (JsonNode row : list) {
          if ("nostr-tools interop".equals(row.path("label").asText())) {
            granted = row;
          }
        }
        assertThat(granted).as(list.toString()).isNotNull();
        assertThat(steps.get(0).get("bunker_pubkey").asText())
            .isEqualTo(granted.get("bunker_pubkey").asText());
        assertThat(steps.get(1).get("pubkey").asText())
            .isEqualTo(granted.get("user_pubkey").asText());
      } finally {
        node.destroyForcibly();
      }
    }
  }
}
