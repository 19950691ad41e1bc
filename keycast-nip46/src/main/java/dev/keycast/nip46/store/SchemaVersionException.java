package dev.keycast.nip46.store;

/**
 * The database schema is newer than this version of Keycast knows (written by a newer release), or
 * a migration failed. Stops startup: running old code on a newer schema could corrupt data.
 */
public final class SchemaVersionException extends StoreException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, with the found and supported versions
   */
  public SchemaVersionException(String message) {
    super(message);
  }

  /**
   * Creates the exception with its cause.
   *
   * @param message what failed
   * @param cause the underlying failure
   */
  public SchemaVersionException(String message, Throwable cause) {
    super(message, cause);
  }
}
