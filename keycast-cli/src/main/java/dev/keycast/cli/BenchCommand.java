package dev.keycast.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code keycast bench} command. */
@Command(name = "bench", mixinStandardHelpOptions = true, showDefaultValues = true, description = "(being built)")
public final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** Creates the command. */
  public BenchCommand() {}

  @Override
  public Integer call() {
    throw new UsageException("keycast bench is not available in this build yet");
  }
}
