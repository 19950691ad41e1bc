package dev.keycast.nip46.store;

/**
 * Stored key material could not be decrypted (or encrypted): most often the master key is not the
 * one the database was created with, detected at startup through a verifier row. Never retried; the
 * message never contains key material.
 */
public final class KeyEncryptionException extends StoreException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed
   */
  public KeyEncryptionException(String message) {
    super(message);
  }

  /**
   * Creates the exception with its cause.
   *
   * @param message what failed
   * @param cause the underlying failure
   */
  public KeyEncryptionException(String message, Throwable cause) {
    super(message, cause);
  }
}
