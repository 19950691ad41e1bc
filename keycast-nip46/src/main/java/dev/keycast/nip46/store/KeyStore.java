package dev.keycast.nip46.store;

import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SecretKey;
import java.util.List;
import java.util.Optional;

/**
 * Named user keys, encrypted at rest with the database's {@link KeyEncryption}. Obtain the default
 * from {@link KeycastDatabase#keys()}; embedders may implement it over another store (KMS, HSM).
 *
 * <p>Implementations are thread-safe. Every method may do I/O and blocks until done; failures are
 * {@link StoreException}s ({@link DatabaseUnavailableException} when the database cannot be
 * reached). Writes are visible to every later read from any thread or process sharing the database.
 *
 * <p>Key names are 1 to 64 characters of {@code [A-Za-z0-9._-]}.
 */
public interface KeyStore {

  /**
   * Generates a new random key and stores it.
   *
   * @param name the new key's name
   * @return the stored key's public information
   * @throws IllegalArgumentException if the name is invalid
   * @throws DuplicateEntryException if the name is taken
   */
  StoredKey generate(String name);

  /**
   * Stores an existing secret key (for example from an {@code nsec}).
   *
   * @param name the new key's name
   * @param secretKey the secret key; not retained
   * @return the stored key's public information
   * @throws IllegalArgumentException if the name is invalid
   * @throws DuplicateEntryException if the name is taken or the same key is already stored under
   *     another name
   */
  StoredKey importKey(String name, SecretKey secretKey);

  /**
   * Lists all keys, ordered by name.
   *
   * @return the keys (public information only)
   */
  List<StoredKey> list();

  /**
   * Finds a key by name.
   *
   * @param name the name
   * @return the key, or empty
   */
  Optional<StoredKey> find(String name);

  /**
   * Finds a key by its public key.
   *
   * @param publicKey the public key
   * @return the key, or empty
   */
  Optional<StoredKey> findByPublicKey(PublicKey publicKey);

  /**
   * Loads and decrypts a secret key for signing. The result should be held only as long as needed;
   * never log it.
   *
   * @param name the name
   * @return the secret key, or empty if there is no such key
   * @throws KeyEncryptionException if the stored key does not decrypt
   */
  Optional<SecretKey> loadSecret(String name);

  /**
   * Deletes a key together with all its authorizations (which daemons see as deletions).
   *
   * @param name the name
   * @return true if a key was deleted
   */
  boolean delete(String name);
}
