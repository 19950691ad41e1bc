package dev.keycast.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonTest {
  @TempDir Path home;

  @Test
  void start_laterStepFails_closesWhatEarlierStepsStarted() throws Exception {
    int httpPort;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      httpPort = free.getLocalPort();
    }
    StringWriter out = new StringWriter();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      DaemonConfig config =
          DaemonConfig.builder()
              .home(home)
              .jdbcUrl("jdbc:sqlite:" + home.resolve("keycast.db"))
              .masterKeyFile(home.resolve("master.key"))
              .dev(true)
              .devRelayPort(
                  taken
                      .getLocalPort()) // the relay step fails after the store and HTTP have started
              .httpHost("127.0.0.1")
              .httpPort(httpPort)
              .workers(4)
              .cryptoThreads(1)
              .queueCapacity(16)
              .overflowCapacity(64)
              .clientBurst(20)
              .clientRatePerSecond(10)
              .shutdownDeadline(Duration.ofSeconds(1))
              .build();
      assertThatThrownBy(() -> Daemon.start(config, new PrintWriter(out, true)))
          .isInstanceOf(UsageException.class)
          .hasMessageContaining("--dev-relay-port");
    }
    // the HTTP endpoints were closed again: their port can be bound at once
    try (ServerSocket again = new ServerSocket(httpPort, 1, InetAddress.getByName("127.0.0.1"))) {
      assertThat(again.getLocalPort()).isEqualTo(httpPort);
    }
    assertThat(out.toString()).isEmpty(); // no summary for a daemon that did not start
  }
}
