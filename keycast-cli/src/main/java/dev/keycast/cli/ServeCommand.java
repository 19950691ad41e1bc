package dev.keycast.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code keycast serve} command. */
@Command(name = "serve", mixinStandardHelpOptions = true, showDefaultValues = true, description = "(being built)")
public final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** Creates the command. */
  public ServeCommand() {}

  @Override
  public Integer call() {
    throw new UsageException("keycast serve is not available in this build yet");
  }
}
