package dev.keycast.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** placeholder. */
@Command(name = "keys")
public final class KeysCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new UsageException("not yet");
  }
}
