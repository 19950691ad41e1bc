package dev.keycast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command whose PostgreSQL database cannot be reached says so and exits with 75 (retry later)
 * within 5 s, whether the server refuses connections or accepts them and never answers (issue 16,
 * item 5). Both "servers" are real sockets on loopback; no PostgreSQL is needed.
 */
class DatabaseUnreachableTest {
  private static final Duration BOUND = Duration.ofSeconds(5);

  @TempDir Path home;
  private Cli cli;

  @BeforeEach
  void setUp() {
    cli = new Cli(home);
    assertThat(cli.run("init").exitCode()).isZero(); // the master key the commands below read
  }

  @Test
  void refusedConnections_exit75WithAClearMessage() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort(); // closed again: connections to it are refused
    }
    assertUnreachable(port);
  }

  @Test
  void silentServer_exit75WithinTheBound() throws Exception {
    List<Socket> held = new ArrayList<>();
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor =
          Thread.ofVirtual()
              .start(
                  () -> {
                    while (!s.isClosed()) {
                      try {
                        held.add(s.accept()); // accept, then never say a word
                      } catch (IOException e) {
                        return;
                      }
                    }
                  });
      try {
        assertUnreachable(s.getLocalPort());
      } finally {
        s.close();
        acceptor.join();
        for (Socket c : held) {
          c.close();
        }
      }
    }
  }

  private void assertUnreachable(int port) {
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/keycast?user=postgres";
    for (String[] args :
        List.of(
            new String[] {"keys", "list", "--db", url},
            new String[] {"authorizations", "list", "--db", url})) {
      long start = System.nanoTime();
      Cli.Result r = cli.run(args);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.TEMPORARILY_UNAVAILABLE);
      assertThat(r.err()).as(r.toString()).startsWith("keycast: database unreachable");
      assertThat(took).as("%s took %s", String.join(" ", args), took).isLessThan(BOUND);
    }
  }
}
