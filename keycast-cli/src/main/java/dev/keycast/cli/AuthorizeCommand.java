package dev.keycast.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code keycast authorize} command. */
@Command(name = "authorize", mixinStandardHelpOptions = true, showDefaultValues = true, description = "(being built)")
public final class AuthorizeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** Creates the command. */
  public AuthorizeCommand() {}

  @Override
  public Integer call() {
    throw new UsageException("keycast authorize is not available in this build yet");
  }
}
