package dev.keycast.nip46;

import org.jspecify.annotations.Nullable;

/**
 * Base of every unchecked exception thrown by Keycast outside {@code keycast-crypto} (which throws
 * {@link java.security.GeneralSecurityException} and {@link IllegalArgumentException}, as the JDK's
 * crypto does).
 *
 * <p>Catch a specific subclass where you can ({@link NostrFormatException}, {@link RelayException},
 * the storage module's {@code StoreException}, ...). Messages never contain key material,
 * plaintexts or decrypted content.
 *
 * <p>Instances are immutable once thrown and may be passed between threads.
 */
public abstract class KeycastException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what failed, for people; never contains secrets
   */
  protected KeycastException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and the cause it wraps.
   *
   * @param message what failed, for people; never contains secrets
   * @param cause the underlying failure, or {@code null}
   */
  protected KeycastException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
