package dev.keycast.nip46.relay;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one relay's connection, for health checks and metrics. The counters are read one by
 * one without a common lock, so a snapshot may be an inconsistent view while traffic flows; each
 * counter only grows.
 *
 * @param url the (normalised) relay URL
 * @param state the connection state
 * @param connectedSince when the current connection opened, or {@code null} if not connected
 * @param lastError the last failure (connect error, drop, {@code CLOSED} from the relay), or {@code
 *     null}; never contains secrets
 * @param lastErrorAt when {@code lastError} happened, or {@code null}
 * @param connectAttempts connection attempts so far
 * @param connects successful connections so far (more than 1 means it reconnected)
 * @param eventsReceived {@code EVENT} messages delivered to the listener
 * @param messagesDropped incoming messages dropped (malformed, oversized, binary, or the listener
 *     threw)
 * @param eventsPublished events handed to this relay for publishing
 * @param publishAccepted publishes answered {@code OK true}
 * @param publishRejected publishes answered {@code OK false}
 * @param publishTimedOut publishes without an {@code OK} within the timeout (or not sent)
 */
public record RelayStatus(
    String url,
    RelayState state,
    @Nullable Instant connectedSince,
    @Nullable String lastError,
    @Nullable Instant lastErrorAt,
    long connectAttempts,
    long connects,
    long eventsReceived,
    long messagesDropped,
    long eventsPublished,
    long publishAccepted,
    long publishRejected,
    long publishTimedOut) {}
