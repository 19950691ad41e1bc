package dev.keycast.nip46.server;

import java.util.Locale;

/**
 * How a request that reached a handler was answered. A bounded set, suitable as a metrics tag.
 *
 * <p>{@link #OK} and {@link #AUTH_URL} are the non-error outcomes; every {@link SignerError} names
 * its own outcome ({@link SignerError#outcome()}), and {@link #OTHER_ERROR} covers error strings
 * produced by custom handlers.
 */
public enum ResponseOutcome {
  OK,
  AUTH_URL,
  UNAUTHORIZED,
  PERMISSION_DENIED,
  RATE_LIMITED,
  OVERLOADED,
  INVALID_REQUEST,
  UNSUPPORTED_METHOD,
  DECRYPTION_FAILED,
  UNAVAILABLE,
  SHUTTING_DOWN,
  INTERNAL_ERROR,
  OTHER_ERROR;

  /** Returns a lowercase label for metrics, e.g. {@code "permission_denied"}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Classifies an error string.
   *
   * @param errorText the {@code error} field of a response
   * @return the outcome of the matching {@link SignerError}, or {@link #OTHER_ERROR}
   */
  public static ResponseOutcome ofError(String errorText) {
    return SignerError.fromWireText(errorText).map(SignerError::outcome).orElse(OTHER_ERROR);
  }
}
