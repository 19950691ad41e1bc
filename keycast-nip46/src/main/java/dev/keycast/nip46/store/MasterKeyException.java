package dev.keycast.nip46.store;

/**
 * The master key file is missing, unreadable, malformed, or (when generating) already exists. Stops
 * startup; the message names the file and what to do, never its contents.
 */
public final class MasterKeyException extends StoreException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, including the file path
   */
  public MasterKeyException(String message) {
    super(message);
  }

  /**
   * Creates the exception with its cause.
   *
   * @param message what failed, including the file path
   * @param cause the underlying I/O failure
   */
  public MasterKeyException(String message, Throwable cause) {
    super(message, cause);
  }
}
