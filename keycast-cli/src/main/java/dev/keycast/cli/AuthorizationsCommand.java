package dev.keycast.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** placeholder. */
@Command(name = "authorizations")
public final class AuthorizationsCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new UsageException("not yet");
  }
}
