package dev.keycast.nip46;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keycast.crypto.PublicKey;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A client-initiated connection URI, {@code
 * nostrconnect://<client-pubkey-hex>?relay=…&secret=…&perms=…&name=…&url=… &image=…}: a client
 * shows it, the user gives it to the signer, and the signer answers with an unprompted {@code
 * connect} response whose result is the secret.
 *
 * <p>{@link #parse} also accepts the legacy forms: {@code
 * metadata={"name","url","description","icons":[…]}} (its first icon becomes the image) and {@code
 * icon} instead of {@code image}. Explicit {@code name}/{@code url}/ {@code image} parameters win
 * over legacy ones. The metadata is a display hint and never authorizes anything.
 *
 * <p>{@link #toString()} redacts the secret; use {@link #format()} for the URI itself.
 *
 * <p>Thread-safety: immutable.
 *
 * @param clientPubkey the client's (transport) public key
 * @param relays the relays the client listens on (at least one, {@code ws://} or {@code wss://})
 * @param secret the secret the signer must return in its connect response (non-empty)
 * @param perms the permissions the client asks for (empty if none)
 * @param name the client's display name, or {@code null}
 * @param url the client's web address, or {@code null}
 * @param image the client's icon URL, or {@code null}
 */
public record NostrConnectUri(
    PublicKey clientPubkey,
    List<String> relays,
    String secret,
    PermissionSet perms,
    @Nullable String name,
    @Nullable String url,
    @Nullable String image) {

  /** The most relays a {@code nostrconnect} URI may list (the signer connects to each). */
  public static final int MAX_RELAYS = 16;

  /**
   * Validates and copies the components.
   *
   * @throws InvalidConnectUriException if there is no relay or more than {@link #MAX_RELAYS}, a
   *     relay is not a {@code ws(s)://} URL, or the secret is empty
   */
  public NostrConnectUri {
    relays = List.copyOf(relays);
    if (relays.isEmpty()) {
      throw new InvalidConnectUriException("nostrconnect URI needs at least one relay");
    }
    if (relays.size() > MAX_RELAYS) {
      throw new InvalidConnectUriException(
          "nostrconnect URI lists "
              + relays.size()
              + " relays; at most "
              + MAX_RELAYS
              + " are accepted");
    }
    relays.forEach(UriQuery::relayUrl);
    if (secret.isEmpty()) {
      throw new InvalidConnectUriException("nostrconnect URI needs a secret");
    }
  }

  /**
   * Parses a {@code nostrconnect://} URI (scheme case-insensitive).
   *
   * @param uri the URI
   * @return the parsed URI
   * @throws InvalidConnectUriException if the key is not 64 hex characters of a curve point, {@code
   *     relay} or {@code secret} is missing, a relay is not a {@code ws(s)://} URL, {@code perms}
   *     is malformed, or legacy {@code metadata} is not a JSON object of strings
   */
  public static NostrConnectUri parse(String uri) {
    UriQuery.Parts parts = UriQuery.split(uri, "nostrconnect");
    PublicKey key = BunkerUri.publicKey(parts.authority(), "client");
    String secret = parts.first("secret");
    if (secret == null || secret.isEmpty()) {
      throw new InvalidConnectUriException("nostrconnect URI needs a secret");
    }
    PermissionSet perms;
    try {
      String p = parts.first("perms");
      perms = p == null ? PermissionSet.empty() : PermissionSet.parse(p);
    } catch (NostrFormatException e) {
      throw new InvalidConnectUriException(
          "nostrconnect URI has malformed perms: " + e.getMessage(), e);
    }
    String name = parts.first("name");
    String url = parts.first("url");
    String image = parts.first("image");
    if (image == null) {
      image = parts.first("icon");
    }
    String metadata = parts.first("metadata");
    if (metadata != null) {
      JsonNode m;
      try {
        m = Json.parse(metadata, "metadata");
        if (!m.isObject()) {
          throw new NostrFormatException("metadata must be a JSON object");
        }
        if (name == null) {
          name = Json.optionalString(m, "name", "metadata");
        }
        if (url == null) {
          url = Json.optionalString(m, "url", "metadata");
        }
        if (image == null) {
          image = Json.optionalString(m, "image", "metadata");
        }
        if (image == null && m.get("icons") != null && !m.get("icons").isNull()) {
          List<String> icons = Json.stringList(m.get("icons"), "metadata: \"icons\"");
          image = icons.isEmpty() ? null : icons.getFirst();
        }
      } catch (InvalidConnectUriException e) {
        throw e;
      } catch (NostrFormatException e) {
        throw new InvalidConnectUriException(
            "nostrconnect URI has malformed metadata: " + e.getMessage(), e);
      }
    }
    return new NostrConnectUri(
        key,
        parts.all("relay"),
        secret,
        perms,
        emptyToNull(name),
        emptyToNull(url),
        emptyToNull(image));
  }

  private static @Nullable String emptyToNull(@Nullable String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /**
   * The URI text in the current form ({@code name}, {@code url}, {@code image} parameters; no
   * legacy {@code metadata}).
   *
   * @return {@code nostrconnect://<hex>?relay=…&secret=…[&perms=…][&name=…][&url=…][&image=…]},
   *     values percent-encoded; {@link #parse} reads it back
   */
  public String format() {
    return format(secret);
  }

  private String format(@Nullable String secretText) {
    StringBuilder sb = new StringBuilder("nostrconnect://").append(clientPubkey.toHex());
    char sep = '?';
    for (String r : relays) {
      sb.append(sep).append("relay=").append(UriQuery.encode(r));
      sep = '&';
    }
    sb.append("&secret=").append(secretText == null ? "***" : UriQuery.encode(secretText));
    if (!perms.isEmpty()) {
      sb.append("&perms=").append(UriQuery.encode(perms.toString()));
    }
    if (name != null) {
      sb.append("&name=").append(UriQuery.encode(name));
    }
    if (url != null) {
      sb.append("&url=").append(UriQuery.encode(url));
    }
    if (image != null) {
      sb.append("&image=").append(UriQuery.encode(image));
    }
    return sb.toString();
  }

  /** The URI with the secret replaced by {@code ***}. */
  @Override
  public String toString() {
    return format(null);
  }
}
