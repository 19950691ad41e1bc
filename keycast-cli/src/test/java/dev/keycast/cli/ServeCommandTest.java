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
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** keycast serve: the daemon end to end in-process, and its start-up failures. */
class ServeCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path home;

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void assertFails(Cli.Result r, int code, String messagePart) {
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(code);
    assertThat(r.err()).as(r.toString()).contains("keycast: ").contains(messagePart);
  }

  @Test
  void serveDev_healthMetricsBunkerUriQr_thenStop_exit0() throws Exception {
    CommandLine cl = KeycastCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    CompletableFuture<Integer> exit =
        Cli.async(
            () ->
                cl.execute(
                    "--home",
                    home.toString(),
                    "serve",
                    "--dev",
                    "--http-port",
                    "0",
                    "--dev-relay-port",
                    "0",
                    "--workers",
                    "8",
                    "--crypto-threads",
                    "2"));
    ServeCommand serve = cl.getSubcommands().get("serve").getCommand();
    Daemon d = serve.awaitStarted(120, TimeUnit.SECONDS);
    assertThat(d).as("started; err: " + err).isNotNull();
    try {
      assertThat(out.toString())
          .contains("bunker://")
          .contains("/health")
          .contains("█")
          .contains("demo");
      assertThat(d.demoBunkerUri()).isNotNull();
      dev.keycast.nip46.BunkerUri uri = dev.keycast.nip46.BunkerUri.parse(d.demoBunkerUri());
      assertThat(uri.relays()).containsExactly(d.relays().get(0));

      // healthy once the bunker's relay connection is up (bounded wait)
      HttpResponse<String> health =
          await("healthy")
              .atMost(Duration.ofSeconds(30))
              .until(() -> get(d.httpPort(), "/health"), r -> r.statusCode() == 200);
      assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
      JsonNode h = JSON.readTree(health.body());
      assertThat(h.get("relays").get(d.relays().get(0)).asText()).isEqualTo("connected");
      assertThat(h.get("database").asText()).isEqualTo("ok");
      assertThat(h.get("queue").get("capacity").asInt()).isEqualTo(1024);
      assertThat(h.get("queue").has("depth")).isTrue();
      // a single daemon is a cluster of one: it answers the demo key
      JsonNode cluster = h.get("cluster");
      assertThat(cluster.get("instances").asInt()).as(health.body()).isEqualTo(1);
      assertThat(cluster.get("keys_owned").asInt()).as(health.body()).isEqualTo(1);
      assertThat(cluster.get("fenced").asBoolean()).isFalse();
      assertThat(cluster.get("instance").asText()).isNotBlank();

      String metrics = get(d.httpPort(), "/metrics").body();
      assertThat(metrics)
          .contains(
              "keycast_queue_depth",
              "keycast_queue_capacity",
              "keycast_queue_submitted_total",
              "keycast_cpu_threads",
              "keycast_bunker_rejected_total{reason=\"queue_full\"}",
              "keycast_relay_connected{relay=\"" + d.relays().get(0) + "\"} 1.0",
              "keycast_cluster_members 1.0",
              "keycast_cluster_keys_owned 1.0",
              "keycast_cluster_fenced 0.0",
              "keycast_cluster_takeovers_total",
              "jvm_memory_used_bytes");
      assertThat(metrics).doesNotContain(uri.secret());
    } finally {
      serve.requestStop();
    }
    assertThat(exit.get(60, TimeUnit.SECONDS)).as(err.toString()).isZero();
    // the relay and HTTP are closed
    assertThat(
            Cli.async(
                    () -> {
                      try {
                        get(d.httpPort(), "/health");
                        return "still up";
                      } catch (Exception e) {
                        return "down";
                      }
                    })
                .get(30, TimeUnit.SECONDS))
        .isEqualTo("down");
  }

  @Test
  void secondDaemonOnOneSqliteFile_exit64_whileCliCommandsStillWork() throws Exception {
    assertFails(
        new Cli(home).run("serve", "--dev", "--instance-id", "two words"),
        ExitCodes.USAGE,
        "--instance-id");
    try (DevDaemon first = new DevDaemon(home)) {
      Cli cli = new Cli(home);
      Cli.Result second = cli.run("serve", "--dev", "--http-port", "0", "--dev-relay-port", "0");
      assertFails(second, ExitCodes.USAGE, "another keycast serve is already running");
      assertThat(second.err()).contains("PostgreSQL");
      // the CLI does not take the daemon lock
      assertThat(cli.run("keys", "list", "--json").exitCode()).isZero();
      Cli.Result status = cli.run("cluster", "status", "--json");
      assertThat(status.exitCode()).as(status.toString()).isZero();
      JsonNode st = JSON.readTree(status.outTrim());
      assertThat(st.get("instances")).hasSize(1);
      assertThat(st.get("instances").get(0).get("live").asBoolean()).isTrue();
      assertThat(st.get("instances").get(0).get("keys_owned").asInt()).isEqualTo(1);
      assertThat(st.get("keys").asInt()).isEqualTo(1);
      assertThat(cli.run("cluster", "status").outTrim()).contains("LIVE").contains("yes");
      assertThat(
              java.util.Objects.requireNonNull(first.daemon.bunker())
                  .cluster()
                  .orElseThrow()
                  .keysOwned())
          .isEqualTo(1);
    }
    // once the first daemon stopped, the file is free again
    try (DevDaemon again = new DevDaemon(home)) {
      assertThat(
              java.util.Objects.requireNonNull(again.daemon.bunker())
                  .cluster()
                  .orElseThrow()
                  .instances())
          .isEqualTo(1);
    }
  }

  @Test
  void serveDev_secondRun_reusesDemoKeyAndAuthorization() throws Exception {
    String first;
    try (DevDaemon a = new DevDaemon(home)) {
      first = a.daemon.demoBunkerUri();
    }
    Cli cli = new Cli(home);
    assertThat(cli.run("keys", "list", "--json").out()).contains("\"demo\"");
    // the dev relay port differs (ephemeral), so a matching authorization is created; the key is
    // the same
    try (DevDaemon b = new DevDaemon(home)) {
      assertThat(b.output).doesNotContain("Created the demo key");
      assertThat(b.daemon.demoBunkerUri()).isNotNull().isNotEqualTo(first);
    }
  }

  @Test
  void serve_withoutMasterKey_exit64_saysInit() {
    Cli.Result r = new Cli(home).run("serve", "--relay", "ws://127.0.0.1:1", "--http-port", "0");
    assertFails(r, ExitCodes.USAGE, "keycast init");
  }

  @Test
  void serve_withoutRelay_exit64() {
    Cli cli = new Cli(home);
    assertThat(cli.run("init").exitCode()).isZero();
    assertFails(cli.run("serve", "--http-port", "0"), ExitCodes.USAGE, "--relay");
  }

  @Test
  void serve_wrongMasterKey_exit64() throws Exception {
    Cli cli = new Cli(home);
    assertThat(cli.run("init").exitCode()).isZero();
    Path other = home.resolve("other.key");
    dev.keycast.nip46.store.MasterKey.generate(other);
    assertFails(
        cli.run(
            "serve",
            "--relay",
            "ws://127.0.0.1:1",
            "--http-port",
            "0",
            "--master-key-file",
            other.toString()),
        ExitCodes.USAGE,
        "wrong master key");
  }

  @Test
  void serveDev_httpPortInUse_exit64_noDemoKeyWritten() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Cli cli = new Cli(home);
      Cli.Result r =
          cli.run(
              "serve",
              "--dev",
              "--http-port",
              Integer.toString(taken.getLocalPort()),
              "--dev-relay-port",
              "0");
      assertFails(r, ExitCodes.USAGE, "already in use");
      assertThat(r.err().strip().lines().count()).isEqualTo(1);
      assertThat(cli.run("keys", "list", "--json").outTrim()).isEqualTo("[]");
    }
  }

  @Test
  void serveDev_devRelayPortInUse_exit64() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Cli.Result r =
          new Cli(home)
              .run(
                  "serve",
                  "--dev",
                  "--http-port",
                  "0",
                  "--dev-relay-port",
                  Integer.toString(taken.getLocalPort()));
      assertFails(r, ExitCodes.USAGE, "--dev-relay-port");
    }
  }

  @Test
  void serve_unreachableRelay_health503WithReason() throws Exception {
    Cli cli = new Cli(home);
    assertThat(cli.run("init").exitCode()).isZero();
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closedPort = s.getLocalPort();
    }
    DaemonConfig config =
        DaemonConfig.builder()
            .home(home)
            .jdbcUrl("jdbc:sqlite:" + home.resolve("keycast.db"))
            .masterKeyFile(home.resolve("master.key"))
            .relays(java.util.List.of("ws://127.0.0.1:" + closedPort))
            .devRelayPort(0)
            .httpHost("127.0.0.1")
            .httpPort(0)
            .workers(4)
            .cryptoThreads(1)
            .queueCapacity(16)
            .overflowCapacity(64)
            .clientBurst(20)
            .clientRatePerSecond(10.0)
            .shutdownDeadline(java.time.Duration.ofSeconds(1))
            .build();
    try (Daemon d = Daemon.start(config, new PrintWriter(new StringWriter()))) {
      HttpResponse<String> r = get(d.httpPort(), "/health");
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(JSON.readTree(r.body()).get("reason").asText()).contains("no relay connected");
    }
  }

  @Test
  void serve_badOptions_exit64() {
    Cli cli = new Cli(home);
    assertFails(cli.run("serve", "--dev", "--http-port", "70000"), ExitCodes.USAGE, "0 to 65535");
    assertFails(
        cli.run("serve", "--dev", "--relay", "http://nope"), ExitCodes.USAGE, "not a relay URL");
    assertFails(cli.run("serve", "--workers", "x"), ExitCodes.USAGE, "--workers");
    assertThat(cli.run("init").exitCode()).isZero();
    assertFails(
        cli.run("serve", "--dev", "--http-port", "0", "--overflow-capacity", "0"),
        ExitCodes.USAGE,
        "--overflow-capacity");
    assertFails(
        cli.run("serve", "--dev", "--http-port", "0", "--refusal-threads", "65"),
        ExitCodes.USAGE,
        "--refusal-threads must be 1 to 64");
    assertFails(
        cli.run("serve", "--dev", "--http-port", "0", "--refusal-rate", "0"),
        ExitCodes.USAGE,
        "--refusal-rate must be at least 1");
  }
}
