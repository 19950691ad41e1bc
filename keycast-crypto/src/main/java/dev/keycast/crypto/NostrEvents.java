package dev.keycast.crypto;

import dev.keycast.crypto.internal.Backends;
import dev.keycast.crypto.internal.Bytes;
import java.security.GeneralSecurityException;
import java.security.SignatureException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * NIP-01 events: canonical serialization, id, signing and verification.
 *
 * <p>The canonical serialization is {@code [0,<pubkey>,<created_at>,<kind>,<tags>,<content>]}
 * without whitespace. Strings are escaped exactly as ECMAScript's {@code JSON.stringify} (ES2019,
 * well-formed) escapes them, so ids match nostr-tools byte for byte for any content: {@code "} and
 * {@code \} are escaped; {@code \b \t \n \f \r} use their short forms; other characters below
 * U+0020 become {@code \}{@code u00xx} (lowercase hex); lone surrogates become {@code \}{@code
 * udxxx} (lowercase hex); everything else, including non-ASCII and {@code /}, is written verbatim
 * and encoded as UTF-8.
 *
 * <p>Thread-safety: stateless, safe from any thread. Serialization and hashing never block; signing
 * and verifying are CPU-bound (tens of microseconds natively).
 *
 * <p>Security guarantees: {@link #verify(SignedEvent)} proves that the holder of {@code pubkey}'s
 * secret key signed exactly these fields (the id binds pubkey, created_at, kind, tags and content).
 * It says nothing about freshness or intent: check {@code created_at}, kind and tags (and
 * deduplicate ids) yourself.
 */
public final class NostrEvents {
  private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

  private NostrEvents() {}

  /**
   * The canonical NIP-01 serialization whose SHA-256 is the event id.
   *
   * @param pubkeyHex author public key, lowercase hex
   * @param createdAt Unix seconds
   * @param kind event kind
   * @param tags tags
   * @param content content
   * @return the JSON array text
   */
  public static String canonicalJson(
      String pubkeyHex, long createdAt, int kind, List<List<String>> tags, String content) {
    StringBuilder sb = new StringBuilder(content.length() + 128);
    sb.append("[0,");
    appendJsonString(sb, pubkeyHex);
    sb.append(',').append(createdAt).append(',').append(kind).append(',');
    appendTags(sb, tags);
    sb.append(',');
    appendJsonString(sb, content);
    sb.append(']');
    return sb.toString();
  }

  /**
   * The event id: lowercase hex SHA-256 of the UTF-8 canonical serialization.
   *
   * @param pubkeyHex author public key, lowercase hex
   * @param createdAt Unix seconds
   * @param kind event kind
   * @param tags tags
   * @param content content
   * @return 64 lowercase hex characters
   */
  public static String computeId(
      String pubkeyHex, long createdAt, int kind, List<List<String>> tags, String content) {
    return Bytes.toHex(idBytes(pubkeyHex, createdAt, kind, tags, content));
  }

  /**
   * Computes the id and signs it.
   *
   * @param event the unsigned event
   * @param signer signer whose public key equals {@code event.pubkey()}
   * @return the signed event
   * @throws IllegalArgumentException if the signer's public key differs from the event's pubkey
   */
  public static SignedEvent sign(UnsignedEvent event, SchnorrSigner signer) {
    return sign(event, signer, false);
  }

  private static SignedEvent sign(
      UnsignedEvent event, SchnorrSigner signer, boolean deterministic) {
    if (!signer.publicKey().equals(event.pubkey())) {
      throw new IllegalArgumentException("signer public key does not match the event pubkey");
    }
    String pubkeyHex = event.pubkey().toHex();
    byte[] id = idBytes(pubkeyHex, event.createdAt(), event.kind(), event.tags(), event.content());
    byte[] sig = deterministic ? signer.sign(id, new byte[32]) : signer.sign(id);
    return new SignedEvent(
        Bytes.toHex(id),
        pubkeyHex,
        event.createdAt(),
        event.kind(),
        event.tags(),
        event.content(),
        Bytes.toHex(sig));
  }

  /**
   * Computes the id and signs it deterministically: BIP-340 with 32 zero bytes of auxiliary data,
   * so the same event and key always give the same signature (the BIP-340 nonce still mixes the
   * secret key and the message; only the extra protection of fresh randomness against fault and
   * side-channel attacks is given up). For replies that must be identical when computed twice, such
   * as a cluster re-answering a request after a takeover.
   *
   * @param event the unsigned event
   * @param signer signer whose public key equals {@code event.pubkey()}
   * @return the signed event, equal for equal inputs
   * @throws IllegalArgumentException if the signer's public key differs from the event's pubkey
   */
  public static SignedEvent signDeterministic(UnsignedEvent event, SchnorrSigner signer) {
    return sign(event, signer, true);
  }

  /**
   * Checks that the id matches the content and the signature is valid for the pubkey, on the active
   * backend.
   *
   * @param event the event
   * @throws SignatureException if the id does not match or the signature is invalid
   * @throws java.security.InvalidKeyException if the pubkey is not a point on the curve
   */
  public static void verify(SignedEvent event) throws GeneralSecurityException {
    var unused = verifiedAuthor(event);
  }

  /**
   * Checks the event as {@link #verify} does and returns its author's key, parsed once for both (a
   * caller that needs the key, such as a signer answering the event, parses it no second time).
   * CPU-bound.
   *
   * @param event the event
   * @return the key of {@code event.pubkey()}
   * @throws SignatureException if the id does not match or the signature is invalid
   * @throws java.security.InvalidKeyException if the pubkey is not a point on the curve
   */
  public static PublicKey verifiedAuthor(SignedEvent event) throws GeneralSecurityException {
    byte[] id =
        idBytes(event.pubkey(), event.createdAt(), event.kind(), event.tags(), event.content());
    if (!Bytes.isHexOf(id, event.id())) {
      throw new SignatureException("event id does not match its content");
    }
    PublicKey key = PublicKey.fromHex(event.pubkey());
    if (!Backends.active().verify(HexFormat.of().parseHex(event.sig()), id, key.bytes())) {
      throw new SignatureException("invalid event signature");
    }
    return key;
  }

  /**
   * A JSON string literal (with the quotes) exactly as {@code JSON.stringify(s)} writes it. Never
   * blocks.
   *
   * @param s any string, including lone surrogates
   * @return the literal
   */
  public static String jsonString(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2);
    appendJsonString(sb, s);
    return sb.toString();
  }

  static byte[] idBytes(
      String pubkeyHex, long createdAt, int kind, List<List<String>> tags, String content) {
    return EventIdDigest.idBytes(pubkeyHex, createdAt, kind, tags, content);
  }

  static void appendTags(StringBuilder sb, List<List<String>> tags) {
    sb.append('[');
    for (int i = 0; i < tags.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      List<String> tag = tags.get(i);
      sb.append('[');
      for (int j = 0; j < tag.size(); j++) {
        if (j > 0) {
          sb.append(',');
        }
        appendJsonString(sb, tag.get(j));
      }
      sb.append(']');
    }
    sb.append(']');
  }

  static void appendJsonString(StringBuilder sb, String s) {
    sb.append('"');
    int n = s.length();
    int start = 0; // start of the pending verbatim run
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      String shortForm = null;
      boolean escape;
      if (c == '"') {
        shortForm = "\\\"";
        escape = true;
      } else if (c == '\\') {
        shortForm = "\\\\";
        escape = true;
      } else if (c < 0x20) {
        shortForm =
            switch (c) {
              case '\b' -> "\\b";
              case '\t' -> "\\t";
              case '\n' -> "\\n";
              case '\f' -> "\\f";
              case '\r' -> "\\r";
              default -> null;
            };
        escape = true;
      } else if (Character.isHighSurrogate(c)) {
        if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++; // a well-formed pair is written verbatim
          escape = false;
        } else {
          escape = true;
        }
      } else {
        escape = Character.isLowSurrogate(c); // a low surrogate here is unpaired
      }
      if (escape) {
        sb.append(s, start, i);
        if (shortForm != null) {
          sb.append(shortForm);
        } else {
          sb.append("\\u")
              .append(HEX_DIGITS[(c >> 12) & 0xF])
              .append(HEX_DIGITS[(c >> 8) & 0xF])
              .append(HEX_DIGITS[(c >> 4) & 0xF])
              .append(HEX_DIGITS[c & 0xF]);
        }
        start = i + 1;
      }
    }
    sb.append(s, start, n);
    sb.append('"');
  }

  /**
   * An unmodifiable, null-free copy of {@code tags} and of each tag; tags already in that form
   * ({@code List.of}, as parsers and builders make them) are kept as they are, without a copy.
   */
  static List<List<String>> copyTags(List<List<String>> tags) {
    List<List<String>> outer = List.copyOf(tags); // itself when already unmodifiable
    for (int i = 0; i < outer.size(); i++) {
      List<String> tag = outer.get(i);
      if (List.copyOf(tag) != tag) {
        List<List<String>> copy = new ArrayList<>(outer.size());
        for (List<String> t : outer) {
          copy.add(List.copyOf(t));
        }
        return List.copyOf(copy);
      }
    }
    return outer;
  }

  static void checkKindAndTime(int kind, long createdAt) {
    if (kind < 0 || kind > 65535) {
      throw new IllegalArgumentException("kind must be in 0..65535, got " + kind);
    }
    if (createdAt < 0) {
      throw new IllegalArgumentException("created_at must be >= 0, got " + createdAt);
    }
  }
}
