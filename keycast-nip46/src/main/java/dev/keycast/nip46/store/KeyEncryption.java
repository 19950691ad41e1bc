package dev.keycast.nip46.store;

/**
 * Encrypts 32-byte secrets (users' keys, bunker keys) for storage at rest. The default is {@link
 * AesGcmKeyEncryption} under a file {@link MasterKey}; an implementation backed by a KMS or HSM can
 * replace it by passing it to {@link KeycastDatabase.Builder#keyEncryption(KeyEncryption)}.
 *
 * <p>Every ciphertext is bound to an associated-data string (the row's identity, for example {@code
 * "user-key:alice"}) so a ciphertext copied to another row does not decrypt.
 *
 * <h2>Contract for implementations</h2>
 *
 * <ul>
 *   <li>Thread-safe: called concurrently from many threads.
 *   <li>May block (a remote KMS); never called while holding a lock.
 *   <li>{@link #encrypt} is randomized (two calls give different ciphertexts) and authenticated:
 *       {@link #decrypt} fails for any modified ciphertext, another associated data, or another
 *       key.
 *   <li>Never logs, and never puts plaintext or key bytes into exception messages.
 * </ul>
 */
public interface KeyEncryption {

  /**
   * A short stable identifier of the scheme and key, stored next to each ciphertext (for example
   * {@code "aes256gcm-v1"}), so rows written by another scheme are recognised rather than
   * mis-decrypted.
   *
   * @return the scheme identifier, at most 64 ASCII characters
   */
  String schemeId();

  /**
   * Encrypts a secret.
   *
   * @param plaintext the secret bytes (32 for secp256k1 keys); not modified, not retained
   * @param associatedData the identity of the row the ciphertext belongs to
   * @return a fresh ciphertext
   * @throws KeyEncryptionException if encryption fails (for example the KMS refuses)
   */
  byte[] encrypt(byte[] plaintext, String associatedData);

  /**
   * Decrypts and authenticates a ciphertext produced by {@link #encrypt}.
   *
   * @param ciphertext the stored ciphertext
   * @param associatedData the same associated data given to {@link #encrypt}
   * @return the secret bytes; the caller zeroes them after use
   * @throws KeyEncryptionException if authentication fails (wrong key, wrong associated data,
   *     modified ciphertext)
   */
  byte[] decrypt(byte[] ciphertext, String associatedData);
}
