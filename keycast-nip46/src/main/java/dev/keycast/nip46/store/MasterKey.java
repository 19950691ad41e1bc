package dev.keycast.nip46.store;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The 256-bit master key that {@link AesGcmKeyEncryption} encrypts stored keys under, kept in a
 * file outside the database.
 *
 * <h2>File format</h2>
 *
 * Either exactly 32 raw bytes, or the standard (RFC 4648, padded) base64 encoding of 32 bytes,
 * optionally followed by whitespace/newline. {@link #generate(Path)} writes base64 plus a newline,
 * with POSIX mode {@code 0600}.
 *
 * <p>Immutable and thread-safe. {@code toString} never shows the key; {@code equals} is
 * constant-time.
 */
public final class MasterKey {
  /** Length of a master key in bytes. */
  public static final int LENGTH = 32;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Logger LOG = LoggerFactory.getLogger(MasterKey.class);

  private final byte[] bytes;

  private MasterKey(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * Wraps 32 key bytes (for embedders that keep the key elsewhere, and tests).
   *
   * @param key32 the key bytes; copied
   * @return the master key
   * @throws IllegalArgumentException if {@code key32} is not 32 bytes
   */
  public static MasterKey fromBytes(byte[] key32) {
    if (key32.length != LENGTH) {
      throw new IllegalArgumentException(
          "master key must be " + LENGTH + " bytes, got " + key32.length);
    }
    return new MasterKey(key32.clone());
  }

  /**
   * Creates a fresh random key in memory (never written anywhere).
   *
   * @return a new random master key
   */
  public static MasterKey random() {
    byte[] b = new byte[LENGTH];
    RANDOM.nextBytes(b);
    return new MasterKey(b);
  }

  /**
   * Reads a master key file. Blocks on file I/O. Logs a warning (never the key) if the file is
   * accessible to the group or others.
   *
   * @param file the key file (raw 32 bytes or base64, see the class doc)
   * @return the key
   * @throws MasterKeyException if the file is missing, unreadable or not a 32-byte key
   */
  public static MasterKey read(Path file) {
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new MasterKeyException(
          "master key file "
              + file
              + " does not exist; create it first (keycast init) or restore it from backup",
          e);
    } catch (IOException e) {
      throw new MasterKeyException(
          "cannot read master key file " + file + ": " + e.getClass().getSimpleName(), e);
    }
    warnIfExposed(file);
    try {
      if (content.length == LENGTH) {
        return new MasterKey(content.clone());
      }
      String text = new String(content, StandardCharsets.US_ASCII).strip();
      byte[] decoded;
      try {
        decoded = Base64.getDecoder().decode(text);
      } catch (IllegalArgumentException e) {
        throw new MasterKeyException(
            "master key file " + file + " is neither 32 raw bytes nor base64 of 32 bytes");
      }
      if (decoded.length != LENGTH) {
        Arrays.fill(decoded, (byte) 0);
        throw new MasterKeyException(
            "master key file "
                + file
                + " holds "
                + decoded.length
                + " bytes after base64 decoding; expected "
                + LENGTH);
      }
      return new MasterKey(decoded);
    } finally {
      Arrays.fill(content, (byte) 0);
    }
  }

  /**
   * Generates a random key and writes it to a new file as base64, created with POSIX mode {@code
   * 0600} where the file system supports it. Never overwrites: an existing file is an error. Blocks
   * on file I/O.
   *
   * @param file the file to create; its parent directory must exist
   * @return the generated key
   * @throws MasterKeyException if the file exists or cannot be written
   */
  public static MasterKey generate(Path file) {
    MasterKey key = random();
    byte[] text =
        (Base64.getEncoder().encodeToString(key.bytes) + "\n").getBytes(StandardCharsets.US_ASCII);
    try {
      boolean posix =
          file.toAbsolutePath().getFileSystem().supportedFileAttributeViews().contains("posix");
      if (posix) {
        Set<PosixFilePermission> mode = PosixFilePermissions.fromString("rw-------");
        Files.createFile(file, PosixFilePermissions.asFileAttribute(mode));
      } else {
        Files.createFile(file);
      }
      try (OutputStream out =
          Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.SYNC)) {
        out.write(text);
      }
      return key;
    } catch (FileAlreadyExistsException e) {
      throw new MasterKeyException(
          "master key file " + file + " already exists; refusing to overwrite it", e);
    } catch (IOException e) {
      throw new MasterKeyException(
          "cannot create master key file " + file + ": " + e.getClass().getSimpleName(), e);
    } finally {
      Arrays.fill(text, (byte) 0);
    }
  }

  /**
   * Reads the key file if it exists, otherwise generates it (see {@link #generate(Path)}); the
   * embedded default. Blocks on file I/O.
   *
   * @param file the key file
   * @return the key
   * @throws MasterKeyException if the file cannot be read, parsed or created
   */
  public static MasterKey readOrGenerate(Path file) {
    if (Files.exists(file)) {
      return read(file);
    }
    try {
      return generate(file);
    } catch (MasterKeyException e) {
      if (Files.exists(file)) { // another process generated it concurrently
        return read(file);
      }
      throw e;
    }
  }

  private static void warnIfExposed(Path file) {
    try {
      if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (perms.stream()
            .anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
          LOG.warn(
              "master key file {} is accessible to group or others (mode {}); run chmod 600 on it",
              file,
              PosixFilePermissions.toString(perms));
        }
      }
    } catch (IOException | UnsupportedOperationException e) {
      LOG.debug("cannot check permissions of {}", file, e);
    }
  }

  /** Key bytes for {@link AesGcmKeyEncryption}; not a copy, never exposed outside this package. */
  byte[] bytes() {
    return bytes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MasterKey other && MessageDigest.isEqual(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return MasterKey.class.hashCode(); // constant: never derive anything from key bytes
  }

  @Override
  public String toString() {
    return "MasterKey[redacted]";
  }
}
