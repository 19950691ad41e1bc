package dev.keycast.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code keycast relay} command. */
@Command(name = "relay", mixinStandardHelpOptions = true, showDefaultValues = true, description = "(being built)")
public final class RelayCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** Creates the command. */
  public RelayCommand() {}

  @Override
  public Integer call() {
    throw new UsageException("keycast relay is not available in this build yet");
  }
}
