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
    assertThat(r.err())
        .contains("Usage: keycast")
        .contains("serve")
        .contains("loadtest")
        .contains("Exit codes:");
  }

  @Test
  void help_listsCommandsExitCodesAndEnvironment_exits0() {
    Cli.Result r = Cli.exec("", "--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .contains(
            "serve",
            "init",
            "keys",
            "authorize",
            "authorizations",
            "connect",
            "relay",
            "bench",
            "loadtest")
        .contains("64", "70", "75")
        .contains("KEYCAST_HOME", "KEYCAST_DB_URL", "KEYCAST_RELAYS", "KEYCAST_MASTER_KEY_FILE");
  }

  @Test
  void unknownOption_oneLineMessage_exits64() {
    Cli.Result r = Cli.exec("", "--no-such-option");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err().lines())
        .first()
        .asString()
        .startsWith("keycast: Unknown option: '--no-such-option'");
    assertThat(r.err().lines().count()).isEqualTo(2);
  }

  @Test
  void unknownSubcommand_exits64() {
    Cli.Result r = Cli.exec("", "frobnicate");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).startsWith("keycast: ");
  }

  @Test
  void everyOption_settableByEnvironment_commandLineWins() {
    // KEYCAST_SECONDS feeds bench --seconds (whose annotation default is 1): 0 is rejected, so it
    // was read
    Cli.Result fromEnv =
        Cli.execWithEnv(java.util.Map.of("KEYCAST_SECONDS", "0"), "", "bench", "--json");
    assertThat(fromEnv.exitCode()).as(fromEnv.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(fromEnv.err()).contains("--seconds must be");
    Cli.Result badEnv =
        Cli.execWithEnv(
            java.util.Map.of("KEYCAST_REQUESTS", "many"), "", "loadtest", "--bunker", "x");
    assertThat(badEnv.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(badEnv.err()).contains("--requests").contains("many");
    // the command line wins over the environment
    Cli.Result cliWins =
        Cli.execWithEnv(
            java.util.Map.of("KEYCAST_REQUESTS", "many"),
            "",
            "loadtest",
            "--bunker",
            "bunker://zz",
            "--requests",
            "1");
    assertThat(cliWins.err()).contains("not a valid bunker:// URI");
    assertThat(
            EnvironmentDefaults.variableFor(
                KeycastCommand.commandLine()
                    .getSubcommands()
                    .get("serve")
                    .getCommandSpec()
                    .findOption("--http-port")))
        .isEqualTo("KEYCAST_HTTP_PORT");
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
    assertThat(KeycastCommand.exitCodeOf(new RuntimeException(new UsageException("x"))))
        .isEqualTo(64);
  }
}
