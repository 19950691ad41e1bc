package dev.keycast.crypto;

import dev.keycast.crypto.Nip19FormatException.Reason;
import dev.keycast.crypto.internal.Bech32;
import dev.keycast.crypto.internal.Bytes;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * NIP-19 bech32 entities: {@code npub}, {@code nsec}, {@code note} and {@code nprofile}.
 *
 * <p>Encoding produces lowercase bech32 (BIP-173, not bech32m). Decoding accepts all-lowercase or
 * all-uppercase strings of at most {@link #MAX_LENGTH} characters. An {@code nprofile} is a TLV
 * stream: type 0 is the 32-byte public key (the first one counts; it is required), type 1 is a
 * relay URL in UTF-8 (repeatable, order kept); other types are ignored. Keycast writes type 0
 * first, as the NIP's example does; nostr-tools writes the relays first; both decode to the same
 * {@link Nip19Profile}.
 *
 * <p>Failures: every decoding problem (bad checksum, wrong prefix, wrong length, invalid key, ...)
 * is a {@link Nip19FormatException}, an {@link IllegalArgumentException} whose {@link
 * Nip19FormatException#reason()} says what is wrong. Messages never contain the data part of the
 * input, which may be a secret key.
 *
 * <p>Thread-safety: stateless static methods, safe for concurrent use. They never block; decoding a
 * key validates it on the curve (CPU-bound, microseconds).
 */
public final class Nip19 {
  /** The longest string accepted or produced, in characters (NIP-19's limit, not BIP-173's 90). */
  public static final int MAX_LENGTH = 5000;

  /**
   * The longest relay URL an {@code nprofile} can carry, in UTF-8 bytes (the TLV length is one
   * byte).
   */
  public static final int MAX_RELAY_BYTES = 255;

  private static final HexFormat HEX = HexFormat.of();

  private Nip19() {}

  /**
   * Encodes a public key as {@code npub1...}.
   *
   * @param key the public key
   * @return the npub string (63 characters)
   */
  public static String encodeNpub(PublicKey key) {
    return Bech32.encode("npub", key.toBytes(), MAX_LENGTH);
  }

  /**
   * Encodes a secret key as {@code nsec1...}. The result is as secret as the key: never log it.
   *
   * @param key the secret key
   * @param access the token that marks code handling raw secret key material
   * @return the nsec string (63 characters)
   */
  public static String encodeNsec(SecretKey key, InsecureSecretKeyAccess access) {
    byte[] bytes = key.toBytes(access);
    try {
      return Bech32.encode("nsec", bytes, MAX_LENGTH);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /**
   * Encodes an event id as {@code note1...}.
   *
   * @param eventIdHex the 32-byte event id as 64 hex characters (either case)
   * @return the note string (63 characters)
   * @throws IllegalArgumentException if {@code eventIdHex} is not 64 hex characters
   */
  public static String encodeNote(String eventIdHex) {
    return Bech32.encode("note", Bytes.fromHex(eventIdHex, 32, "event id"), MAX_LENGTH);
  }

  /**
   * Encodes a profile as {@code nprofile1...}: TLV type 0 (public key) first, then one type 1 entry
   * per relay.
   *
   * @param profile the public key and relays
   * @return the nprofile string
   * @throws Nip19FormatException ({@code UNENCODABLE}) if a relay is longer than {@link
   *     #MAX_RELAY_BYTES} UTF-8 bytes or is not valid UTF-16 (a lone surrogate), or the result
   *     would exceed {@link #MAX_LENGTH} characters
   */
  public static String encodeNprofile(Nip19Profile profile) {
    ByteArrayOutputStream tlv = new ByteArrayOutputStream();
    writeTlv(tlv, 0, profile.pubkey().toBytes());
    for (String relay : profile.relays()) {
      byte[] utf8 = strictUtf8(relay);
      if (utf8.length > MAX_RELAY_BYTES) {
        throw new Nip19FormatException(
            Reason.UNENCODABLE,
            "nprofile relay URL is "
                + utf8.length
                + " UTF-8 bytes, the limit is "
                + MAX_RELAY_BYTES);
      }
      writeTlv(tlv, 1, utf8);
    }
    return Bech32.encode("nprofile", tlv.toByteArray(), MAX_LENGTH);
  }

  /**
   * Decodes an {@code npub}.
   *
   * @param npub the string
   * @return the public key
   * @throws Nip19FormatException if the string is not valid bech32, has another prefix, does not
   *     hold exactly 32 bytes, or the bytes are not a point on the curve ({@code INVALID_KEY})
   */
  public static PublicKey decodeNpub(String npub) {
    return publicKey(expect(npub, "npub"), "npub");
  }

  /**
   * Decodes an {@code nsec}.
   *
   * @param nsec the string
   * @return the secret key
   * @throws Nip19FormatException if the string is not valid bech32, has another prefix, does not
   *     hold exactly 32 bytes, or the value is zero or not below the curve order ({@code
   *     INVALID_KEY})
   */
  public static SecretKey decodeNsec(String nsec) {
    return secretKey(expect(nsec, "nsec"));
  }

  /**
   * Decodes a {@code note}.
   *
   * @param note the string
   * @return the event id as 64 lowercase hex characters
   * @throws Nip19FormatException if the string is not valid bech32, has another prefix or does not
   *     hold 32 bytes
   */
  public static String decodeNote(String note) {
    return eventId(expect(note, "note"));
  }

  /**
   * Decodes an {@code nprofile}.
   *
   * @param nprofile the string
   * @return the public key and relays (in the order they appear)
   * @throws Nip19FormatException if the string is not valid bech32, has another prefix, the TLV
   *     stream is truncated or has no 32-byte type 0 entry or a relay that is not valid UTF-8
   *     ({@code INVALID_TLV}), or the key is not on the curve ({@code INVALID_KEY})
   */
  public static Nip19Profile decodeNprofile(String nprofile) {
    return profile(expect(nprofile, "nprofile"));
  }

  /**
   * Decodes any supported entity, chosen by its prefix.
   *
   * @param s an {@code npub}, {@code nsec}, {@code note} or {@code nprofile} string
   * @return the decoded entity
   * @throws Nip19FormatException as the specific {@code decode...} methods do, and {@code
   *     WRONG_PREFIX} for any other prefix (including {@code nevent}, {@code naddr} and {@code
   *     ncryptsec}, which this class does not handle)
   */
  public static Nip19Entity decode(String s) {
    Bech32.Decoded d = Bech32.decode(s, MAX_LENGTH);
    return switch (d.prefix()) {
      case "npub" -> new Nip19Entity.Npub(publicKey(length(d, 32), "npub"));
      case "nsec" -> new Nip19Entity.Nsec(secretKey(length(d, 32)));
      case "note" -> new Nip19Entity.Note(eventId(length(d, 32)));
      case "nprofile" -> profile(d.data());
      default ->
          throw new Nip19FormatException(
              Reason.WRONG_PREFIX,
              "unsupported NIP-19 prefix (expected npub, nsec, note or nprofile)");
    };
  }

  private static byte[] expect(String s, String prefix) {
    Bech32.Decoded d = Bech32.decode(s, MAX_LENGTH);
    if (!d.prefix().equals(prefix)) {
      throw new Nip19FormatException(
          Reason.WRONG_PREFIX, "expected the prefix " + prefix + ", got another one");
    }
    return prefix.equals("nprofile") ? d.data() : length(d, 32);
  }

  private static byte[] length(Bech32.Decoded d, int expected) {
    if (d.data().length != expected) {
      throw new Nip19FormatException(
          Reason.WRONG_LENGTH,
          d.prefix() + " must hold " + expected + " bytes, got " + d.data().length);
    }
    return d.data();
  }

  private static PublicKey publicKey(byte[] b32, String what) {
    try {
      return PublicKey.fromBytes(b32);
    } catch (InvalidKeyException e) {
      throw new Nip19FormatException(
          Reason.INVALID_KEY, what + " is not a valid secp256k1 public key", e);
    }
  }

  private static SecretKey secretKey(byte[] b32) {
    try {
      return SecretKey.fromBytes(b32);
    } catch (InvalidKeyException e) {
      throw new Nip19FormatException(
          Reason.INVALID_KEY, "nsec is not a valid secp256k1 secret key", e);
    } finally {
      Arrays.fill(b32, (byte) 0);
    }
  }

  private static String eventId(byte[] b32) {
    return HEX.formatHex(b32);
  }

  private static Nip19Profile profile(byte[] data) {
    byte[] pubkey = null;
    List<String> relays = new ArrayList<>();
    int i = 0;
    while (i < data.length) {
      if (data.length - i < 2) {
        throw new Nip19FormatException(
            Reason.INVALID_TLV, "nprofile TLV entry truncated at byte " + i);
      }
      int type = data[i] & 0xff;
      int len = data[i + 1] & 0xff;
      i += 2;
      if (data.length - i < len) {
        throw new Nip19FormatException(
            Reason.INVALID_TLV,
            "nprofile TLV type "
                + type
                + " declares "
                + len
                + " bytes, only "
                + (data.length - i)
                + " left");
      }
      byte[] value = Arrays.copyOfRange(data, i, i + len);
      i += len;
      if (type == 0 && pubkey == null) {
        if (len != 32) {
          throw new Nip19FormatException(
              Reason.INVALID_TLV, "nprofile public key must be 32 bytes, got " + len);
        }
        pubkey = value;
      } else if (type == 1) {
        relays.add(relay(value));
      }
      // Other types (and repeated type 0 entries) are ignored, as NIP-19 requires.
    }
    if (pubkey == null) {
      throw new Nip19FormatException(Reason.INVALID_TLV, "nprofile has no public key (TLV type 0)");
    }
    return new Nip19Profile(publicKey(pubkey, "nprofile"), relays);
  }

  private static String relay(byte[] utf8) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(utf8))
          .toString();
    } catch (CharacterCodingException e) {
      throw new Nip19FormatException(Reason.INVALID_TLV, "nprofile relay is not valid UTF-8", e);
    }
  }

  private static byte[] strictUtf8(String s) {
    try {
      ByteBuffer b =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(CharBuffer.wrap(s));
      return Arrays.copyOfRange(
          b.array(), b.arrayOffset() + b.position(), b.arrayOffset() + b.limit());
    } catch (CharacterCodingException e) {
      throw new Nip19FormatException(
          Reason.UNENCODABLE, "nprofile relay URL is not valid UTF-16", e);
    }
  }

  private static void writeTlv(ByteArrayOutputStream out, int type, byte[] value) {
    out.write(type);
    out.write(value.length);
    out.writeBytes(value);
  }
}
