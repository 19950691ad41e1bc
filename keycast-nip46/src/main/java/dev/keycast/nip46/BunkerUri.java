package dev.keycast.nip46;

import dev.keycast.crypto.PublicKey;
import java.security.InvalidKeyException;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A signer-initiated connection URI, {@code
 * bunker://<signer-pubkey-hex>?relay=wss://…&relay=…&secret=…}: the signer tells a client where and
 * how to connect.
 *
 * <p>{@link #toString()} redacts the secret; use {@link #format()} for the URI itself.
 *
 * <p>Thread-safety: immutable.
 *
 * @param signerPubkey the signer's (bunker's) public key: the transport identity, not necessarily
 *     the user's key
 * @param relays the relays the signer listens on (at least one; {@code ws://} or {@code wss://}
 *     URLs)
 * @param secret the single-use (or {@code max_uses}) connect secret, or {@code null}
 */
public record BunkerUri(PublicKey signerPubkey, List<String> relays, @Nullable String secret) {

  /**
   * Validates and copies the components.
   *
   * @throws InvalidConnectUriException if there is no relay or a relay is not a {@code ws(s)://}
   *     URL
   */
  public BunkerUri {
    relays = List.copyOf(relays);
    if (relays.isEmpty()) {
      throw new InvalidConnectUriException("bunker URI needs at least one relay");
    }
    relays.forEach(UriQuery::relayUrl);
    if (secret != null && secret.isEmpty()) {
      secret = null;
    }
  }

  /**
   * Parses a {@code bunker://} URI. The scheme is case-insensitive; the key must be 64 hex
   * characters of a point on the curve; {@code relay} is required and repeatable; {@code secret} is
   * optional; other parameters are ignored.
   *
   * @param uri the URI
   * @return the parsed URI
   * @throws InvalidConnectUriException if the URI is malformed (the message never contains the
   *     secret)
   */
  public static BunkerUri parse(String uri) {
    UriQuery.Parts parts = UriQuery.split(uri, "bunker");
    PublicKey key = publicKey(parts.authority(), "signer");
    return new BunkerUri(key, parts.all("relay"), parts.first("secret"));
  }

  static PublicKey publicKey(String hex, String role) {
    if (!Json.isHex(hex, 64)) {
      throw new InvalidConnectUriException(role + " public key must be 64 hex characters");
    }
    try {
      return PublicKey.fromHex(hex.toLowerCase(Locale.ROOT));
    } catch (InvalidKeyException | IllegalArgumentException e) {
      throw new InvalidConnectUriException(
          role + " public key is not a valid secp256k1 x-only key", e);
    }
  }

  /**
   * The URI text.
   *
   * @return {@code bunker://<hex>?relay=…[&relay=…][&secret=…]}, values percent-encoded; {@link
   *     #parse} reads it back
   */
  public String format() {
    StringBuilder sb = new StringBuilder("bunker://").append(signerPubkey.toHex());
    char sep = '?';
    for (String r : relays) {
      sb.append(sep).append("relay=").append(UriQuery.encode(r));
      sep = '&';
    }
    if (secret != null) {
      sb.append(sep).append("secret=").append(UriQuery.encode(secret));
    }
    return sb.toString();
  }

  /** The URI with the secret replaced by {@code ***}. */
  @Override
  public String toString() {
    String text = new BunkerUri(signerPubkey, relays, secret == null ? null : "***").format();
    return text.replace("secret=%2A%2A%2A", "secret=***");
  }
}
