package dev.keycast.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code keycast authorizations} command. */
@Command(name = "authorizations", mixinStandardHelpOptions = true, showDefaultValues = true, description = "(being built)")
public final class AuthorizationsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** Creates the command. */
  public AuthorizationsCommand() {}

  @Override
  public Integer call() {
    throw new UsageException("keycast authorizations is not available in this build yet");
  }
}
