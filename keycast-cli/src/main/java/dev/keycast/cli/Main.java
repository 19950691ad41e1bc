package dev.keycast.cli;

/** Entry point of {@code keycast.jar}: the only place that calls {@link System#exit}. */
public final class Main {
  private Main() {}

  /**
   * Runs the command line and exits with its {@link ExitCodes exit code}.
   *
   * @param args the command-line arguments
   */
  public static void main(String[] args) {
    System.exit(KeycastCommand.commandLine().execute(args));
  }
}
