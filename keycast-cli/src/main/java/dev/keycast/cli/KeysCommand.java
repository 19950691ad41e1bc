package dev.keycast.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code keycast keys} command. */
@Command(name = "keys", mixinStandardHelpOptions = true, showDefaultValues = true, description = "(being built)")
public final class KeysCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** Creates the command. */
  public KeysCommand() {}

  @Override
  public Integer call() {
    throw new UsageException("keycast keys is not available in this build yet");
  }
}
