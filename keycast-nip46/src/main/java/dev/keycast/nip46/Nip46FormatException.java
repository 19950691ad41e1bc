package dev.keycast.nip46;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a NIP-46 request or response body is malformed.
 *
 * <p>When the body was a JSON object with a string {@code id}, {@link #requestId()} returns it, so
 * a signer can still answer the client with an error response instead of leaving it to time out.
 */
public final class Nip46FormatException extends NostrFormatException {
  private static final long serialVersionUID = 1L;

  /** The id of the malformed request, or null when it could not be read. */
  private final @Nullable String requestId;

  /**
   * Creates an exception.
   *
   * @param message what was malformed
   * @param requestId the request id if it could be read, else {@code null}
   */
  public Nip46FormatException(String message, @Nullable String requestId) {
    super(message);
    this.requestId = requestId;
  }

  /**
   * Creates an exception wrapping a lower-level parse failure.
   *
   * @param message what was malformed
   * @param requestId the request id if it could be read, else {@code null}
   * @param cause the underlying failure, or {@code null}
   */
  public Nip46FormatException(
      String message, @Nullable String requestId, @Nullable Throwable cause) {
    super(message, cause);
    this.requestId = requestId;
  }

  /**
   * The id of the malformed request, when it could be read.
   *
   * @return the id, or {@code null} if the body was not an object with a string {@code id}
   */
  public @Nullable String requestId() {
    return requestId;
  }
}
