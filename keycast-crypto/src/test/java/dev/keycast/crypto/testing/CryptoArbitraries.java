package dev.keycast.crypto.testing;

import dev.keycast.crypto.Nip19Entity;
import dev.keycast.crypto.Nip19Profile;
import dev.keycast.crypto.Nip44Cipher;
import dev.keycast.crypto.Nip44ConversationKey;
import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SchnorrSigner;
import dev.keycast.crypto.SecretKey;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.crypto.UnsignedEvent;
import java.security.InvalidKeyException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik {@link Arbitrary} factories for Keycast's crypto types. Every value they make is valid for
 * the type it feeds ({@code SecretKey.fromBytes} accepts every generated key, plaintexts are
 * well-formed Unicode without lone surrogates), except where the name says "tampered".
 *
 * <p>Use them from a {@code @Provide} method:
 *
 * <pre>{@code
 * @Provide Arbitrary<SecretKey> keys() { return CryptoArbitraries.secretKeys(); }
 * @Property void signThenVerify(@ForAll("keys") SecretKey key) { ... }
 * }</pre>
 *
 * <p>Thread-safety: stateless; the arbitraries are safe to share. Generating keys and payloads is
 * CPU-bound (point multiplication, ECDH, encryption) and never blocks.
 */
public final class CryptoArbitraries {
  /** NIP-44's plaintext limit in UTF-8 bytes. */
  public static final int NIP44_MAX_PLAINTEXT_BYTES = 65_535;

  private CryptoArbitraries() {}

  /**
   * Valid secp256k1 secret keys (uniform 32 bytes, rejecting the ~2^-128 share outside 1..n-1).
   *
   * @return the arbitrary
   */
  public static Arbitrary<SecretKey> secretKeys() {
    return bytes(32).filter(CryptoArbitraries::isSecretKey).map(CryptoArbitraries::secretKey);
  }

  /**
   * Valid x-only public keys: those of {@link #secretKeys()}.
   *
   * @return the arbitrary
   */
  public static Arbitrary<PublicKey> publicKeys() {
    return secretKeys().map(SecretKey::publicKey);
  }

  /**
   * Byte arrays of one size.
   *
   * @param size the length in bytes
   * @return the arbitrary
   */
  public static Arbitrary<byte[]> bytes(int size) {
    return Arbitraries.bytes().array(byte[].class).ofSize(size);
  }

  /**
   * Byte arrays of a length range.
   *
   * @param minSize the least length in bytes
   * @param maxSize the greatest length in bytes
   * @return the arbitrary
   */
  public static Arbitrary<byte[]> bytes(int minSize, int maxSize) {
    return Arbitraries.bytes().array(byte[].class).ofMinSize(minSize).ofMaxSize(maxSize);
  }

  /**
   * Well-formed Unicode text, never a lone surrogate: ASCII (control characters and NUL included),
   * two-, three- and four-byte UTF-8 characters (emoji), from 1 to {@code maxBytes} bytes in UTF-8.
   *
   * @param maxBytes the greatest UTF-8 length, at least 1
   * @return the arbitrary
   */
  public static Arbitrary<String> texts(int maxBytes) {
    return Combinators.combine(Arbitraries.longs(), Arbitraries.integers().between(1, maxBytes))
        .as(CryptoArbitraries::text);
  }

  /**
   * NIP-44 plaintexts: well-formed Unicode of 1 to 65,535 UTF-8 bytes, the whole range NIP-44
   * accepts.
   *
   * @return the arbitrary
   */
  public static Arbitrary<String> nip44Plaintexts() {
    return texts(NIP44_MAX_PLAINTEXT_BYTES);
  }

  /**
   * Valid NIP-44 v2 payloads with what made them: two keys, the plaintext, and the base64 payload
   * that decrypts to it under their conversation key. Plaintexts are up to 1,024 bytes (see {@link
   * #nip44Plaintexts()} for all).
   *
   * @return the arbitrary
   */
  public static Arbitrary<Nip44Sample> nip44Payloads() {
    return Combinators.combine(secretKeys(), secretKeys(), texts(1024))
        .as(
            (a, b, text) -> {
              Nip44ConversationKey key = conversationKey(a, b.publicKey());
              return new Nip44Sample(a, b, text, Nip44Cipher.encrypt(text, key));
            });
  }

  /**
   * NIP-44 payloads with one bit flipped in their decoded bytes (version, nonce, ciphertext or
   * MAC): every one must fail to decrypt with {@code GeneralSecurityException}.
   *
   * @return the arbitrary; {@link Nip44Sample#payload()} is the tampered payload
   */
  public static Arbitrary<Nip44Sample> tamperedNip44Payloads() {
    return Combinators.combine(nip44Payloads(), Arbitraries.integers().greaterOrEqual(0))
        .as(
            (sample, bitSeed) -> {
              byte[] raw = Base64.getDecoder().decode(sample.payload());
              int bit = bitSeed % (raw.length * 8);
              raw[bit / 8] ^= (byte) (1 << (bit % 8));
              return new Nip44Sample(
                  sample.sender(),
                  sample.recipient(),
                  sample.plaintext(),
                  Base64.getEncoder().encodeToString(raw));
            });
  }

  /**
   * Unsigned events by random authors: kind 0..65535, {@code created_at} from 0 to year 2100, up to
   * four tags of up to three well-formed strings, content up to 512 UTF-8 bytes.
   *
   * @return the arbitrary
   */
  public static Arbitrary<UnsignedEvent> unsignedEvents() {
    return publicKeys().flatMap(CryptoArbitraries::unsignedEvents);
  }

  /**
   * Unsigned events by one author.
   *
   * @param author the event's {@code pubkey}
   * @return the arbitrary
   */
  public static Arbitrary<UnsignedEvent> unsignedEvents(PublicKey author) {
    Arbitrary<List<List<String>>> tags = texts(32).list().ofMaxSize(3).list().ofMaxSize(4);
    return Combinators.combine(
            Arbitraries.longs().between(0, 4_102_444_800L),
            Arbitraries.integers().between(0, 65_535),
            tags,
            texts(512))
        .as(
            (createdAt, kind, t, content) ->
                new UnsignedEvent(author, createdAt, kind, t, content));
  }

  /**
   * Events signed by their author (BIP-340 over the NIP-01 id): every one verifies.
   *
   * @return the arbitrary
   */
  public static Arbitrary<SignedEvent> signedEvents() {
    return secretKeys()
        .flatMap(
            key -> {
              SchnorrSigner signer = SchnorrSigner.create(key);
              return unsignedEvents(key.publicKey()).map(e -> NostrEvents.sign(e, signer));
            });
  }

  /**
   * Relay URLs as NIP-19 and the connect URIs accept them: {@code ws://} or {@code wss://}, a
   * lowercase host, an optional port and path.
   *
   * @return the arbitrary
   */
  public static Arbitrary<String> relayUrls() {
    // a letter first: java.net.URI reads a host whose last label starts with a digit as no host at
    // all
    Arbitrary<String> label =
        Combinators.combine(
                Arbitraries.chars().range('a', 'z'),
                Arbitraries.strings()
                    .withCharRange('a', 'z')
                    .withCharRange('0', '9')
                    .ofMaxLength(11))
            .as((first, rest) -> first + rest);
    Arbitrary<String> host = label.list().ofMinSize(1).ofMaxSize(3).map(l -> String.join(".", l));
    Arbitrary<String> port =
        Arbitraries.integers().between(1, 65_535).map(p -> ":" + p).injectNull(0.5);
    Arbitrary<String> path = label.map(p -> "/" + p).injectNull(0.7);
    return Combinators.combine(Arbitraries.of("ws://", "wss://"), host, port, path)
        .as((s, h, p, x) -> s + h + (p == null ? "" : p) + (x == null ? "" : x));
  }

  /**
   * NIP-19 entities of every kind: {@code npub}, {@code nsec}, {@code note}, and {@code nprofile}
   * with up to four relays, all within NIP-19's size limits.
   *
   * @return the arbitrary
   */
  public static Arbitrary<Nip19Entity> nip19Entities() {
    return Arbitraries.oneOf(
        publicKeys().map(Nip19Entity.Npub::new),
        secretKeys().map(Nip19Entity.Nsec::new),
        bytes(32).map(b -> new Nip19Entity.Note(HexFormat.of().formatHex(b))),
        Combinators.combine(publicKeys(), relayUrls().list().ofMaxSize(4)).as(Nip19Profile::new));
  }

  /**
   * A NIP-44 payload and what made it.
   *
   * @param sender the key that encrypted
   * @param recipient the key it was encrypted to
   * @param plaintext the plaintext
   * @param payload the base64 payload (tampered for {@link #tamperedNip44Payloads()})
   */
  public record Nip44Sample(
      SecretKey sender, SecretKey recipient, String plaintext, String payload) {
    /**
     * The conversation key that decrypts the payload, from the recipient's side.
     *
     * @return the key
     */
    public Nip44ConversationKey recipientConversationKey() {
      return conversationKey(recipient, sender.publicKey());
    }
  }

  /**
   * Well-formed Unicode text drawn from a seed (what {@link #texts(int)} generates), for properties
   * that pick the size themselves, beyond NIP-44's limit too.
   *
   * @param seed the seed: the same seed and size give the same text
   * @param targetBytes the greatest UTF-8 length, at least 1
   * @return text of 1 to {@code targetBytes} UTF-8 bytes
   */
  public static String text(long seed, int targetBytes) {
    Random r = new Random(seed);
    StringBuilder sb = new StringBuilder();
    int bytes = 0;
    while (true) {
      int cp;
      int kind = r.nextInt(10);
      if (kind < 4) {
        cp = r.nextInt(0x80); // ASCII incl. control characters and NUL
      } else if (kind < 6) {
        cp = 0x80 + r.nextInt(0x800 - 0x80);
      } else if (kind < 8) {
        do {
          cp = 0x800 + r.nextInt(0x10000 - 0x800);
        } while (cp >= 0xD800 && cp <= 0xDFFF);
      } else {
        cp = 0x10000 + r.nextInt(0x110000 - 0x10000); // emoji and other astral characters
      }
      int len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes + len > targetBytes) {
        break;
      }
      sb.appendCodePoint(cp);
      bytes += len;
    }
    if (sb.isEmpty()) {
      sb.append('a');
    }
    return sb.toString();
  }

  private static Nip44ConversationKey conversationKey(SecretKey ours, PublicKey theirs) {
    try {
      return Nip44ConversationKey.derive(ours, theirs);
    } catch (InvalidKeyException e) {
      throw new AssertionError("generated keys are valid", e);
    }
  }

  private static boolean isSecretKey(byte[] b) {
    try {
      SecretKey.fromBytes(b);
      return true;
    } catch (InvalidKeyException e) {
      return false;
    }
  }

  private static SecretKey secretKey(byte[] b) {
    try {
      return SecretKey.fromBytes(b);
    } catch (InvalidKeyException e) {
      throw new AssertionError(e);
    }
  }
}
