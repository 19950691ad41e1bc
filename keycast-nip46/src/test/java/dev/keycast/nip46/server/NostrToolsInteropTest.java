package dev.keycast.nip46.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keycast.nip46.BunkerUri;
import dev.keycast.nip46.NostrConnectUri;
import dev.keycast.nip46.store.Authorization;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A third-party client against the Bunker: nostr-tools' {@code BunkerSigner} (pinned in {@code interop/}) drives
 * every method over a dev relay, in both connection flows. Skipped with a message when Node.js or the installed
 * {@code interop/node_modules} are missing ({@code ./test} installs them).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NostrToolsInteropTest {
  static final ObjectMapper JSON = new ObjectMapper();
  Fixture fx;
  Path script;
  List<String> nodeCommand;

  @BeforeAll
  void setUp() throws Exception {
    Path interop = Path.of("").toAbsolutePath().getParent().resolve("interop");
    script = interop.resolve("nip46/bunker-client.mjs");
    Assumptions.assumeTrue(Files.isDirectory(interop.resolve("node_modules/nostr-tools")),
        "SKIPPED: interop/node_modules missing (run ./test or npm ci in interop/)");
    int major;
    try {
      Process v = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      String version = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      v.waitFor(10, TimeUnit.SECONDS);
      major = Integer.parseInt(version.replaceFirst("^v(\\d+).*", "$1"));
    } catch (IOException | NumberFormatException e) {
      Assumptions.abort("SKIPPED: node not found: " + e.getMessage());
      return;
    }
    nodeCommand = new ArrayList<>(List.of("node"));
    if (major < 22) {
      nodeCommand.add("--experimental-websocket");
    }
    nodeCommand.add("--no-warnings");
    fx = new Fixture(1, b -> {});
  }

  @AfterAll
  void tearDown() throws Exception {
    if (fx != null) {
      fx.close();
    }
  }

  /** A running node process whose stdout lines arrive as JSON objects. */
  final class NodeRun implements AutoCloseable {
    final Process process;
    final LinkedBlockingQueue<JsonNode> lines = new LinkedBlockingQueue<>();
    final StringBuilder stderr = new StringBuilder();

    NodeRun(String... args) throws IOException {
      List<String> cmd = new ArrayList<>(nodeCommand);
      cmd.add(script.toString());
      cmd.addAll(List.of(args));
      process = new ProcessBuilder(cmd).directory(script.getParent().toFile()).start();
      Thread.ofVirtual().start(() -> {
        try (BufferedReader r = process.inputReader(StandardCharsets.UTF_8)) {
          for (String line; (line = r.readLine()) != null; ) {
            lines.add(JSON.readTree(line));
          }
        } catch (IOException e) {
          // process ended
        }
      });
      Thread.ofVirtual().start(() -> {
        try {
          stderr.append(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
          // process ended
        }
      });
    }

    JsonNode next() throws InterruptedException {
      JsonNode n = lines.poll(60, TimeUnit.SECONDS);
      assertThat(n).as("output from node (stderr: %s)", stderr).isNotNull();
      return n;
    }

    Map<String, JsonNode> rest() throws InterruptedException {
      assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("node finished (stderr: %s)", stderr).isTrue();
      Thread.sleep(100);
      Map<String, JsonNode> steps = new LinkedHashMap<>();
      for (JsonNode n; (n = lines.poll()) != null; ) {
        steps.put(n.get("step").asText(), n);
      }
      return steps;
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  void assertEveryMethod(Map<String, JsonNode> s) throws Exception {
    String user = fx.db.keys().find("alice").orElseThrow().publicKey().toHex();
    assertThat(s.get("get_public_key").get("value").asText()).isEqualTo(user);
    assertThat(s.get("ping").get("ok").asBoolean()).isTrue();
    JsonNode signed = s.get("sign_event");
    assertThat(signed.get("ok").asBoolean()).as("sign_event: %s", signed).isTrue();
    assertThat(signed.get("value").get("pubkey").asText()).isEqualTo(user);
    assertThat(s.get("sign_event_denied").get("ok").asBoolean()).isFalse();
    assertThat(s.get("sign_event_denied").get("error").asText()).contains("permission denied");
    assertThat(s.get("nip44_roundtrip").get("value").asText()).isEqualTo("nip44 ✓");
    assertThat(s.get("nip04_roundtrip").get("value").asText()).isEqualTo("nip04 ✓");
    assertThat(s.get("unknown_method").get("ok").asBoolean()).isFalse();
    assertThat(s.get("unknown_method").get("error").asText()).contains("unsupported method");
  }

  @Test
  void nostrTools_bunkerUri_everyMethod() throws Exception {
    Authorization a = fx.authorize("social", 1);
    String uri = new BunkerUri(a.bunkerPublicKey(), a.relays(), a.secret()).format();
    try (NodeRun run = new NodeRun("bunker", uri)) {
      Map<String, JsonNode> s = run.rest();
      assertThat(s.get("connect")).as("steps: %s, stderr: %s", s, run.stderr).isNotNull();
      assertThat(s.get("connect").get("ok").asBoolean()).as("connect: %s", s.get("connect")).isTrue();
      assertEveryMethod(s);
    }
  }

  @Test
  void nostrTools_nostrConnectUri_everyMethod() throws Exception {
    try (NodeRun run = new NodeRun("nostrconnect", fx.relayUrls().get(0))) {
      JsonNode first = run.next();
      assertThat(first.get("step").asText()).isEqualTo("uri");
      NostrConnectUri uri = NostrConnectUri.parse(first.get("value").asText());
      Thread.sleep(500); // let the client subscribe: the connect response is ephemeral
      Authorization a = NostrConnectFlow.accept(fx.bunker, uri, "alice", "social", null);
      Map<String, JsonNode> s = run.rest();
      assertThat(s.get("connected")).as("steps: %s, stderr: %s", s, run.stderr).isNotNull();
      assertThat(s.get("connected").get("value").asText()).isEqualTo(a.bunkerPublicKey().toHex());
      assertEveryMethod(s);
    }
  }
}
