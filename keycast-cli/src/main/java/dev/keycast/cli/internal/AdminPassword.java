package dev.keycast.cli.internal;

import dev.keycast.cli.UsageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * The operator's optional sign-in password for the approval page (and later the web console), set
 * with {@code keycast admin-password}: only a slow hash is kept, in {@code
 * $KEYCAST_HOME/admin.password} (mode 0600), as {@code pbkdf2-sha256$ITERATIONS$SALT$HASH} (PBKDF2
 * with HMAC-SHA256 from the JDK, {@value #ITERATIONS} iterations, a 16-byte random salt, a 32-byte
 * hash, base64). Checking a password costs a few hundred milliseconds of one CPU by design; the
 * sign-in is rate-limited.
 *
 * <p>Immutable and thread-safe. The static methods do file-system I/O and block. Neither the
 * password nor the hash is ever logged.
 */
public final class AdminPassword {
  /** The file name in the data folder. */
  public static final String FILE_NAME = "admin.password";

  /** The shortest password accepted, in characters. */
  public static final int MIN_LENGTH = 10;

  /** PBKDF2 iterations for new hashes (OWASP's figure for PBKDF2-HMAC-SHA256). */
  static final int ITERATIONS = 600_000;

  private static final String SCHEME = "pbkdf2-sha256";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final int iterations;
  private final byte[] salt;
  private final byte[] hash;

  private AdminPassword(int iterations, byte[] salt, byte[] hash) {
    this.iterations = iterations;
    this.salt = salt;
    this.hash = hash;
  }

  /**
   * Returns where the password hash of a data folder lives.
   *
   * @param home the data folder
   * @return {@code home/admin.password}
   */
  public static Path file(Path home) {
    return home.resolve(FILE_NAME);
  }

  /**
   * Hashes a password and writes the hash (replacing an earlier one atomically where the file
   * system allows). The caller should wipe {@code password} afterwards.
   *
   * @param home the data folder, which must exist
   * @param password the new password, at least {@value #MIN_LENGTH} characters
   * @throws UsageException if the password is too short or the file cannot be written
   */
  public static void set(Path home, char[] password) {
    if (password.length < MIN_LENGTH) {
      throw new UsageException(
          "the admin password must have at least " + MIN_LENGTH + " characters");
    }
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    byte[] hash = pbkdf2(password, salt, ITERATIONS);
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    String line =
        SCHEME + "$" + ITERATIONS + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    Path file = file(home);
    Path tmp = file.resolveSibling(FILE_NAME + ".new");
    try {
      Files.deleteIfExists(tmp);
      try {
        Files.createFile(
            tmp,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(tmp);
      }
      Files.writeString(tmp, line + "\n", StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UsageException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Removes the password: sign-in then takes the admin token only.
   *
   * @param home the data folder
   * @return whether a password was set
   * @throws UsageException if the file cannot be removed
   */
  public static boolean clear(Path home) {
    try {
      return Files.deleteIfExists(file(home));
    } catch (IOException e) {
      throw new UsageException("cannot remove " + file(home) + ": " + e.getMessage(), e);
    }
  }

  /**
   * Loads the password hash of a data folder.
   *
   * @param home the data folder
   * @return the hash, or empty when no password is set
   * @throws UsageException if the file is unreadable or malformed
   */
  public static Optional<AdminPassword> load(Path home) {
    Path file = file(home);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UsageException("cannot read " + file + ": " + e.getMessage(), e);
    }
    String[] parts = text.split("\\$", -1);
    try {
      if (parts.length != 4 || !parts[0].equals(SCHEME)) {
        throw new IllegalArgumentException("unknown format");
      }
      int iterations = Integer.parseInt(parts[1]);
      byte[] salt = Base64.getDecoder().decode(parts[2]);
      byte[] hash = Base64.getDecoder().decode(parts[3]);
      if (iterations < 10_000 || salt.length < 16 || hash.length != 32) {
        throw new IllegalArgumentException("too weak");
      }
      return Optional.of(new AdminPassword(iterations, salt, hash));
    } catch (IllegalArgumentException e) {
      throw new UsageException(
          file
              + " is not a password hash written by 'keycast admin-password' ("
              + e.getMessage()
              + ")",
          e);
    }
  }

  /**
   * The password of a data folder as a running daemon sees it: re-read when the file's modification
   * time changes, so that {@code keycast admin-password} takes effect without a restart. One {@code
   * stat} per call.
   *
   * @param home the data folder
   * @return a supplier of the current hash, empty while no password is set; thread-safe
   */
  public static Supplier<Optional<AdminPassword>> watching(Path home) {
    Path file = file(home);
    record Loaded(Optional<AdminPassword> password, FileTime mtime) {}
    AtomicReference<@Nullable Loaded> current = new AtomicReference<>();
    return () -> {
      FileTime now = mtime(file);
      Loaded l = current.get();
      if (l != null && now.equals(l.mtime())) {
        return l.password();
      }
      try {
        Loaded fresh = new Loaded(load(home), now);
        current.set(fresh);
        return fresh.password();
      } catch (UsageException e) {
        return Optional.empty(); // unreadable: no password sign-in until it is fixed
      }
    };
  }

  /**
   * Checks a password. Slow by design (the hash's iterations); the comparison is constant-time.
   *
   * @param password the password presented
   * @return true if it is the admin password
   */
  public boolean matches(char[] password) {
    return MessageDigest.isEqual(hash, pbkdf2(password, salt, iterations));
  }

  @Override
  public String toString() {
    return "AdminPassword[redacted]";
  }

  private static byte[] pbkdf2(char[] password, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from the JDK", e);
    } finally {
      spec.clearPassword();
    }
  }

  private static FileTime mtime(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }
}
