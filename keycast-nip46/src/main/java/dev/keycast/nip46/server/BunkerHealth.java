package dev.keycast.nip46.server;

import dev.keycast.nip46.relay.RelayState;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A point-in-time view of a running {@code Bunker}, for health endpoints.
 *
 * @param status the overall verdict
 * @param relays each relay's connection state by URL
 * @param connectedRelays how many relays are connected
 * @param databaseReachable whether the database answered the background probe's last query (at most
 *     a second old) and no query has been waiting longer than the probe's timeout
 * @param queueDepth requests waiting in the work queue
 * @param queueCapacity the work queue's capacity
 * @param busyWorkers workers running a request
 * @param pendingApprovals requests waiting for an approval (auth_url) answer
 * @param signerKeys signer (bunker) keys subscribed to
 * @param databaseProblem why the database counts as unreachable, or null when it is reachable
 * @param checkedAt when the snapshot was taken
 */
public record BunkerHealth(
    Status status,
    Map<String, RelayState> relays,
    int connectedRelays,
    boolean databaseReachable,
    int queueDepth,
    int queueCapacity,
    int busyWorkers,
    int pendingApprovals,
    int signerKeys,
    @Nullable String databaseProblem,
    Instant checkedAt) {

  /** The overall verdict. */
  public enum Status {
    /** Every relay connected, database reachable, queue below 90 %. */
    UP,
    /** Serving, but some relay is down or the queue is nearly full. */
    DEGRADED,
    /** Not serving: no relay connected, database unreachable, or closed. */
    DOWN
  }

  /** Copies. */
  public BunkerHealth {
    Objects.requireNonNull(status, "status");
    relays = Map.copyOf(relays);
    Objects.requireNonNull(checkedAt, "checkedAt");
  }

  /** {@return {@code true} unless {@link Status#DOWN}} */
  public boolean isServing() {
    return status != Status.DOWN;
  }
}
