package dev.keycast.nip46.store.internal;

import java.util.List;

/** Argument checks shared by the public records and the stores. */
public final class Validation {
  private Validation() {}

  /**
   * Validates a relay list.
   *
   * @param relays relay URLs
   * @return an immutable copy
   * @throws IllegalArgumentException if empty or a URL is not {@code ws://}/{@code wss://} (at most
   *     2048 chars)
   */
  public static List<String> relays(List<String> relays) {
    List<String> copy = List.copyOf(relays);
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("an authorization needs at least one relay");
    }
    for (String relay : copy) {
      if (!(relay.startsWith("wss://") || relay.startsWith("ws://")) || relay.length() > 2048) {
        throw new IllegalArgumentException("relay must be a ws:// or wss:// URL: " + relay);
      }
    }
    return copy;
  }
}
