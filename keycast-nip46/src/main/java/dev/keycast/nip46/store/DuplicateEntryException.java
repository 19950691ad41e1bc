package dev.keycast.nip46.store;

/** A unique value is already stored: a key name, or the same public key under another name. */
public final class DuplicateEntryException extends StoreException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is duplicated (a name, never key material)
   * @param cause the constraint violation
   */
  public DuplicateEntryException(String message, Throwable cause) {
    super(message, cause);
  }
}
