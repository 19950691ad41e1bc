package dev.keycast.crypto;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * HMAC-SHA256 (RFC 2104) over one {@code SHA-256} {@link MessageDigest}, written into the caller's
 * arrays: after construction it allocates nothing. {@code javax.crypto.Mac} allocates on every key
 * (a {@code SecretKeySpec} and two copies of the key) and every {@code doFinal} (the inner and
 * outer digests, even into a given array): about 550 bytes per HMAC, of which NIP-44 computes four
 * to six per message.
 *
 * <p>Use: {@link #init}, any number of {@code update}s, {@link #doFinal} (which leaves the key in
 * place for the next message, as {@code Mac} does), and {@link #clear} when the key must go.
 *
 * <p>Not thread-safe: one instance per thread ({@link Nip44Cipher} keeps one in its per-thread
 * state). CPU-bound; never blocks.
 */
final class HmacSha256 {
  /** Output length in bytes. */
  static final int LENGTH = 32;

  private static final int BLOCK = 64;

  private final MessageDigest sha256;

  /** The key, zero-padded to a block (or its hash, zero-padded, if longer than a block). */
  private final byte[] key = new byte[BLOCK];

  /** The key XOR ipad or opad, fed to the digest. */
  private final byte[] pad = new byte[BLOCK];

  private final byte[] inner = new byte[LENGTH];

  /** Whether the inner digest has been fed the key XOR ipad for the current message. */
  private boolean started;

  HmacSha256() {
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("JDK SHA-256 unavailable", e);
    }
  }

  /**
   * Sets the key and starts a message; the key bytes are copied.
   *
   * @param k array holding the key
   * @param offset where the key starts
   * @param length key length in bytes, any (keys longer than 64 bytes are hashed, as RFC 2104 says)
   */
  void init(byte[] k, int offset, int length) {
    sha256.reset();
    started = false;
    if (length > BLOCK) {
      sha256.update(k, offset, length);
      digestInto(key, 0);
      Arrays.fill(key, LENGTH, BLOCK, (byte) 0);
    } else {
      System.arraycopy(k, offset, key, 0, length);
      Arrays.fill(key, length, BLOCK, (byte) 0);
    }
  }

  /**
   * Sets the key and starts a message.
   *
   * @param k the key, any length
   */
  void init(byte[] k) {
    init(k, 0, k.length);
  }

  void update(byte[] data, int offset, int length) {
    start();
    sha256.update(data, offset, length);
  }

  void update(byte[] data) {
    update(data, 0, data.length);
  }

  void update(byte b) {
    start();
    sha256.update(b);
  }

  /**
   * Writes the MAC of the message to {@code out[offset, offset + 32)} and starts a new message
   * under the same key.
   *
   * @param out where to write
   * @param offset where the 32 bytes start
   */
  void doFinal(byte[] out, int offset) {
    start();
    digestInto(inner, 0);
    for (int i = 0; i < BLOCK; i++) {
      pad[i] = (byte) (key[i] ^ 0x5c);
    }
    sha256.update(pad);
    sha256.update(inner);
    digestInto(out, offset);
    started = false;
  }

  /** Zeroes the key and everything derived from it. */
  void clear() {
    Arrays.fill(key, (byte) 0);
    Arrays.fill(pad, (byte) 0);
    Arrays.fill(inner, (byte) 0);
    sha256.reset();
    started = false;
  }

  private void start() {
    if (!started) {
      for (int i = 0; i < BLOCK; i++) {
        pad[i] = (byte) (key[i] ^ 0x36);
      }
      sha256.update(pad);
      started = true;
    }
  }

  private void digestInto(byte[] out, int offset) {
    try {
      sha256.digest(out, offset, LENGTH);
    } catch (DigestException e) {
      throw new IllegalStateException("SHA-256 digest of 32 bytes refused", e);
    }
  }
}
