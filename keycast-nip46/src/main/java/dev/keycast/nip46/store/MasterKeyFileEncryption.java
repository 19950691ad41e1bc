package dev.keycast.nip46.store;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@link AesGcmKeyEncryption} under the master key in a file, following the file when it changes:
 * what a long-running daemon uses so that {@code keycast master-key rotate} takes effect without a
 * restart.
 *
 * <ul>
 *   <li>{@link #decrypt}: with the key read last; if that fails, the file is read again and, if it
 *       now holds another key, the decryption is retried once with it (rows re-encrypted by a
 *       rotation fail under the old key). While a rotation is between its commit and the move of
 *       the new key into place, the new key is in {@code <file>.new}: that one is tried too.
 *   <li>{@link #encrypt}: reads the file first (encryption is rare: a new key or authorization), so
 *       a secret written after a rotation is never under the old key.
 * </ul>
 *
 * <p>Thread-safe; the current key is swapped atomically. {@link #encrypt} and a failing {@link
 * #decrypt} block on reading the file.
 */
public final class MasterKeyFileEncryption implements KeyEncryption {
  private final Path file;
  private volatile Current current;

  private record Current(MasterKey key, AesGcmKeyEncryption encryption) {}

  private MasterKeyFileEncryption(Path file, MasterKey key) {
    this.file = file;
    this.current = new Current(key, AesGcmKeyEncryption.create(key));
  }

  /**
   * Reads the master key file.
   *
   * @param file the master key file (see {@link MasterKey#read})
   * @return the key encryption
   * @throws MasterKeyException if the file is missing, unreadable or not a key
   */
  public static MasterKeyFileEncryption read(Path file) {
    return new MasterKeyFileEncryption(file, MasterKey.read(file));
  }

  @Override
  public String schemeId() {
    return current.encryption().schemeId();
  }

  @Override
  public byte[] encrypt(byte[] plaintext, String associatedData) {
    return reload().encryption().encrypt(plaintext, associatedData);
  }

  @Override
  public byte[] decrypt(byte[] ciphertext, String associatedData) {
    Current seen = current;
    try {
      return seen.encryption().decrypt(ciphertext, associatedData);
    } catch (KeyEncryptionException e) {
      Current now;
      try {
        now = reload();
      } catch (MasterKeyException unreadable) {
        throw e;
      }
      if (!now.key().equals(seen.key())) {
        return now.encryption().decrypt(ciphertext, associatedData);
      }
      Path pending = file.resolveSibling(file.getFileName() + ".new");
      if (!Files.exists(pending)) {
        throw e;
      }
      MasterKey rotating;
      try {
        rotating = MasterKey.read(pending);
      } catch (MasterKeyException unreadable) {
        throw e;
      }
      AesGcmKeyEncryption candidate = AesGcmKeyEncryption.create(rotating);
      byte[] plain = candidate.decrypt(ciphertext, associatedData);
      current = new Current(rotating, candidate); // the rotation committed: this is the key now
      return plain;
    }
  }

  /** Reads the file; swaps in its key if it changed. */
  private Current reload() {
    MasterKey key = MasterKey.read(file);
    Current seen = current;
    if (key.equals(seen.key())) {
      return seen;
    }
    Current next = new Current(key, AesGcmKeyEncryption.create(key));
    current = next;
    return next;
  }

  @Override
  public String toString() {
    return "MasterKeyFileEncryption[" + schemeId() + "]";
  }
}
