package dev.keycast.nip46.relay;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The connection state of one relay. On the wire (health JSON, logs) a state is written as {@link
 * #wireName()}: {@code "connecting"}, {@code "connected"}, {@code "backoff"}, {@code "closed"},
 * {@code "not_started"}.
 */
public enum RelayState {
  /** Opening the WebSocket (first time or after a backoff). */
  CONNECTING,
  /** Connected: subscriptions are active and publishes are sent immediately. */
  CONNECTED,
  /** Disconnected, waiting (exponential backoff with jitter) before the next attempt. */
  BACKOFF,
  /** Removed from the pool or the pool is closed; no further attempts. */
  CLOSED,
  /**
   * Configured but not connecting yet: the relay of a bunker that has not been started. A {@link
   * RelayPool} never reports it (it connects as soon as a relay is added).
   */
  NOT_STARTED;

  /**
   * The state as written on the wire: the constant's name in lower case.
   *
   * @return for example {@code "connected"}
   */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Relay states by URL as written on the wire, for health output.
   *
   * @param states the states by relay URL
   * @return an unmodifiable copy, sorted by URL, with each state as its {@link #wireName()}
   */
  public static Map<String, String> wireNames(Map<String, RelayState> states) {
    Map<String, String> out = new TreeMap<>();
    states.forEach((url, state) -> out.put(url, state.wireName()));
    return Collections.unmodifiableMap(out);
  }
}
