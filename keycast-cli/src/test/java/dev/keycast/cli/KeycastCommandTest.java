package dev.keycast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeycastCommandTest {
  @TempDir Path home;

  @Test
  void noSubcommand_printsUsageToStderr_exits64() {
    Cli.Result r = new Cli(home).run();
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("Usage: keycast").contains("serve").contains("loadtest").contains("Exit codes:");
  }

  @Test
  void help_listsCommandsExitCodesAndEnvironment_exits0() {
    Cli.Result r = Cli.exec("", "--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .contains("serve", "init", "keys", "authorize", "authorizations", "connect", "relay", "bench", "loadtest")
        .contains("64", "70", "75")
        .contains("KEYCAST_HOME", "KEYCAST_DB_URL", "KEYCAST_RELAYS", "KEYCAST_MASTER_KEY_FILE");
  }

  @Test
  void unknownOption_oneLineMessage_exits64() {
    Cli.Result r = Cli.exec("", "--no-such-option");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err().lines()).first().asString().startsWith("keycast: Unknown option: '--no-such-option'");
    assertThat(r.err().lines().count()).isEqualTo(2);
  }

  @Test
  void unknownSubcommand_exits64() {
    Cli.Result r = Cli.exec("", "frobnicate");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).startsWith("keycast: ");
  }

  @Test
  void version_exits0() {
    Cli.Result r = Cli.exec("", "--version");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).startsWith("keycast ");
  }

  @Test
  void home_expandsTilde() {
    KeycastCommand c = new KeycastCommand();
    c.home = "~/.keycast";
    assertThat(c.home()).isEqualTo(Path.of(System.getProperty("user.home"), ".keycast"));
  }

  @Test
  void exitCodeOf_mapsOurExceptions() {
    assertThat(KeycastCommand.exitCodeOf(new UsageException("x"))).isEqualTo(64);
    assertThat(KeycastCommand.exitCodeOf(new RelayUnavailableException("x"))).isEqualTo(75);
    assertThat(KeycastCommand.exitCodeOf(new IllegalStateException("x"))).isEqualTo(70);
    assertThat(KeycastCommand.exitCodeOf(new RuntimeException(new UsageException("x")))).isEqualTo(64);
  }
}
