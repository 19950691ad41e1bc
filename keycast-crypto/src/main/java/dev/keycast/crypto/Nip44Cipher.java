package dev.keycast.crypto;

import dev.keycast.crypto.internal.Bytes;
import dev.keycast.crypto.internal.Randomness;
import dev.keycast.crypto.internal.Utf8;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
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
 * <p>Thread-safety: stateless static methods, safe from any thread. CPU-bound (microseconds for
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
      return encryptUtf8(utf8, key, nonce32);
    } finally {
      Arrays.fill(utf8, (byte) 0);
    }
  }

  /**
   * Encrypts UTF-8 plaintext: padded straight into the payload's bytes and encrypted there, in
   * place (one array besides the base64 text; the caller zeroes {@code utf8}).
   */
  private static String encryptUtf8(byte[] utf8, Nip44ConversationKey key, byte[] nonce32) {
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
    // version ‖ nonce ‖ padded plaintext, encrypted in place ‖ MAC
    byte[] raw = new byte[1 + 32 + padded + 32];
    raw[0] = VERSION;
    System.arraycopy(nonce32, 0, raw, 1, 32);
    if (prefixLen == 2) {
      raw[33] = (byte) (len >>> 8);
      raw[34] = (byte) len;
    } else {
      raw[35] = (byte) (len >>> 24);
      raw[36] = (byte) (len >>> 16);
      raw[37] = (byte) (len >>> 8);
      raw[38] = (byte) len;
    }
    System.arraycopy(utf8, 0, raw, 33 + prefixLen, len);
    byte[] keys = messageKeys(key.bytes(), nonce32);
    try {
      chacha20(keys, raw, 33, padded, raw, 33);
      Mac mac = hmac(Arrays.copyOfRange(keys, 44, 76));
      mac.update(raw, 1, 32 + padded); // aad (nonce) ‖ ciphertext: contiguous in raw
      mac.doFinal(raw, 33 + padded);
      // Two arrays (the encoded bytes, then the String's copy of them); no public API makes a
      // String from one array: new String(encoded, ISO_8859_1) copies as well (measured: no less)
      return Base64.getEncoder().encodeToString(raw);
    } catch (GeneralSecurityException e) {
      Arrays.fill(raw, (byte) 0); // may hold plaintext
      throw new IllegalStateException("JDK ChaCha20/HmacSHA256 failed", e);
    } finally {
      Arrays.fill(keys, (byte) 0);
    }
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
    try {
      Mac mac = hmac(key.bytes());
      mac.update(SIV_LABEL);
      mac.update(Bytes.u32(context.length));
      mac.update(context);
      mac.update(plaintextUtf8);
      return encryptUtf8(plaintextUtf8, key, mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JDK HmacSHA256 failed", e);
    }
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
   * about one and a half times the payload length, so callers handling untrusted input must cap the
   * payload size first (NIP-46 intake does).
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
    byte[] data;
    try {
      data = PaddedBase64.decode(payload); // straight from the chars: no byte[] copy of the text
    } catch (IllegalArgumentException e) {
      throw new GeneralSecurityException("invalid NIP-44 payload: not base64");
    }
    if (data.length < MIN_DATA_BYTES) {
      throw new GeneralSecurityException(
          "invalid NIP-44 payload length: " + data.length + " bytes");
    }
    if (data[0] != VERSION) {
      throw new GeneralSecurityException(
          "unsupported NIP-44 encryption version " + (data[0] & 0xFF));
    }
    int ctLen = data.length - 65;
    byte[] keys = messageKeys(key.bytes(), Arrays.copyOfRange(data, 1, 33));
    try {
      Mac mac = hmac(Arrays.copyOfRange(keys, 44, 76));
      mac.update(data, 1, 32 + ctLen);
      byte[] expected = mac.doFinal();
      if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(data, 33 + ctLen, data.length))) {
        throw new AEADBadTagException("invalid NIP-44 MAC");
      }
      // decrypted in place: data then holds the padded plaintext, zeroed below
      chacha20(keys, data, 33, ctLen, data, 33);
      return unpad(data, 33, ctLen);
    } finally {
      Arrays.fill(keys, (byte) 0);
      Arrays.fill(data, (byte) 0);
    }
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
   * key.
   */
  static byte[] messageKeys(byte[] conversationKey, byte[] nonce32) {
    try {
      Mac mac = hmac(conversationKey);
      byte[] out = new byte[96];
      byte[] t = new byte[0];
      for (int i = 1; i <= 3; i++) {
        mac.update(t);
        mac.update(nonce32);
        mac.update((byte) i);
        t = mac.doFinal();
        System.arraycopy(t, 0, out, (i - 1) * 32, 32);
      }
      byte[] keys = Arrays.copyOf(out, 76);
      Arrays.fill(out, (byte) 0);
      Arrays.fill(t, (byte) 0);
      return keys;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JDK HmacSHA256 unavailable", e);
    }
  }

  static byte[] hmacSha256(byte[] key, byte[] data) {
    try {
      return hmac(key).doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JDK HmacSHA256 unavailable", e);
    }
  }

  /**
   * A per-thread HMAC-SHA256 initialised with {@code key}. JCA lookups cost about as much as
   * hashing a short message, so instances are cached per thread (each caller re-initialises before
   * use; nothing secret outlives a call except the last key schedule, which the next call
   * overwrites).
   */
  private static Mac hmac(byte[] key) throws GeneralSecurityException {
    Mac mac = PRIMITIVES.get().mac;
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac;
  }

  /**
   * ChaCha20 (RFC 8439, counter 0) of {@code in[inOffset, inOffset+len)} into {@code
   * out[outOffset...]} with the key and nonce from {@code keys}. Always DECRYPT_MODE: the keystream
   * XOR is the same either way, and the JDK refuses to re-initialise ENCRYPT_MODE with the key and
   * nonce it used last, which deterministic callers legitimately do.
   */
  private static void chacha20(
      byte[] keys, byte[] in, int inOffset, int len, byte[] out, int outOffset)
      throws GeneralSecurityException {
    Cipher c = PRIMITIVES.get().chacha;
    c.init(
        Cipher.DECRYPT_MODE,
        new SecretKeySpec(keys, 0, 32, "ChaCha20"),
        new ChaCha20ParameterSpec(Arrays.copyOfRange(keys, 32, 44), 0));
    c.doFinal(in, inOffset, len, out, outOffset);
  }

  private static final ThreadLocal<Primitives> PRIMITIVES =
      ThreadLocal.withInitial(Primitives::new);

  /** JCA instances confined to one thread. */
  private static final class Primitives {
    final Mac mac;
    final Cipher chacha;

    Primitives() {
      try {
        mac = Mac.getInstance("HmacSHA256");
        chacha = Cipher.getInstance("ChaCha20");
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("JDK HmacSHA256/ChaCha20 unavailable", e);
      }
    }
  }
}
