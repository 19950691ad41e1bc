package dev.keycast.cli;

import java.io.InputStream;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What a subcommand reads from the root command: the inherited global options and the input stream
 * of the command line. Thread-safe in the way picocli is: read it on the thread executing the
 * command.
 */
final class Globals {
  private Globals() {}

  /**
   * Returns the data folder of the executing command.
   *
   * @param spec the executing command's spec
   * @return the data folder ({@code --home}), with a leading {@code ~} expanded
   */
  static Path home(CommandSpec spec) {
    return root(spec).home();
  }

  /**
   * Returns where the executing command reads piped secrets.
   *
   * @param spec the executing command's spec
   * @return where commands read secrets piped to them ({@code keys import}); {@code System.in}
   *     outside tests
   */
  static InputStream stdin(CommandSpec spec) {
    return root(spec).stdin();
  }

  private static KeycastCommand root(CommandSpec spec) {
    return (KeycastCommand) spec.root().userObject();
  }
}
