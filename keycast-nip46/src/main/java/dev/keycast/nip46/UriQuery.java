package dev.keycast.nip46;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parsing and formatting of {@code scheme://authority?key=value&...} connection URIs. Stateless.
 */
final class UriQuery {
  private UriQuery() {}

  /**
   * The parts of a connection URI: the authority (a public key) and the decoded query, keys in
   * order.
   */
  public record Parts(String authority, Map<String, List<String>> params) {
    /** All values of a key, in order (empty if absent). */
    public List<String> all(String key) {
      return params.getOrDefault(key, List.of());
    }

    /** The first value of a key, or null. */
    public @org.jspecify.annotations.Nullable String first(String key) {
      List<String> v = params.get(key);
      return v == null || v.isEmpty() ? null : v.getFirst();
    }
  }

  /**
   * Splits {@code scheme://authority[/][?query][#fragment]}; the scheme is matched
   * case-insensitively, the fragment is ignored, values are percent-decoded (form encoding: {@code
   * +} is a space, as URLSearchParams does).
   */
  public static Parts split(String uri, String scheme) {
    String prefix = scheme + "://";
    String s = uri.strip();
    if (s.length() < prefix.length()
        || !s.substring(0, prefix.length()).toLowerCase(Locale.ROOT).equals(prefix)) {
      throw new InvalidConnectUriException("not a " + prefix + " URI");
    }
    s = s.substring(prefix.length());
    int hash = s.indexOf('#');
    if (hash >= 0) {
      s = s.substring(0, hash);
    }
    int q = s.indexOf('?');
    String authority = q < 0 ? s : s.substring(0, q);
    String query = q < 0 ? "" : s.substring(q + 1);
    if (authority.endsWith("/")) {
      authority = authority.substring(0, authority.length() - 1);
    }
    Map<String, List<String>> params = new LinkedHashMap<>();
    for (String pair : query.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      params.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    return new Parts(authority, params);
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new InvalidConnectUriException("malformed percent-encoding in URI query", e);
    }
  }

  /**
   * Percent-encodes a query value so that only {@code [A-Za-z0-9._-]} and {@code %XX} remain:
   * nostr-tools matches bunker URIs against {@code [?\/\w:.=&%-]*}, which has no room for {@code +}
   * or {@code *}.
   */
  public static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A");
  }

  /** Checks a relay URL: a ws:// or wss:// URL with a host. Returns it unchanged. */
  public static String relayUrl(String url) {
    URI u;
    try {
      u = new URI(url);
    } catch (URISyntaxException e) {
      throw new InvalidConnectUriException("relay is not a valid URL", e);
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("ws") && !scheme.equals("wss")) {
      throw new InvalidConnectUriException("relay must be a ws:// or wss:// URL");
    }
    if (u.getHost() == null || u.getHost().isEmpty()) {
      throw new InvalidConnectUriException("relay URL has no host");
    }
    return url;
  }
}
