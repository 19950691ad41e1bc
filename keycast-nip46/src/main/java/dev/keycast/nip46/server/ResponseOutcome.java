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
  /** Answered with a result. */
  OK,
  /** Answered with an interim {@code auth_url} response. */
  AUTH_URL,
  /** Refused: the client is not connected, or its authorization is revoked or expired. */
  UNAUTHORIZED,
  /** Refused by the policy, the granted perms or the approval hook. */
  PERMISSION_DENIED,
  /** Refused: the client exceeded its rate limit. */
  RATE_LIMITED,
  /** Refused: the work queue was full. */
  OVERLOADED,
  /** Refused: the request could not be parsed or had bad parameters. */
  INVALID_REQUEST,
  /** Refused: the method is not supported. */
  UNSUPPORTED_METHOD,
  /** Refused: a ciphertext did not decrypt. */
  DECRYPTION_FAILED,
  /** Refused: a store or other dependency was unavailable. */
  UNAVAILABLE,
  /** Refused: the bunker is shutting down. */
  SHUTTING_DOWN,
  /** Failed on an unexpected error (details in the server log only). */
  INTERNAL_ERROR,
  /** An error string that is not one of {@link SignerError}'s (custom handlers). */
  OTHER_ERROR;

  /** {@return a lowercase label for metrics, e.g. {@code "permission_denied"}} */
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
