package dev.keycast.cli;

/**
 * No relay could be reached, or it did not answer in time (exit code {@link
 * ExitCodes#TEMPORARILY_UNAVAILABLE}); retrying later may succeed.
 */
public final class RelayUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message one line for the user, without secrets
   */
  public RelayUnavailableException(String message) {
    super(message);
  }

  /**
   * Creates the exception with its cause.
   *
   * @param message one line for the user, without secrets
   * @param cause the underlying failure, shown with {@code --verbose}
   */
  public RelayUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
