package dev.keycast.cli;

import dev.keycast.cli.internal.AdminPassword;
import dev.keycast.cli.internal.DataFolder;
import dev.keycast.cli.internal.Terminals;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keycast admin-password [--clear]}: sets (or removes) the password the approval page
 * accepts besides the admin token. The password is read from the terminal (twice), from {@code
 * --password-file}, or from piped stdin, never from an argument; only a PBKDF2 hash is stored
 * ({@code $KEYCAST_HOME/admin.password}, mode 0600). A running daemon picks up the change at the
 * next sign-in.
 */
@Command(
    name = "admin-password",
    mixinStandardHelpOptions = true,
    description = {
      "Sets the password for the approval page (KEYCAST_HOME/admin.password keeps a PBKDF2 hash only).",
      "The password comes from the terminal (asked twice), --password-file or piped stdin; at least 10 characters."
    })
public final class AdminPasswordCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--password-file",
      paramLabel = "FILE",
      description = "Read the password from this file (first line).")
  @Nullable Path passwordFile;

  @Option(
      names = "--clear",
      description = "Remove the password: sign-in then takes the admin token only.")
  boolean clear;

  /** Creates the command. */
  public AdminPasswordCommand() {}

  @Override
  public Integer call() throws IOException {
    Path home = Globals.home(spec);
    PrintWriter out = spec.commandLine().getOut();
    if (clear) {
      boolean was = AdminPassword.clear(home);
      out.println(was ? "Removed the admin password" : "No admin password was set");
      out.flush();
      return ExitCodes.OK;
    }
    char[] password = read();
    try {
      DataFolder.create(home);
      AdminPassword.set(home, password);
    } finally {
      Arrays.fill(password, '\0');
    }
    out.println("Saved the admin password hash to " + AdminPassword.file(home));
    out.flush();
    return ExitCodes.OK;
  }

  private char[] read() throws IOException {
    if (passwordFile != null) {
      return firstLine(Files.readAllBytes(passwordFile));
    }
    java.io.Console terminal = Globals.stdin(spec) == System.in ? Terminals.console() : null;
    if (terminal != null) {
      char[] pw = terminal.readPassword("new admin password: ");
      char[] again = terminal.readPassword("repeat it: ");
      if (pw == null || again == null || !Arrays.equals(pw, again)) {
        throw new UsageException("the passwords differ");
      }
      Arrays.fill(again, '\0');
      return pw;
    }
    char[] piped = firstLine(Globals.stdin(spec).readNBytes(4096));
    if (piped.length == 0) {
      throw new UsageException(
          "no password given: run on a terminal, pipe it to stdin or use --password-file");
    }
    return piped;
  }

  private static char[] firstLine(byte[] raw) {
    CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(raw));
    Arrays.fill(raw, (byte) 0);
    int end = 0;
    while (end < chars.limit() && chars.get(end) != '\n' && chars.get(end) != '\r') {
      end++;
    }
    char[] line = new char[end];
    chars.get(0, line, 0, end);
    Arrays.fill(chars.array(), '\0');
    return line;
  }
}
