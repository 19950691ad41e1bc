package dev.keycast.cli;

/**
 * A command was used incorrectly or the configuration is wrong (exit code {@link ExitCodes#USAGE}).
 * The message is shown to the user as one line and must say what to do; it never contains secrets.
 */
public final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message one line for the user, without secrets
   */
  public UsageException(String message) {
    super(message);
  }

  /**
   * Creates the exception with its cause.
   *
   * @param message one line for the user, without secrets
   * @param cause the underlying failure, shown with {@code --verbose}
   */
  public UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}
