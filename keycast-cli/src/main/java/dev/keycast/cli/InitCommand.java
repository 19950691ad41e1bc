package dev.keycast.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code keycast init} command. */
@Command(name = "init", mixinStandardHelpOptions = true, showDefaultValues = true, description = "(being built)")
public final class InitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** Creates the command. */
  public InitCommand() {}

  @Override
  public Integer call() {
    throw new UsageException("keycast init is not available in this build yet");
  }
}
