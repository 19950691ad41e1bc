package dev.keycast.nip46.store;

import dev.keycast.nip46.KeycastException;

/**
 * A storage operation failed: an SQL error, a constraint violation, a corrupt row. Subclasses
 * distinguish the cases a caller can act on ({@link DatabaseUnavailableException}, {@link
 * KeyEncryptionException}, {@link MasterKeyException}, {@link SchemaVersionException}, {@link
 * DuplicateEntryException}).
 *
 * <p>Messages never contain key material or connect secrets.
 */
public class StoreException extends KeycastException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed
   */
  public StoreException(String message) {
    super(message);
  }

  /**
   * Creates the exception with its cause.
   *
   * @param message what failed
   * @param cause the underlying failure (usually an {@link java.sql.SQLException} wrapped by JDBI)
   */
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
