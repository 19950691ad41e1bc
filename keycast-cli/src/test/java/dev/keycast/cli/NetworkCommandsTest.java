package dev.keycast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.NostrConnectUri;
import dev.keycast.nip46.PermissionSet;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** connect and loadtest: outputs, JSON shapes and failure modes. */
class NetworkCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path home;

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  private static void assertFails(Cli.Result r, int code, String messagePart) {
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(code);
    assertThat(r.err()).as(r.toString()).startsWith("keycast: ").contains(messagePart);
    // one line, plus picocli's "Try '… --help'" hint for usage errors
    assertThat(r.err().strip().lines().skip(1))
        .as("one line: " + r.err())
        .allSatisfy(l -> assertThat(l).startsWith("Try '"));
  }

  private static String nostrConnectUri(String relay) {
    return new NostrConnectUri(
            SecretKey.generate().publicKey(),
            List.of(relay),
            "s3cret",
            PermissionSet.parse("sign_event:1"),
            "test client",
            null,
            null)
        .format();
  }

  @Test
  void connect_badUriUnknownKeyUnreachableRelay_documentedCodes_noAuthorizationWritten()
      throws Exception {
    Cli cli = new Cli(home);
    assertThat(cli.run("init").exitCode()).isZero();
    assertThat(cli.run("keys", "generate", "--name", "alice").exitCode()).isZero();
    assertFails(
        cli.run("connect", "nostrconnect://nothex?relay=ws://x", "--key", "alice"),
        ExitCodes.USAGE,
        "not a valid nostrconnect:// URI");
    assertFails(
        cli.run("connect", "bunker://abc", "--key", "alice"), ExitCodes.USAGE, "nostrconnect");
    String uri = nostrConnectUri("ws://127.0.0.1:" + closedPort());
    assertFails(cli.run("connect", uri, "--key", "nobody"), ExitCodes.USAGE, "unknown key");
    assertFails(
        cli.run("connect", uri, "--key", "alice", "--relay-timeout", "2"),
        ExitCodes.TEMPORARILY_UNAVAILABLE,
        "relays answered");
    assertThat(cli.run("authorizations", "list", "--json").outTrim()).isEqualTo("[]");
  }

  @Test
  void loadtest_againstDevDaemon_jsonShape_countsOk() throws Exception {
    try (DevDaemon d = new DevDaemon(home)) {
      Cli.Result r =
          Cli.exec(
              "",
              "loadtest",
              "--bunker",
              d.daemon.demoBunkerUri(),
              "--requests",
              "12",
              "--concurrency",
              "4",
              "--clients",
              "2",
              "--method",
              "sign_event",
              "--json");
      assertThat(r.exitCode()).as(r.toString()).isZero();
      JsonNode j = JSON.readTree(r.out());
      List<String> keys =
          List.of(
              "requests",
              "ok",
              "errors",
              "timeouts",
              "wrong_results",
              "wrong_replies",
              "duplicate_replies",
              "throughput_rps",
              "p50_ms",
              "p95_ms",
              "p99_ms",
              "max_ms",
              "driver",
              "driver_cpu_us_per_request",
              "build_cpu_us_per_request",
              "check_cpu_us_per_request");
      assertThat(j.size()).as(j.toString()).isEqualTo(keys.size());
      assertThat(keys).allSatisfy(k -> assertThat(j.has(k)).as(k).isTrue());
      assertThat(j.get("requests").asInt()).isEqualTo(12);
      assertThat(j.get("ok").asInt()).as(j.toString()).isEqualTo(12);
      assertThat(j.get("timeouts").asInt()).isZero();
      assertThat(j.get("errors").size()).isZero();
      assertThat(j.get("max_ms").asDouble()).isGreaterThanOrEqualTo(j.get("p50_ms").asDouble());

      Cli.Result text =
          Cli.exec(
              "",
              "loadtest",
              "--bunker",
              d.daemon.demoBunkerUri(),
              "--requests",
              "3",
              "--method",
              "ping");
      assertThat(text.exitCode()).as(text.toString()).isZero();
      assertThat(text.out()).contains("ok 3").contains("p95");
    }
  }

  @Test
  void loadtest_badUriOrUnreachableRelay_documentedCodes() throws Exception {
    assertFails(
        Cli.exec("", "loadtest", "--bunker", "bunker://zz"),
        ExitCodes.USAGE,
        "not a valid bunker:// URI");
    String uri =
        "bunker://"
            + SecretKey.generate().publicKey().toHex()
            + "?relay=ws://127.0.0.1:"
            + closedPort();
    assertFails(
        Cli.exec("", "loadtest", "--bunker", uri, "--connect-timeout", "2"),
        ExitCodes.TEMPORARILY_UNAVAILABLE,
        "no relay");
    assertFails(
        Cli.exec("", "loadtest", "--bunker", uri, "--requests", "0"),
        ExitCodes.USAGE,
        "--requests");
  }
}
