package dev.keycast.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code keycast loadtest} command. */
@Command(name = "loadtest", mixinStandardHelpOptions = true, showDefaultValues = true, description = "(being built)")
public final class LoadtestCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** Creates the command. */
  public LoadtestCommand() {}

  @Override
  public Integer call() {
    throw new UsageException("keycast loadtest is not available in this build yet");
  }
}
