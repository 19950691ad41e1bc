package dev.keycast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.nip46.relay.DevRelay;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQLite daemon lock across processes (issue 12): a second {@code keycast serve} process on the
 * same database file refuses to start (exit code 64, a message naming the cause) while the first
 * runs; after the first is killed with SIGKILL (no clean shutdown), the operating system has
 * released the lock and a new daemon starts.
 */
class SqliteDaemonLockProcessTest {
  @TempDir Path dir;

  @Test
  void secondProcessRefused_exit64_thenStartsAfterTheFirstIsKilled() throws Exception {
    try (DevRelay relay = DevRelay.start("127.0.0.1", 0)) {
      Cli admin = new Cli(dir.resolve("admin"));
      String db = "jdbc:sqlite:" + dir.resolve("keycast.db");
      Cli.Result init = admin.run("init", "--db", db);
      assertThat(init.exitCode()).as(init.toString()).isZero();
      Path masterKey = dir.resolve("admin").resolve("master.key");
      try (ServeProcess first = ServeProcess.start(dir, "first", db, masterKey, relay.url())) {
        ServeProcess.Refusal second =
            ServeProcess.runToExit(dir, "second", db, masterKey, relay.url());
        assertThat(second.exitCode()).as(second.output()).isEqualTo(ExitCodes.USAGE);
        assertThat(second.output()).contains("another keycast serve is already running");
        assertThat(first.isAlive()).isTrue();
        first.kill();
      }
      try (ServeProcess third = ServeProcess.start(dir, "third", db, masterKey, relay.url())) {
        assertThat(third.get("/health")).contains("\"status\"");
        assertThat(third.terminate()).isZero();
      }
    }
  }
}
