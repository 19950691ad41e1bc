package dev.keycast.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** relay and bench: outputs, JSON shapes and failure modes. */
class RelayBenchCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static void assertFails(Cli.Result r, int code, String messagePart) {
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(code);
    assertThat(r.err()).as(r.toString()).startsWith("keycast: ").contains(messagePart);
    // one line, plus picocli's "Try '… --help'" hint for usage errors
    assertThat(r.err().strip().lines().skip(1))
        .as("one line: " + r.err())
        .allSatisfy(l -> assertThat(l).startsWith("Try '"));
  }

  @Test
  void relay_servesWebSocketUntilStopped_exit0() throws Exception {
    CommandLine cl = KeycastCommand.commandLine();
    StringWriter out = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(new StringWriter(), true));
    CompletableFuture<Integer> exit = Cli.async(() -> cl.execute("relay", "--port", "0"));
    RelayCommand relay = cl.getSubcommands().get("relay").getCommand();
    try {
      servesUntilStopped(out);
    } finally {
      relay.stop.countDown();
    }
    assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
  }

  private static void servesUntilStopped(StringWriter out) throws Exception {
    String url =
        await("the relay prints its URL")
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    out.toString()
                        .lines()
                        .filter(l -> l.contains("ws://"))
                        .map(l -> l.replaceAll(".*(ws://\\S+).*", "$1"))
                        .findFirst()
                        .orElse(null),
                u -> u != null);
    WebSocket ws =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .buildAsync(URI.create(url), new WebSocket.Listener() {})
            .get(30, TimeUnit.SECONDS);
    ws.abort();
  }

  @Test
  void relay_portInUse_exit64() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      assertFails(
          Cli.exec("", "relay", "--port", Integer.toString(taken.getLocalPort())),
          ExitCodes.USAGE,
          "--port");
    }
  }

  @Test
  void bench_json_everyOperationPerBackend() throws Exception {
    Cli.Result r = Cli.exec("", "bench", "--backend", "java", "--seconds", "0.05", "--json");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode java = JSON.readTree(r.out()).get("java");
    assertThat(java).as(r.out()).isNotNull();
    for (String op : BenchCommand.OPS_LIST.split(", ")) {
      assertThat(java.get(op).asDouble()).as(op).isPositive();
    }
    assertFails(Cli.exec("", "bench", "--seconds", "0"), ExitCodes.USAGE, "--seconds");
    assertFails(Cli.exec("", "bench", "--backend", "quantum"), ExitCodes.USAGE, "quantum");
  }
}
