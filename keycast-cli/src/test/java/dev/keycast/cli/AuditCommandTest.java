package dev.keycast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.store.AesGcmKeyEncryption;
import dev.keycast.nip46.store.AuditEntry;
import dev.keycast.nip46.store.AuditOutcome;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.store.MasterKey;
import dev.keycast.nip46.store.NewAuthorization;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keycast audit list / purge, and serve's --audit-retention. */
class AuditCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path home;
  private Cli cli;
  private long alice;
  private long bob;
  private final Instant now = Instant.now();

  @BeforeEach
  void setUp() {
    cli = new Cli(home);
    assertThat(cli.run("init").exitCode()).isZero();
    try (KeycastDatabase db = open()) {
      db.keys().generate("alice");
      db.keys().generate("bob");
      alice =
          db.authorizations()
              .create(NewAuthorization.builder("alice").relays("ws://127.0.0.1:1").build())
              .id();
      bob =
          db.authorizations()
              .create(NewAuthorization.builder("bob").relays("ws://127.0.0.1:1").build())
              .id();
      db.audit()
          .recordAll(
              List.of(
                  entry(alice, now.minus(Duration.ofDays(200)), "sign_event"),
                  entry(alice, now.minus(Duration.ofDays(2)), "nip44_decrypt"),
                  entry(bob, now.minus(Duration.ofHours(1)), "ping")));
    }
  }

  private KeycastDatabase open() {
    return KeycastDatabase.open(
        "jdbc:sqlite:" + home.resolve("keycast.db"),
        AesGcmKeyEncryption.create(MasterKey.read(home.resolve("master.key"))));
  }

  private static AuditEntry entry(long auth, Instant at, String method) {
    return new AuditEntry(
        at,
        auth,
        SecretKey.generate().publicKey(),
        method,
        method.equals("sign_event") ? 1 : null,
        AuditOutcome.ALLOWED,
        null);
  }

  private List<String> methods(String... args) throws Exception {
    Cli.Result r = cli.run(args);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode rows = JSON.readTree(r.out());
    return rows.findValuesAsText("method");
  }

  private static void assertUsage(Cli.Result r, String messagePart) {
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).as(r.toString()).startsWith("keycast: ").contains(messagePart);
  }

  @Test
  void list_filters_newestFirst() throws Exception {
    assertThat(methods("audit", "list", "--json"))
        .containsExactly("ping", "nip44_decrypt", "sign_event");
    assertThat(methods("audit", "list", "--json", "--key", "alice"))
        .containsExactly("nip44_decrypt", "sign_event");
    assertThat(methods("audit", "list", "--json", "--authorization", Long.toString(bob)))
        .containsExactly("ping");
    assertThat(
            methods(
                "audit", "list", "--json", "--key", "alice", "--authorization", Long.toString(bob)))
        .isEmpty();
    assertThat(methods("audit", "list", "--json", "--since", "7d"))
        .containsExactly("ping", "nip44_decrypt");
    assertThat(methods("audit", "list", "--json", "--limit", "1")).containsExactly("ping");
    JsonNode row = JSON.readTree(cli.run("audit", "list", "--json", "--limit", "1").out()).get(0);
    assertThat(row.get("authorization").asLong()).isEqualTo(bob);
    assertThat(row.get("outcome").asText()).isEqualTo("allowed");
    assertThat(row.get("client_pubkey").asText()).matches("[0-9a-f]{64}");
    assertThat(cli.run("audit", "list").out()).contains("sign_event").contains("METHOD");
  }

  @Test
  void list_badInput_exit64() {
    assertUsage(cli.run("audit", "list", "--since", "yesterday"), "--since");
    assertUsage(cli.run("audit", "list", "--limit", "0"), "--limit");
    assertUsage(cli.run("audit", "list", "--limit", "10001"), "--limit");
    assertUsage(cli.run("audit", "list", "--key", "carol"), "unknown key 'carol'");
    assertUsage(cli.run("audit", "list", "--authorization", "x"), "--authorization");
  }

  @Test
  void purge_before_deletesOlderOnly() throws Exception {
    Cli.Result r = cli.run("audit", "purge", "--before", "30d", "--json");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode j = JSON.readTree(r.out());
    assertThat(j.get("purged").asLong()).isEqualTo(1);
    assertThat(Instant.parse(j.get("before").asText()))
        .isBetween(now.minus(Duration.ofDays(31)), Instant.now());
    assertThat(methods("audit", "list", "--json")).containsExactly("ping", "nip44_decrypt");
    assertThat(cli.run("audit", "purge", "--before", "2000-01-01").out())
        .contains("Purged 0 audit entries");
  }

  @Test
  void purge_badInput_exit64_nothingDeleted() throws Exception {
    assertUsage(cli.run("audit", "purge"), "--before");
    assertUsage(cli.run("audit", "purge", "--before", "last week"), "--before");
    assertUsage(cli.run("audit", "purge", "--before", "2026-02-30"), "--before");
    assertThat(methods("audit", "list", "--json")).hasSize(3);
  }

  @Test
  void serve_auditRetention_purgesOlderAtStart() throws Exception {
    DaemonConfig config = config(Duration.ofDays(30));
    try (Daemon d = Daemon.start(config, new PrintWriter(new StringWriter()))) {
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> methods("audit", "list", "--json").size() == 2);
      assertThat(methods("audit", "list", "--json")).containsExactly("ping", "nip44_decrypt");
    }
  }

  @Test
  void serve_auditRetention_parsing() {
    assertThat(ServeCommand.retention("0")).isZero();
    assertThat(ServeCommand.retention("forever")).isZero();
    assertThat(ServeCommand.retention("90d")).isEqualTo(Duration.ofDays(90));
    assertThat(config(Duration.ZERO).auditRetention()).isZero();
    assertThat(
            DaemonConfig.builder()
                .home(home)
                .jdbcUrl("jdbc:sqlite:x")
                .masterKeyFile(home)
                .devRelayPort(0)
                .httpHost("h")
                .httpPort(0)
                .workers(1)
                .cryptoThreads(1)
                .queueCapacity(1)
                .overflowCapacity(1)
                .clientBurst(1)
                .clientRatePerSecond(1)
                .shutdownDeadline(Duration.ZERO)
                .build()
                .auditRetention())
        .isEqualTo(Duration.ofDays(90));
    assertUsage(
        cli.run(
            "serve",
            "--relay",
            "ws://127.0.0.1:1",
            "--http-port",
            "0",
            "--audit-retention",
            "soon"),
        "--audit-retention");
  }

  private DaemonConfig config(Duration retention) {
    return DaemonConfig.builder()
        .home(home)
        .jdbcUrl("jdbc:sqlite:" + home.resolve("keycast.db"))
        .masterKeyFile(home.resolve("master.key"))
        .relays(List.of("ws://127.0.0.1:1"))
        .devRelayPort(0)
        .httpHost("127.0.0.1")
        .httpPort(0)
        .workers(2)
        .cryptoThreads(1)
        .queueCapacity(16)
        .overflowCapacity(64)
        .clientBurst(20)
        .clientRatePerSecond(10.0)
        .shutdownDeadline(Duration.ofSeconds(1))
        .auditRetention(retention)
        .build();
  }
}
