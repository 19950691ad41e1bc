package dev.keycast.cli;

import dev.keycast.cli.internal.AdminToken;
import dev.keycast.cli.internal.DataFolder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keycast admin-token rotate|show}: the token the admin API and the web console ask for
 * ({@code $KEYCAST_HOME/admin.token}, mode 0600).
 */
@Command(
    name = "admin-token",
    mixinStandardHelpOptions = true,
    description = "The admin API's bearer token (KEYCAST_HOME/admin.token, mode 0600).",
    subcommands = {AdminTokenCommand.Rotate.class, AdminTokenCommand.Show.class})
public final class AdminTokenCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** Creates the command. */
  public AdminTokenCommand() {}

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  /** {@code admin-token rotate}: replaces the token; the old one stops working. */
  @Command(
      name = "rotate",
      mixinStandardHelpOptions = true,
      description =
          "Replaces the admin token with a new random one (written atomically, mode 0600).")
  static final class Rotate implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--print", description = "Also print the new token on stdout.")
    boolean print;

    @Override
    public Integer call() {
      Path home = Globals.home(spec);
      DataFolder.create(home);
      AdminToken token = AdminToken.rotate(home);
      PrintWriter out = spec.commandLine().getOut();
      out.println(print ? token.value() : "Wrote a new admin token to " + AdminToken.file(home));
      out.flush();
      return ExitCodes.OK;
    }
  }

  /** {@code admin-token show}: prints the token (to paste into the console's sign-in). */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Prints the admin token on stdout.")
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      out.println(AdminToken.load(Globals.home(spec)).value());
      out.flush();
      return ExitCodes.OK;
    }
  }
}
