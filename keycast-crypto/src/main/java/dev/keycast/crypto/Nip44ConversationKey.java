package dev.keycast.crypto;

import dev.keycast.crypto.internal.Backends;
import dev.keycast.crypto.internal.Bytes;
import dev.keycast.crypto.internal.Secp256k1;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A NIP-44 v2 conversation key: {@code HKDF-extract(SHA-256, IKM = shared_x, salt = "nip44-v2")},
 * the same for both sides of a conversation ({@code derive(a, B) == derive(b, A)}).
 *
 * <p>Deriving costs one ECDH (tens of microseconds natively); cache keys per (our key, their key)
 * with {@link Nip44ConversationKeyCache}.
 *
 * <p>Immutable and thread-safe. {@link #toString()} is redacted and {@link #equals} is
 * constant-time.
 *
 * <p>Security guarantees: anyone holding this key can read and forge every NIP-44 payload between
 * the two parties (it is symmetric); treat it like a secret key. Its bytes leave the object only
 * through {@link #toBytes(InsecureSecretKeyAccess)}.
 */
public final class Nip44ConversationKey {
  private static final byte[] SALT = "nip44-v2".getBytes(StandardCharsets.US_ASCII);

  private final byte[] bytes;

  private Nip44ConversationKey(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * Derives the conversation key between our secret key and their public key on the active backend.
   * CPU-bound, never blocks on I/O.
   *
   * @param ours our secret key
   * @param theirs their x-only public key
   * @return the conversation key
   * @throws InvalidKeyException if the backend rejects the keys (not reachable with validated keys)
   */
  public static Nip44ConversationKey derive(SecretKey ours, PublicKey theirs)
      throws InvalidKeyException {
    return derive(Backends.active(), ours, theirs);
  }

  static Nip44ConversationKey derive(Secp256k1 backend, SecretKey ours, PublicKey theirs)
      throws InvalidKeyException {
    byte[] sharedX = Ecdh.sharedX(backend, ours, theirs);
    try {
      return new Nip44ConversationKey(Nip44Cipher.hmacSha256(SALT, sharedX));
    } finally {
      Arrays.fill(sharedX, (byte) 0);
    }
  }

  /**
   * Wraps 32 raw conversation-key bytes (copied), for example from test vectors.
   *
   * @param b32 the key bytes
   * @return the conversation key
   * @throws IllegalArgumentException if {@code b32} is not 32 bytes
   */
  public static Nip44ConversationKey fromBytes(byte[] b32) {
    Bytes.requireLength(b32, 32, "conversation key");
    return new Nip44ConversationKey(b32.clone());
  }

  /**
   * A copy of the raw key bytes.
   *
   * @param access the access token
   * @return a fresh 32-byte copy
   */
  public byte[] toBytes(InsecureSecretKeyAccess access) {
    if (access == null) {
      throw new NullPointerException("access");
    }
    return bytes.clone();
  }

  /** The key bytes without copying, for this package's cipher. Never expose. */
  byte[] bytes() {
    return bytes;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Nip44ConversationKey other && MessageDigest.isEqual(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return 0x44; // constant: a hash of the key bytes would leak bits of them
  }

  /**
   * A redacted description; never contains key bytes.
   *
   * @return {@code "Nip44ConversationKey[REDACTED]"}
   */
  @Override
  public String toString() {
    return "Nip44ConversationKey[REDACTED]";
  }
}
