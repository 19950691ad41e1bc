package dev.keycast.cli.internal;

import dev.keycast.cli.UsageException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Relay URL lists from options and {@code KEYCAST_RELAYS}: trimmed, validated, de-duplicated in
 * order.
 *
 * <p>Stateless and thread-safe; never blocks.
 */
public final class Relays {
  private Relays() {}

  /**
   * Parses relay URL options.
   *
   * @param raw option values, each possibly comma-separated; null or blank entries are skipped
   * @return the relay URLs in order, without duplicates (a new mutable list)
   * @throws UsageException if a URL is not {@code ws://} or {@code wss://} with a host
   */
  public static List<String> normalize(@Nullable List<String> raw) {
    LinkedHashSet<String> out = new LinkedHashSet<>();
    if (raw != null) {
      for (String r : raw) {
        if (r == null) {
          continue;
        }
        for (String part : r.split(",", -1)) {
          String s = part.strip();
          if (!s.isEmpty()) {
            out.add(check(s));
          }
        }
      }
    }
    return new ArrayList<>(out);
  }

  private static String check(String url) {
    try {
      URI u = new URI(url);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("ws") || scheme.equals("wss")) || u.getHost() == null) {
        throw new UsageException(
            "not a relay URL: '" + url + "' (expected ws://host[:port] or wss://host[:port])");
      }
      return url;
    } catch (URISyntaxException e) {
      throw new UsageException("not a relay URL: '" + url + "' (" + e.getReason() + ")", e);
    }
  }
}
