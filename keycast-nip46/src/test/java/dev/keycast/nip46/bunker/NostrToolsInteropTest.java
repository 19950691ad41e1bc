package dev.keycast.nip46.bunker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keycast.nip46.BunkerUri;
import dev.keycast.nip46.NostrConnectUri;
import dev.keycast.nip46.store.Authorization;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * A third-party client against the Bunker: nostr-tools' {@code BunkerSigner} (pinned in {@code
 * interop/}) drives every method over a dev relay, in both connection flows ({@code
 * interop/bunker-signer.mjs} and {@code interop/nostrconnect-client.mjs}, which share their method
 * steps). Skipped with a message when Node.js or the installed {@code interop/node_modules} are
 * missing ({@code ./test} installs them).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NostrToolsInteropTest {
  static final ObjectMapper JSON = new ObjectMapper();

  /** A kind the "social" policy refuses to sign. */
  static final String DENIED_KIND = "31337";

  static final List<String> STEPS =
      List.of(
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
  Fixture fx;
  Path interop;
  List<String> nodeCommand;

  @BeforeAll
  void setUp() throws Exception {
    interop = Path.of("").toAbsolutePath().getParent().resolve("interop");
    Assumptions.assumeTrue(
        Files.isDirectory(interop.resolve("node_modules/nostr-tools")),
        "SKIPPED: interop/node_modules missing (run ./test or npm ci in interop/)");
    int major;
    try {
      Process v = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      String version =
          new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
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

  /** A running {@code node interop/<script> args…} whose stdout lines arrive in a queue. */
  final class NodeRun implements AutoCloseable {
    final Process process;
    final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final StringBuilder stderr = new StringBuilder();

    /** Ends when node's stdout is closed: every line is in {@link #lines} then. */
    final Thread stdoutReader;

    NodeRun(String script, String... args) throws IOException {
      List<String> cmd = new ArrayList<>(nodeCommand);
      cmd.add(interop.resolve(script).toString());
      cmd.addAll(List.of(args));
      process = new ProcessBuilder(cmd).directory(interop.toFile()).start();
      stdoutReader =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try (BufferedReader r = process.inputReader(StandardCharsets.UTF_8)) {
                      for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                      }
                    } catch (IOException e) {
                      // process ended
                    }
                  });
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  stderr.append(
                      new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                  // process ended
                }
              });
    }

    String next() throws InterruptedException {
      String line = lines.poll(60, TimeUnit.SECONDS);
      assertThat(line).as("output from node (stderr: %s)", stderr).isNotNull();
      return line;
    }

    /**
     * Waits for the script to exit 0 with every step passed, and returns its steps by name (in
     * order).
     */
    Map<String, JsonNode> steps() throws Exception {
      assertThat(process.waitFor(90, TimeUnit.SECONDS))
          .as("node finished (stderr: %s)", stderr)
          .isTrue();
      assertThat(stdoutReader.join(Duration.ofSeconds(30)))
          .as("node's stdout read to the end")
          .isTrue();
      Map<String, JsonNode> steps = new LinkedHashMap<>();
      JsonNode summary = null;
      for (String line; (line = lines.poll()) != null; ) {
        JsonNode n = JSON.readTree(line);
        if (n.has("step")) {
          steps.put(n.get("step").asText(), n);
        } else if (n.has("summary")) {
          summary = n;
        }
      }
      String context = "steps: " + steps + ", stderr: " + stderr;
      assertThat(steps.values())
          .as(context)
          .allSatisfy(n -> assertThat(n.get("ok").asBoolean()).as(n.toString()).isTrue());
      assertThat(summary).as(context).isNotNull();
      assertThat(summary.get("failures").asInt()).as(context).isZero();
      assertThat(process.exitValue()).as(context).isZero();
      return steps;
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  /**
   * The connection and every method, all passed (see {@link NodeRun#steps}): the script checks
   * itself that the event verifies and is signed by the returned key and that a third party reads
   * the nip44/nip04 ciphertexts and the bunker reads the third party's; the error replies are an
   * expected error reply.
   */
  void assertEveryMethod(Map<String, JsonNode> s) throws Exception {
    assertThat(s.keySet()).as("steps: %s", s).containsExactlyElementsOf(STEPS);
    String user = fx.db.keys().find("alice").orElseThrow().publicKey().toHex();
    assertThat(s.get("get_public_key").get("pubkey").asText()).isEqualTo(user);
    assertThat(s.get("sign_event").get("event").get("pubkey").asText()).isEqualTo(user);
    assertThat(s.get("unknown_method").get("error").asText()).contains("unsupported method");
    assertThat(s.get("policy_denied").get("error").asText()).contains("permission denied");
  }

  @Test
  void nostrTools_bunkerUri_everyMethod() throws Exception {
    Authorization a = fx.authorize("social", 1);
    String uri = new BunkerUri(a.bunkerPublicKey(), a.relays(), a.secret()).format();
    try (NodeRun run =
        new NodeRun(
            "bunker-signer.mjs", uri, "--denied-kind", DENIED_KIND, "--timeout-ms", "30000")) {
      Map<String, JsonNode> s = run.steps();
      assertEveryMethod(s);
    }
  }

  @Test
  void nostrTools_nostrConnectUri_everyMethod() throws Exception {
    try (NodeRun run =
        new NodeRun(
            "nostrconnect-client.mjs",
            fx.relayUrls().get(0),
            "--denied-kind",
            DENIED_KIND,
            "--timeout-ms",
            "30000")) {
      NostrConnectUri uri =
          NostrConnectUri.parse(run.next()); // the first line is the nostrconnect:// URI
      fx.awaitSubscriber(
          uri.clientPubkey()); // the connect response is ephemeral: it reaches live subscriptions
      // only
      Authorization a = NostrConnectFlow.accept(fx.bunker, uri, "alice", "social", null);
      Map<String, JsonNode> s = run.steps();
      assertThat(s.get("connect").get("bunker_pubkey").asText())
          .isEqualTo(a.bunkerPublicKey().toHex());
      assertEveryMethod(s);
    }
  }
}
