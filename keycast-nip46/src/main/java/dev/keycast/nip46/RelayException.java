package dev.keycast.nip46;

import org.jspecify.annotations.Nullable;

/**
 * Thrown (or used to complete a future exceptionally) when talking to a relay fails: the relay
 * cannot be reached, the connection dropped, a publish timed out, a relay server cannot bind its
 * port, or a pool was used after close.
 *
 * <p>Relay failures are I/O failures: retrying later, with backoff, is appropriate.
 */
public final class RelayException extends KeycastException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what failed, usually naming the relay URL
   */
  public RelayException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a cause.
   *
   * @param message what failed, usually naming the relay URL
   * @param cause the underlying I/O failure, or {@code null}
   */
  public RelayException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
