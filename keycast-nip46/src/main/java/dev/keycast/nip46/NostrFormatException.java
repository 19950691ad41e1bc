package dev.keycast.nip46;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when Nostr wire data is malformed: an event, a relay message, a filter, a NIP-46 body, a
 * permission list or a connection URI that does not follow its specification (wrong JSON types,
 * missing fields, bad hex, ...).
 *
 * <p>This is the only exception the parsers of this package throw for bad input, whatever the input
 * is (random bytes included). The message says what was wrong and where; it never echoes long input
 * verbatim.
 */
public class NostrFormatException extends KeycastException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what was malformed
   */
  public NostrFormatException(String message) {
    super(message);
  }

  /**
   * Creates an exception wrapping a lower-level parse failure.
   *
   * @param message what was malformed
   * @param cause the underlying failure (for example a Jackson parse error), or {@code null}
   */
  public NostrFormatException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  /**
   * Returns what was malformed: never {@code null}, since every constructor takes a message.
   *
   * @return the detail message
   */
  @Override
  public String getMessage() {
    return Objects.requireNonNull(super.getMessage(), "constructed with a message");
  }
}
