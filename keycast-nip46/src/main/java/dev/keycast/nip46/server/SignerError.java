package dev.keycast.nip46.server;

import java.util.Optional;

/**
 * The stable error strings a signer sends to clients in NIP-46 error replies ({@code {"id","error"}}).
 *
 * <p>The strings never carry detail (no exception messages, key material, plaintext, or which check failed beyond
 * the category); detail goes to the server log. Clients and scripts may match on them: they do not change between
 * releases.
 */
public enum SignerError {
  /** The client is not connected to this authorization, or the authorization is unknown, revoked or expired. */
  UNAUTHORIZED("unauthorized"),
  /** The client is connected but the method, kind, peer or content is not allowed by its perms or the policy. */
  PERMISSION_DENIED("permission denied"),
  /** The client sent more requests than its rate limit allows. */
  RATE_LIMITED("rate limited"),
  /** The signer's work queue is full; the request was not processed. */
  OVERLOADED("overloaded, retry later"),
  /** The request decrypted but is not a valid NIP-46 request (bad JSON, wrong types, bad params). */
  INVALID_REQUEST("invalid request"),
  /** The method is not one this signer implements. */
  UNSUPPORTED_METHOD("unsupported method"),
  /** A ciphertext given to {@code nip04_decrypt}/{@code nip44_decrypt} could not be decrypted. */
  DECRYPTION_FAILED("decryption failed"),
  /** A backend the signer depends on (the database) is unavailable; retrying later may succeed. */
  UNAVAILABLE("unavailable, retry later"),
  /** The signer is shutting down; the request was not processed. */
  SHUTTING_DOWN("shutting down"),
  /** Anything else that went wrong inside the signer. */
  INTERNAL_ERROR("internal error");

  private final String wireText;

  SignerError(String wireText) {
    this.wireText = wireText;
  }

  /** Returns the exact string sent in the {@code error} field. */
  public String wireText() {
    return wireText;
  }

  /**
   * Returns the constant whose {@link #wireText()} equals {@code text}, if any.
   *
   * @param text an error string from a response
   * @return the matching constant, or empty for strings this enum does not define
   */
  public static Optional<SignerError> fromWireText(String text) {
    for (SignerError e : values()) {
      if (e.wireText.equals(text)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }
}
