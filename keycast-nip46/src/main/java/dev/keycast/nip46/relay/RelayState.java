package dev.keycast.nip46.relay;

/** The connection state of one relay in a {@link RelayPool}. */
public enum RelayState {
  /** Opening the WebSocket (first time or after a backoff). */
  CONNECTING,
  /** Connected: subscriptions are active and publishes are sent immediately. */
  CONNECTED,
  /** Disconnected, waiting (exponential backoff with jitter) before the next attempt. */
  BACKOFF,
  /** Removed from the pool or the pool is closed; no further attempts. */
  CLOSED
}
