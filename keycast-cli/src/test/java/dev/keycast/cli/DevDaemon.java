package dev.keycast.cli;

import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A {@code serve --dev}-like daemon in-process: temp home, in-process dev relay and HTTP on
 * ephemeral ports.
 */
final class DevDaemon implements AutoCloseable {
  final Path home;
  final Daemon daemon;
  final String output;
  final String jdbcUrl;

  DevDaemon(Path home) {
    this(home, b -> {});
  }

  /** With extra settings ({@code customize} may set what the defaults below leave unset). */
  DevDaemon(Path home, java.util.function.Consumer<DaemonConfig.Builder> customize) {
    this(home, "jdbc:sqlite:" + home.resolve("keycast.db"), customize);
  }

  /** A dev daemon on another database (e.g. a PostgreSQL schema). */
  DevDaemon(Path home, String jdbcUrl) {
    this(home, jdbcUrl, b -> {});
  }

  private DevDaemon(
      Path home, String jdbcUrl, java.util.function.Consumer<DaemonConfig.Builder> customize) {
    this.home = home;
    this.jdbcUrl = jdbcUrl;
    StringWriter out = new StringWriter();
    DaemonConfig.Builder builder =
        DaemonConfig.builder()
            .home(home)
            .jdbcUrl(jdbcUrl)
            .masterKeyFile(home.resolve("master.key"))
            .dev(true)
            .devRelayPort(0)
            .httpHost("127.0.0.1")
            .httpPort(0)
            .workers(16)
            .cryptoThreads(2)
            .queueCapacity(256)
            .overflowCapacity(1024)
            .clientBurst(1000)
            .clientRatePerSecond(1000.0)
            .shutdownDeadline(Duration.ofSeconds(5));
    customize.accept(builder);
    DaemonConfig config = builder.build();
    this.daemon = Daemon.start(config, new PrintWriter(out, true));
    this.output = out.toString();
  }

  String relay() {
    return daemon.relays().get(0);
  }

  /**
   * Waits (bounded) until the bunker subscribed to a signer key (it polls the store about every
   * second).
   */
  void awaitSignerKey(String bunkerPubkeyHex) {
    await("the daemon subscribed to " + bunkerPubkeyHex)
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                daemon.bunker() != null && daemon.bunker().signerKeys().contains(bunkerPubkeyHex));
  }

  @Override
  public void close() {
    daemon.close();
  }
}
