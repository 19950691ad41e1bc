package dev.keycast.cli.internal;

import java.io.Console;
import java.lang.reflect.Method;
import org.jspecify.annotations.Nullable;

/**
 * The interactive terminal of this process, if it has one. {@link System#console()} alone no longer
 * tells: from JDK 22 it may return a console although input or output is redirected, and {@code
 * Console.isTerminal()} (JDK 22+) says whether it is a terminal. The build targets Java 21, so that
 * method is looked up once at run time.
 *
 * <p>Thread-safe; never blocks.
 */
public final class Terminals {
  private static final @Nullable Method IS_TERMINAL = isTerminalMethod();

  private Terminals() {}

  /**
   * Returns the console when input and output are an interactive terminal.
   *
   * @return the console, or {@code null} when there is no terminal (input or output redirected, no
   *     console)
   */
  // On JDK 21 a null console is how a missing terminal shows; isTerminal() covers JDK 22 and newer.
  @SuppressWarnings("SystemConsoleNull")
  public static @Nullable Console console() {
    Console console = System.console();
    if (console == null || IS_TERMINAL == null) {
      return console;
    }
    try {
      return Boolean.TRUE.equals(IS_TERMINAL.invoke(console)) ? console : null;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Console.isTerminal failed", e);
    }
  }

  private static @Nullable Method isTerminalMethod() {
    try {
      return Console.class.getMethod("isTerminal");
    } catch (NoSuchMethodException e) {
      return null; // JDK 21
    }
  }
}
