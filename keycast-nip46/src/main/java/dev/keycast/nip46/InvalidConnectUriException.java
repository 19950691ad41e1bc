package dev.keycast.nip46;

/**
 * Thrown when a {@code bunker://} or {@code nostrconnect://} URI is malformed: wrong scheme, a
 * public key that is not 64 hex characters or not on the curve, a missing required parameter, a
 * relay that is not a {@code ws://} or {@code wss://} URL, malformed legacy {@code metadata} JSON,
 * ...
 *
 * <p>The message names the problem; it never contains the {@code secret} parameter.
 */
public final class InvalidConnectUriException extends NostrFormatException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what was wrong
   */
  public InvalidConnectUriException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a cause.
   *
   * @param message what was wrong
   * @param cause the underlying failure, or {@code null}
   */
  public InvalidConnectUriException(
      String message, @org.jspecify.annotations.Nullable Throwable cause) {
    super(message, cause);
  }
}
