package dev.keycast.cli.internal;

import dev.keycast.cli.UsageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The operator's admin token: 32 random bytes, base64url without padding, in {@code
 * $KEYCAST_HOME/admin.token} (mode 0600). Every admin HTTP route authenticates with {@link
 * #checkHeader(String)} on the request's {@code Authorization} header ({@code Bearer <token>}).
 *
 * <p>Immutable and thread-safe once loaded. The static methods do file-system I/O and block. The
 * token is never logged; {@link #toString()} does not reveal it.
 */
public final class AdminToken {
  /** The file name of the token in the data folder. */
  public static final String FILE_NAME = "admin.token";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String BEARER = "bearer ";

  private final String value;
  private final byte[] digest;

  private AdminToken(String value) {
    this.value = value;
    this.digest = sha256(value);
  }

  /**
   * Returns where the token of a data folder lives.
   *
   * @param home the data folder ({@code --home})
   * @return {@code home/admin.token}
   */
  public static Path file(Path home) {
    return home.resolve(FILE_NAME);
  }

  /**
   * Writes a new random token if the data folder has none.
   *
   * @param home the data folder, which must exist
   * @return true if a token was written, false if one existed (left unchanged)
   * @throws UsageException if the file cannot be written
   */
  public static boolean createIfMissing(Path home) {
    Path file = file(home);
    if (Files.exists(file)) {
      return false;
    }
    try {
      writeNew(file, generate());
      return true;
    } catch (FileAlreadyExistsException e) {
      return false; // another process was quicker; its token stands
    } catch (IOException e) {
      throw new UsageException("cannot write the admin token " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Replaces the token with a new random one (atomically where the file system allows), so that the
   * old token stops working at the daemon's next check of the file.
   *
   * @param home the data folder, which must exist
   * @return the new token
   * @throws UsageException if the file cannot be written
   */
  public static AdminToken rotate(Path home) {
    Path file = file(home);
    String token = generate();
    Path tmp = file.resolveSibling(FILE_NAME + ".new");
    try {
      Files.deleteIfExists(tmp);
      writeNew(tmp, token);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UsageException("cannot write the admin token " + file + ": " + e.getMessage(), e);
    }
    return new AdminToken(token);
  }

  /**
   * Loads the token of a data folder.
   *
   * @param home the data folder
   * @return the token
   * @throws UsageException if the file is missing (with how to create it), unreadable or empty
   */
  public static AdminToken load(Path home) {
    Path file = file(home);
    String token;
    try {
      token = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      throw new UsageException(
          "no admin token at " + file + "; run 'keycast init' to create one", e);
    } catch (IOException e) {
      throw new UsageException("cannot read the admin token " + file + ": " + e.getMessage(), e);
    }
    if (token.length() < 16) {
      throw new UsageException(
          "the admin token in " + file + " is too short; run 'keycast admin-token rotate'");
    }
    return new AdminToken(token);
  }

  /**
   * Wraps a token value (for tests and for callers holding the token already).
   *
   * @param value the token
   * @return the token
   */
  public static AdminToken of(String value) {
    return new AdminToken(value);
  }

  /**
   * Returns the token, to be shown once to the operator (never log it).
   *
   * @return the token
   */
  public String value() {
    return value;
  }

  /**
   * Checks a presented token in time independent of where it differs (both sides are hashed first,
   * so neither the length nor a common prefix shows in the timing).
   *
   * @param presented the token the caller presented, or null
   * @return true if it is this token
   */
  public boolean matches(@Nullable String presented) {
    if (presented == null) {
      return false;
    }
    return MessageDigest.isEqual(digest, sha256(presented));
  }

  /**
   * Checks an HTTP {@code Authorization} header of the form {@code Bearer <token>} (scheme
   * case-insensitive). Any route of the admin API uses this one check.
   *
   * @param authorizationHeader the header's value, or null if absent
   * @return true if it carries this token
   */
  public boolean checkHeader(@Nullable String authorizationHeader) {
    if (authorizationHeader == null) {
      return false;
    }
    String h = authorizationHeader.strip();
    if (h.length() <= BEARER.length()
        || !h.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
      return false;
    }
    return matches(h.substring(BEARER.length()).strip());
  }

  @Override
  public String toString() {
    return "AdminToken[redacted]";
  }

  /**
   * The token of a data folder as a running daemon sees it: reloaded when the file's modification
   * time changes, so that {@code keycast admin-token rotate} takes effect at the next request
   * without a restart. One {@code stat} per call.
   *
   * @param home the data folder
   * @return a supplier of the current token; thread-safe
   * @throws UsageException if the token cannot be loaded now (serve refuses to start)
   */
  public static Supplier<AdminToken> watching(Path home) {
    Path file = file(home);
    record Loaded(AdminToken token, FileTime mtime) {}
    AtomicReference<Loaded> current = new AtomicReference<>(new Loaded(load(home), mtime(file)));
    return () -> {
      Loaded l = current.get();
      FileTime now = mtime(file);
      if (now.equals(l.mtime())) {
        return l.token();
      }
      try {
        Loaded fresh = new Loaded(load(home), now);
        current.set(fresh);
        return fresh.token();
      } catch (UsageException e) {
        return l.token(); // mid-rotation or removed: keep the last good token
      }
    };
  }

  private static FileTime mtime(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  private static String generate() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Creates {@code file} (which must not exist) with mode 0600 from the start, then writes. */
  private static void writeNew(Path file, String token) throws IOException {
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file); // not a POSIX file system
    }
    Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }
}
