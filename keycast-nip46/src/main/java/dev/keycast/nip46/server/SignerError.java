package dev.keycast.nip46.server;

import java.util.Optional;

/**
 * The stable error strings a signer sends to clients in NIP-46 error replies ({@code
 * {"id","error"}}).
 *
 * <p>The strings never carry detail (no exception messages, key material, plaintext, or which check
 * failed beyond the category); detail goes to the server log. Clients and scripts may match on
 * them: they do not change between releases.
 */
public enum SignerError {
  /**
   * The client is not connected to this authorization, or the authorization is unknown, revoked or
   * expired.
   */
  UNAUTHORIZED("unauthorized", ResponseOutcome.UNAUTHORIZED),
  /**
   * The client is connected but the method, kind, peer or content is not allowed by its perms or
   * the policy.
   */
  PERMISSION_DENIED("permission denied", ResponseOutcome.PERMISSION_DENIED),
  /** The client sent more requests than its rate limit allows. */
  RATE_LIMITED("rate limited", ResponseOutcome.RATE_LIMITED),
  /** The signer's work queue is full; the request was not processed. */
  OVERLOADED("overloaded, retry later", ResponseOutcome.OVERLOADED),
  /**
   * The request decrypted but is not a valid NIP-46 request (bad JSON, wrong types, bad params).
   */
  INVALID_REQUEST("invalid request", ResponseOutcome.INVALID_REQUEST),
  /** The method is not one this signer implements. */
  UNSUPPORTED_METHOD("unsupported method", ResponseOutcome.UNSUPPORTED_METHOD),
  /** A ciphertext given to {@code nip04_decrypt}/{@code nip44_decrypt} could not be decrypted. */
  DECRYPTION_FAILED("decryption failed", ResponseOutcome.DECRYPTION_FAILED),
  /** A backend the signer depends on (the database) is unavailable; retrying later may succeed. */
  UNAVAILABLE("unavailable, retry later", ResponseOutcome.UNAVAILABLE),
  /** The signer is shutting down; the request was not processed. */
  SHUTTING_DOWN("shutting down", ResponseOutcome.SHUTTING_DOWN),
  /** Anything else that went wrong inside the signer. */
  INTERNAL_ERROR("internal error", ResponseOutcome.INTERNAL_ERROR);

  private final String wireText;
  private final ResponseOutcome outcome;

  SignerError(String wireText, ResponseOutcome outcome) {
    this.wireText = wireText;
    this.outcome = outcome;
  }

  /** {@return how a reply with this error is counted} */
  public ResponseOutcome outcome() {
    return outcome;
  }

  /** {@return the exact string sent in the {@code error} field} */
  public String wireText() {
    return wireText;
  }

  /**
   * Returns the constant whose {@link #wireText()} equals {@code text}, or begins it followed by
   * {@code ": "} and a detail (such as {@code "permission denied: created_at too far in the
   * future"}), if any.
   *
   * @param text an error string from a response
   * @return the matching constant, or empty for strings this enum does not define
   */
  public static Optional<SignerError> fromWireText(String text) {
    for (SignerError e : values()) {
      if (e.wireText.equals(text)
          || (text.startsWith(e.wireText) && text.startsWith(": ", e.wireText.length()))) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }
}
