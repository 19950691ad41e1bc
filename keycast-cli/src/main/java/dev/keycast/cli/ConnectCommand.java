package dev.keycast.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code keycast connect} command. */
@Command(name = "connect", mixinStandardHelpOptions = true, showDefaultValues = true, description = "(being built)")
public final class ConnectCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** Creates the command. */
  public ConnectCommand() {}

  @Override
  public Integer call() {
    throw new UsageException("keycast connect is not available in this build yet");
  }
}
