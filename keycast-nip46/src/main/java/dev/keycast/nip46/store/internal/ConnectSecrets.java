package dev.keycast.nip46.store.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * Connect secrets at rest: the {@code secret} column holds {@code "sha256:" + hex(SHA-256(UTF-8
 * secret))}, never the secret itself; the plaintext exists only in the {@code bunker://} URI shown
 * when an authorization is created (or its secret renewed).
 *
 * <p>Why a fast hash and not a slow KDF: a generated secret has 128 random bits, so no amount of
 * guessing per hash makes a preimage search feasible; a slow KDF would only add CPU cost to every
 * {@code connect} (which an attacker can trigger). A secret chosen by a client ({@code
 * nostrconnect://} URIs carry one) is as strong as the client made it; it is single-use and only
 * matters until that one client has connected. Comparison is constant-time over the digests.
 *
 * <p>Stateless and thread-safe.
 */
public final class ConnectSecrets {
  /** Prefix of a hashed secret in the {@code secret} column. */
  public static final String PREFIX = "sha256:";

  private static final SecureRandom RANDOM = new SecureRandom();

  private ConnectSecrets() {}

  /**
   * Returns a fresh random secret: 128 bits as 32 lowercase hex characters.
   *
   * @return the secret
   */
  public static String random() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /**
   * Returns what the {@code secret} column stores for a secret.
   *
   * @param secret the plaintext secret
   * @return {@code "sha256:" + 64 hex characters}
   */
  public static String hash(String secret) {
    return PREFIX + HexFormat.of().formatHex(digest(secret));
  }

  /**
   * Whether a stored value is already a hash (rows written before schema version 3 hold the
   * plaintext until the migration hashes them).
   *
   * @param stored the column value
   * @return true if hashed
   */
  public static boolean isHashed(String stored) {
    return stored.startsWith(PREFIX) && stored.length() == PREFIX.length() + 64;
  }

  /**
   * Compares a presented secret with the stored hash in constant time (over the digests).
   *
   * @param presented the secret a client sent, or null
   * @param stored the column value
   * @return true if they match
   */
  public static boolean matches(@Nullable String presented, String stored) {
    if (presented == null) {
      return false;
    }
    byte[] expected =
        isHashed(stored)
            ? HexFormat.of().parseHex(stored, PREFIX.length(), stored.length())
            : digest(stored);
    return MessageDigest.isEqual(digest(presented), expected);
  }

  private static byte[] digest(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }
}
