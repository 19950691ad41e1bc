package dev.keycast.crypto;

import dev.keycast.crypto.internal.Bytes;
import dev.keycast.crypto.internal.Randomness;
import dev.keycast.crypto.internal.Utf8;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * NIP-44 version 2 encryption: ChaCha20 (RFC 8439, counter 0) with HKDF-SHA256 message keys,
 * power-of-two padding and HMAC-SHA256 over nonce and ciphertext, base64-encoded as {@code 0x02 ‖
 * nonce(32) ‖ ciphertext ‖ mac(32)}.
 *
 * <p>Plaintexts of 1 to 4,294,967,295 UTF-8 bytes are supported (in practice up to what a Java
 * array holds): below 65,536 bytes the length prefix is a u16, from 65,536 on it is {@code 00 00}
 * followed by a u32 (the extended prefix added to NIP-44 in 2026; older implementations cannot read
 * such payloads). Strings are encoded as JavaScript's {@code TextEncoder} does (lone surrogates
 * become U+FFFD), so payloads equal nostr-tools' for equal nonces.
 *
 * <p>Thread-safety: static methods, safe from any thread. Each thread keeps its own JCA instances
 * and buffers (up to 64 KiB each, see {@link #MAX_SCRATCH_BYTES}), never shared, never handed out,
 * and zeroed of secrets and plaintexts before each call returns. CPU-bound (microseconds for
 * typical sizes, linear in the length); never blocks on I/O.
 *
 * <p>Security guarantees: IND-CPA confidentiality and integrity of the payload under the
 * conversation key (encrypt then MAC). The MAC is checked in constant time before anything is
 * decrypted. There is no sender authentication beyond knowledge of the conversation key: NIP-44
 * payloads must travel inside a signed NIP-01 event. Never reuse a nonce with the same conversation
 * key (the no-nonce {@link #encrypt(String, Nip44ConversationKey)} draws a fresh one from a {@link
 * java.security.SecureRandom}).
 */
public final class Nip44Cipher {
  private static final int VERSION = 2;
  private static final int MIN_PAYLOAD_CHARS = 132;
  private static final int MIN_DATA_BYTES = 99;
  private static final int EXTENDED_PREFIX_THRESHOLD = 65536;
  private static final byte[] SIV_LABEL = "keycast/nip44/siv".getBytes(StandardCharsets.US_ASCII);

  /**
   * Largest padded size whose payload (version, nonce, MAC, base64) still fits in one Java array
   * and String. It is the binding limit: the spec's 2^32 - 1 plaintext bytes cannot be reached by a
   * Java array.
   */
  private static final long MAX_PADDED_BYTES = (Integer.MAX_VALUE - 16) / 4 * 3 - 65;

  private Nip44Cipher() {}

  /**
   * Encrypts with a fresh random 32-byte nonce.
   *
   * @param plaintext text of 1 or more UTF-8 bytes
   * @param key the conversation key
   * @return the base64 payload
   * @throws IllegalArgumentException if the plaintext is empty or too large
   */
  public static String encrypt(String plaintext, Nip44ConversationKey key) {
    return encrypt(plaintext, key, Randomness.bytes(32));
  }

  /**
   * Encrypts with the given nonce: deterministic, for tests and cross-checks. Never reuse a nonce.
   *
   * @param plaintext text of 1 or more UTF-8 bytes
   * @param key the conversation key
   * @param nonce32 32-byte nonce
   * @return the base64 payload
   * @throws IllegalArgumentException if the nonce is not 32 bytes, or the plaintext is empty or too
   *     large
   */
  public static String encrypt(String plaintext, Nip44ConversationKey key, byte[] nonce32) {
    byte[] utf8 = Utf8.encode(plaintext);
    try {
      return encryptUtf8(PRIMITIVES.get(), utf8, key, nonce32);
    } finally {
      Arrays.fill(utf8, (byte) 0);
    }
  }

  /**
   * Encrypts UTF-8 plaintext: padded straight into the payload's bytes and encrypted there, in
   * place (one array besides the base64 text; the caller zeroes {@code utf8}). {@code nonce32} may
   * be the thread's {@link Primitives#siv}.
   */
  private static String encryptUtf8(
      Primitives p, byte[] utf8, Nip44ConversationKey key, byte[] nonce32) {
    Bytes.requireLength(nonce32, 32, "nonce");
    int len = utf8.length;
    if (len < 1) {
      throw new IllegalArgumentException("plaintext must be at least 1 byte");
    }
    int prefixLen = len >= EXTENDED_PREFIX_THRESHOLD ? 6 : 2;
    long paddedLen = prefixLen + calcPaddedLen(len);
    if (paddedLen > MAX_PADDED_BYTES) {
      throw new IllegalArgumentException("plaintext too large: " + len + " bytes");
    }
    int padded = (int) paddedLen;
    // version ‖ nonce ‖ padded plaintext, encrypted in place ‖ MAC, in an array of exactly this
    // length (Base64.Encoder.encode(src, dst), the JDK's vectorised encoder, takes all of src):
    // the thread's array of this size, or a new one. Every byte is written below (a reused array
    // holds the last payload of its size).
    byte[] raw = p.payload(1 + 32 + padded + 32);
    raw[0] = VERSION;
    System.arraycopy(nonce32, 0, raw, 1, 32);
    if (prefixLen == 2) {
      raw[33] = (byte) (len >>> 8);
      raw[34] = (byte) len;
    } else {
      raw[33] = 0;
      raw[34] = 0;
      raw[35] = (byte) (len >>> 24);
      raw[36] = (byte) (len >>> 16);
      raw[37] = (byte) (len >>> 8);
      raw[38] = (byte) len;
    }
    System.arraycopy(utf8, 0, raw, 33 + prefixLen, len);
    Arrays.fill(raw, 33 + prefixLen + len, 33 + padded, (byte) 0);
    HmacSha256 mac = p.hmac;
    try {
      messageKeys(mac, key.bytes(), nonce32, 0, p.keys);
      chacha20(p, raw, 33, padded);
      mac.init(p.keys, 44, 32);
      mac.update(raw, 1, 32 + padded); // aad (nonce) ‖ ciphertext: contiguous in raw
      mac.doFinal(raw, 33 + padded);
      // encoded into the thread's buffer, then copied once into the String (encodeToString would
      // make a second array: its own encoded bytes, which the String then copies)
      byte[] text = p.text(encodedLength(raw.length));
      int n = Base64.getEncoder().encode(raw, text);
      return new String(text, 0, n, StandardCharsets.ISO_8859_1);
    } catch (GeneralSecurityException e) {
      Arrays.fill(raw, (byte) 0); // may hold plaintext
      throw new IllegalStateException("JDK ChaCha20 failed", e);
    } finally {
      p.clearKeys();
    }
  }

  /** Length of the padded base64 of {@code n} bytes. */
  private static int encodedLength(int n) {
    return Math.toIntExact((n + 2L) / 3 * 4);
  }

  /**
   * Encrypts with a synthetic nonce: {@code HMAC-SHA256(conversation key, "keycast/nip44/siv" ‖
   * u32(len(context)) ‖ context ‖ UTF-8(plaintext))}. Deterministic: the same key, context and
   * plaintext give the same payload, so a reply computed twice (by two instances of a cluster, or
   * after a restart) is the same event. Different plaintexts or contexts give different nonces, so
   * a nonce is never reused with a different message; what an observer learns beyond {@link
   * #encrypt(String, Nip44ConversationKey)} is only whether two payloads under one key carry the
   * same context and plaintext.
   *
   * @param plaintext text of 1 or more UTF-8 bytes
   * @param key the conversation key
   * @param context bytes that scope the determinism (for example the id of the request being
   *     answered); may be empty
   * @return the base64 payload
   * @throws IllegalArgumentException if the plaintext is empty or too large
   */
  public static String encryptSynthetic(
      String plaintext, Nip44ConversationKey key, byte[] context) {
    byte[] utf8 = Utf8.encode(plaintext);
    try {
      return encryptSynthetic(utf8, key, context);
    } finally {
      Arrays.fill(utf8, (byte) 0);
    }
  }

  /**
   * {@link #encryptSynthetic(String, Nip44ConversationKey, byte[])} of a text given as its UTF-8
   * bytes, for a caller that wrote them directly (no string in between). The bytes are not checked
   * and not zeroed.
   *
   * @param plaintextUtf8 the UTF-8 bytes of a text of 1 or more bytes
   * @param key the conversation key
   * @param context bytes that scope the determinism; may be empty
   * @return the base64 payload
   * @throws IllegalArgumentException if the plaintext is empty or too large
   */
  public static String encryptSynthetic(
      byte[] plaintextUtf8, Nip44ConversationKey key, byte[] context) {
    Primitives p = PRIMITIVES.get();
    HmacSha256 mac = p.hmac;
    try {
      mac.init(key.bytes());
      mac.update(SIV_LABEL);
      int n = context.length;
      mac.update((byte) (n >>> 24));
      mac.update((byte) (n >>> 16));
      mac.update((byte) (n >>> 8));
      mac.update((byte) n);
      mac.update(context);
      mac.update(plaintextUtf8);
      mac.doFinal(p.siv, 0);
    } finally {
      mac.clear();
    }
    return encryptUtf8(p, plaintextUtf8, key, p.siv);
  }

  /**
   * Authenticates and decrypts a payload.
   *
   * <p>Rejections, in order: empty or leading {@code #} (unsupported version); fewer than 132
   * characters; not padded standard base64; fewer than 99 decoded bytes; version byte not 2; MAC
   * mismatch (compared in constant time, before decrypting); bad length prefix, zero length, an
   * extended prefix for a length below 65,536, or padding of the wrong size.
   *
   * <p>There is no upper size limit (the extended prefix allows up to 4 GiB); this method allocates
   * the plaintext, and for payloads beyond 64 KiB also an array of three quarters of their length,
   * so callers handling untrusted input must cap the payload size first (NIP-46 intake does).
   *
   * @param payload the base64 payload
   * @param key the conversation key
   * @return the plaintext (invalid UTF-8 decodes to U+FFFD, as {@code TextDecoder} does)
   * @throws GeneralSecurityException for every rejection above; {@link AEADBadTagException} for a
   *     MAC mismatch, {@link BadPaddingException} for bad padding. The message names the rule,
   *     never content.
   */
  public static String decrypt(String payload, Nip44ConversationKey key)
      throws GeneralSecurityException {
    if (payload.isEmpty() || payload.charAt(0) == '#') {
      throw new GeneralSecurityException("unsupported NIP-44 encryption version");
    }
    if (payload.length() < MIN_PAYLOAD_CHARS) {
      throw new GeneralSecurityException(
          "invalid NIP-44 payload length: " + payload.length() + " characters");
    }
    if (payload.length() % 4 != 0) {
      throw new GeneralSecurityException("invalid NIP-44 payload: base64 must be padded");
    }
    Primitives p = PRIMITIVES.get();
    int length;
    byte[] data;
    try {
      // straight from the chars (no byte[] copy of the text) into the thread's buffer
      length = PaddedBase64.decodedLength(payload);
      data = p.raw(length);
      PaddedBase64.decode(payload, data);
    } catch (IllegalArgumentException e) {
      throw new GeneralSecurityException("invalid NIP-44 payload: not base64");
    }
    try {
      if (length < MIN_DATA_BYTES) {
        throw new GeneralSecurityException("invalid NIP-44 payload length: " + length + " bytes");
      }
      if (data[0] != VERSION) {
        throw new GeneralSecurityException(
            "unsupported NIP-44 encryption version " + (data[0] & 0xFF));
      }
      int ctLen = length - 65;
      HmacSha256 mac = p.hmac;
      messageKeys(mac, key.bytes(), data, 1, p.keys);
      mac.init(p.keys, 44, 32);
      mac.update(data, 1, 32 + ctLen);
      mac.doFinal(p.tag, 0);
      if (!equal32(p.tag, data, 33 + ctLen)) {
        throw new AEADBadTagException("invalid NIP-44 MAC");
      }
      // decrypted in place: data then holds the padded plaintext, zeroed below
      chacha20(p, data, 33, ctLen);
      return unpad(data, 33, ctLen);
    } finally {
      p.clearKeys();
      Arrays.fill(data, 0, length, (byte) 0);
    }
  }

  /**
   * Whether {@code a[0, 32)} equals {@code b[offset, offset + 32)}, in time independent of both.
   */
  private static boolean equal32(byte[] a, byte[] b, int offset) {
    int diff = 0;
    for (int i = 0; i < 32; i++) {
      diff |= a[i] ^ b[offset + i];
    }
    return diff == 0;
  }

  /**
   * The NIP-44 padded size of a plaintext, excluding the length prefix.
   *
   * @param unpaddedLen plaintext length in bytes, &ge; 1
   * @return padded length in bytes
   * @throws IllegalArgumentException if {@code unpaddedLen} &lt; 1
   */
  static long calcPaddedLen(long unpaddedLen) {
    if (unpaddedLen < 1) {
      throw new IllegalArgumentException("length must be >= 1, got " + unpaddedLen);
    }
    if (unpaddedLen <= 32) {
      return 32;
    }
    long nextPower =
        1L << (64 - Long.numberOfLeadingZeros(unpaddedLen - 1)); // 2^(floor(log2(len-1))+1)
    long chunk = nextPower <= 256 ? 32 : nextPower / 8;
    return chunk * ((unpaddedLen - 1) / chunk + 1);
  }

  /**
   * The plaintext of {@code padded[offset, offset + length)}: length prefix, text, zero padding.
   */
  private static String unpad(byte[] padded, int offset, int length) throws BadPaddingException {
    int first = ((padded[offset] & 0xFF) << 8) | (padded[offset + 1] & 0xFF);
    long len;
    int prefixLen;
    if (first != 0) {
      len = first;
      prefixLen = 2;
    } else {
      len =
          ((long) (padded[offset + 2] & 0xFF) << 24)
              | ((padded[offset + 3] & 0xFF) << 16)
              | ((padded[offset + 4] & 0xFF) << 8)
              | (padded[offset + 5] & 0xFF);
      if (len < EXTENDED_PREFIX_THRESHOLD) {
        throw new BadPaddingException("invalid NIP-44 padding");
      }
      prefixLen = 6;
    }
    if (prefixLen + len > length || length != prefixLen + calcPaddedLen(len)) {
      throw new BadPaddingException("invalid NIP-44 padding");
    }
    return new String(padded, offset + prefixLen, (int) len, StandardCharsets.UTF_8);
  }

  /**
   * HKDF-expand(PRK = conversation key, info = nonce, L = 76): chacha key ‖ chacha nonce ‖ hmac
   * key, as a new array (for tests; the cipher uses the thread's buffer).
   */
  static byte[] messageKeys(byte[] conversationKey, byte[] nonce32) {
    Primitives p = PRIMITIVES.get();
    try {
      messageKeys(p.hmac, conversationKey, nonce32, 0, p.keys);
      return Arrays.copyOf(p.keys, 76);
    } finally {
      p.clearKeys();
    }
  }

  /**
   * HKDF-expand(PRK = conversation key, info = {@code nonce[offset, offset + 32)}, L = 76) into
   * {@code okm[0, 96)}: chacha key ‖ chacha nonce ‖ hmac key ‖ 20 unused bytes. Each T(i) is
   * written where T(i + 1) reads it.
   */
  private static void messageKeys(
      HmacSha256 mac, byte[] conversationKey, byte[] nonce, int offset, byte[] okm) {
    mac.init(conversationKey);
    for (int i = 1; i <= 3; i++) {
      if (i > 1) {
        mac.update(okm, (i - 2) * 32, 32);
      }
      mac.update(nonce, offset, 32);
      mac.update((byte) i);
      mac.doFinal(okm, (i - 1) * 32);
    }
  }

  static byte[] hmacSha256(byte[] key, byte[] data) {
    HmacSha256 mac = PRIMITIVES.get().hmac;
    try {
      mac.init(key);
      mac.update(data);
      byte[] out = new byte[HmacSha256.LENGTH];
      mac.doFinal(out, 0);
      return out;
    } finally {
      mac.clear();
    }
  }

  /**
   * ChaCha20 (RFC 8439, counter 0) of {@code buf[offset, offset + len)} in place, with the key and
   * nonce from the thread's {@link Primitives#keys}. Always DECRYPT_MODE: the keystream XOR is the
   * same either way, and the JDK refuses to re-initialise ENCRYPT_MODE with the key and nonce it
   * used last, which deterministic callers legitimately do. (The JDK's cipher, not one of ours: its
   * block function is a vectorised intrinsic, about 3.5 times faster on 600 bytes than scalar Java
   * that would allocate nothing.)
   */
  private static void chacha20(Primitives p, byte[] buf, int offset, int len)
      throws GeneralSecurityException {
    System.arraycopy(p.keys, 32, p.chachaNonce, 0, 12);
    p.chacha.init(
        Cipher.DECRYPT_MODE,
        new SecretKeySpec(p.keys, 0, 32, "ChaCha20"),
        new ChaCha20ParameterSpec(p.chachaNonce, 0));
    p.chacha.doFinal(buf, offset, len, buf, offset);
  }

  private static final ThreadLocal<Primitives> PRIMITIVES =
      ThreadLocal.withInitial(Primitives::new);

  /** The calling thread's instances and buffers, for tests. */
  static Primitives primitives() {
    return PRIMITIVES.get();
  }

  /**
   * Largest buffer a thread keeps: a longer payload gets arrays of its own, so that one huge
   * message does not pin its size per thread for the thread's life.
   */
  static final int MAX_SCRATCH_BYTES = 64 * 1024;

  /**
   * Largest padded plaintext (with its 2-byte prefix not counted) whose payload array a thread
   * keeps; the 28 arrays up to it would take 53 KiB if a thread met every size.
   */
  static final int MAX_KEPT_PADDED_BYTES = 8192;

  /**
   * The index of a padded size (prefix not counted) among those the padding produces: 32 to 256 in
   * steps of 32 give 0 to 7; above, each power of two 2^k (k &ge; 9) holds 4 sizes, 2^k * 5/8 to
   * 2^k, giving 8 + 4 (k - 9) to 8 + 4 (k - 9) + 3. -1 for a size above {@link
   * #MAX_KEPT_PADDED_BYTES} or one the padding never produces.
   */
  static int payloadSlot(int padded) {
    if (padded < 32 || padded > MAX_KEPT_PADDED_BYTES) {
      return -1;
    }
    if (padded <= 256) {
      return padded % 32 == 0 ? padded / 32 - 1 : -1;
    }
    int k = 32 - Integer.numberOfLeadingZeros(padded - 1); // 2^(k-1) < padded <= 2^k
    int chunk = 1 << (k - 3);
    if (padded % chunk != 0) {
      return -1;
    }
    return 8 + 4 * (k - 9) + (padded / chunk - 5);
  }

  /**
   * JCA instances and buffers confined to one thread (JCA lookups cost about as much as hashing a
   * short message, and the buffers save allocating per call). Nothing is used after a call returns:
   * the results are new strings, copies. Secrets ({@link #keys}, the chacha nonce, the HMAC key)
   * are zeroed before each call returns, and {@link #rawBuffer} after it held a plaintext; {@link
   * #payloads} keep the last payload of each size, encrypted (public), or are zeroed if encrypting
   * failed; the JDK cipher keeps its last key schedule, which the next call overwrites.
   */
  static final class Primitives {
    final HmacSha256 hmac = new HmacSha256();
    final Cipher chacha;

    /** HKDF output: chacha key ‖ chacha nonce ‖ hmac key ‖ 20 unused bytes. */
    final byte[] keys = new byte[96];

    final byte[] chachaNonce = new byte[12];

    /** Synthetic nonce (public: it is part of the payload). */
    final byte[] siv = new byte[32];

    /** A MAC computed to compare. */
    final byte[] tag = new byte[32];

    /**
     * Decoded payload bytes (zeroed after each use); grows up to {@link #MAX_SCRATCH_BYTES}. Read
     * directly only by tests.
     */
    byte[] rawBuffer = new byte[0];

    /** Base64 text of a payload (public); grows up to {@link #MAX_SCRATCH_BYTES}. */
    byte[] textBuffer = new byte[0];

    /** Encrypted payloads (public once encrypted) by {@link #payloadSlot}, created when needed. */
    final byte[][] payloads = new byte[payloadSlot(MAX_KEPT_PADDED_BYTES) + 1][];

    Primitives() {
      try {
        chacha = Cipher.getInstance("ChaCha20");
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("JDK ChaCha20 unavailable", e);
      }
    }

    /** An array of at least {@code n} bytes: the thread's, or a new one if {@code n} is large. */
    byte[] raw(int n) {
      if (rawBuffer.length < n) {
        if (n > MAX_SCRATCH_BYTES) {
          return new byte[n];
        }
        rawBuffer = new byte[grow(rawBuffer.length, n)];
      }
      return rawBuffer;
    }

    /** As {@link #raw(int)}, for base64 text. */
    byte[] text(int n) {
      if (textBuffer.length < n) {
        if (n > MAX_SCRATCH_BYTES) {
          return new byte[n];
        }
        textBuffer = new byte[grow(textBuffer.length, n)];
      }
      return textBuffer;
    }

    /**
     * An array of exactly {@code n} bytes for an encrypted payload: the thread's array of that
     * size, or a new one for a size the thread does not keep. Payloads come in few sizes (the
     * padding rounds to 8 sizes up to 256 bytes, then 4 per power of two), so one array per size up
     * to {@link #MAX_KEPT_PADDED_BYTES} of padded plaintext serves every payload of that size.
     */
    byte[] payload(int n) {
      int slot = payloadSlot(n - 67);
      if (slot < 0) {
        return new byte[n];
      }
      byte[] kept = payloads[slot];
      if (kept == null) {
        kept = new byte[n];
        payloads[slot] = kept;
      }
      return kept;
    }

    /**
     * Doubling (few reallocations while sizes creep up), capped, at least {@code n}.
     *
     * @param current the current length
     * @param n the length needed
     * @return the new length
     */
    private static int grow(int current, int n) {
      return Math.max(n, Math.min(MAX_SCRATCH_BYTES, current * 2));
    }

    void clearKeys() {
      Arrays.fill(keys, (byte) 0);
      Arrays.fill(chachaNonce, (byte) 0);
      hmac.clear();
    }
  }
}
