package dev.keycast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.BunkerUri;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.client.Nip46Client;
import dev.keycast.nip46.client.Nip46Result;
import dev.keycast.nip46.relay.DevRelay;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keycast authorize} while a daemon runs (issue 12): the command returns only once the
 * daemon's subscription for the new bunker key is in place, so a {@code connect} sent at once is
 * answered (kind 24133 is not stored by relays: sent before, it would be lost). On SQLite (CLI and
 * daemon are separate database handles) and on PostgreSQL.
 */
class AuthorizeWhileServingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path home;

  @Test
  void sqlite_authorizeThenImmediateConnect_answered() throws Exception {
    try (DevDaemon d = new DevDaemon(home)) {
      for (int round = 0; round < 3; round++) {
        authorizeThenConnect(d, new Cli(home));
      }
    }
  }

  /**
   * The authorization names a relay the daemon is not connected to yet: {@code authorize} must also
   * wait until the daemon is connected and subscribed there (its URI lists only that relay).
   */
  @Test
  void sqlite_authorizeNamingANewRelay_thenImmediateConnect_answered() throws Exception {
    try (DevDaemon d = new DevDaemon(home)) {
      for (int round = 0; round < 3; round++) {
        try (DevRelay fresh = DevRelay.start("127.0.0.1", 0)) {
          authorizeThenConnect(d, new Cli(home), fresh.url());
        }
      }
    }
  }

  @Test
  void postgres_authorizeThenImmediateConnect_answered() throws Exception {
    String schema = "kc_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    String admin = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&connectTimeout=3";
    try (Connection c = DriverManager.getConnection(admin);
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      Assumptions.abort("PostgreSQL unreachable: " + e.getMessage());
    }
    String url = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&currentSchema=" + schema;
    try (DevDaemon d = new DevDaemon(home, url)) {
      for (int round = 0; round < 3; round++) {
        authorizeThenConnect(d, new Cli(home));
      }
    } finally {
      try (Connection c = DriverManager.getConnection(admin);
          Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA " + schema + " CASCADE");
      }
    }
  }

  private void authorizeThenConnect(DevDaemon d, Cli cli) throws Exception {
    authorizeThenConnect(d, cli, d.relay());
  }

  private void authorizeThenConnect(DevDaemon d, Cli cli, String relay) throws Exception {
    Cli.Result auth =
        cli.run(
            "authorize", "--db", d.jdbcUrl, "--key", Daemon.DEMO_KEY, "--relay", relay, "--json");
    assertThat(auth.exitCode()).as(auth.toString()).isZero();
    assertThat(auth.err()).as("no warning that the daemon lagged").doesNotContain("warning");
    JsonNode a = JSON.readTree(auth.out());
    try (Nip46Client c =
        Nip46Client.builder(BunkerUri.parse(a.get("bunker_uri").asText()), SecretKey.generate())
            .timeout(Duration.ofSeconds(10))
            .build()) {
      assertThat(c.awaitConnected(Duration.ofSeconds(10))).isTrue();
      // no wait for the daemon here: that is the point
      assertThat(c.connect(PermissionSet.empty()).get(15, TimeUnit.SECONDS))
          .isEqualTo(new Nip46Result.Success("ack"));
    }
  }
}
