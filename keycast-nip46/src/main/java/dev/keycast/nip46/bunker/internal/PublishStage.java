package dev.keycast.nip46.bunker.internal;

import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.Nip46Response;
import dev.keycast.nip46.server.EventRejectReason;
import dev.keycast.nip46.server.ResponseOutcome;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage <b>publish</b>: counts the response (before publishing, so a client that sees the reply
 * also sees it counted), then hands the sealed reply to the relays the request came from plus the
 * authorization's own. May wait for room on the relays (flow control, up to the publish timeout); a
 * reply no relay accepts is counted {@code reply_undelivered}, with a WARN line at most every 10 s.
 * Runs on a worker, overflow or reply thread (virtual); holds no lock. Thread-safe.
 */
final class PublishStage {
  private static final Logger LOG = LoggerFactory.getLogger(PublishStage.class);

  private final RelayTransport transport;
  private final StatsRecorder stats;
  // Can repeat for every reply of a flood; the metrics hold the exact count.
  private final RateLimitedWarning undelivered =
      new RateLimitedWarning(
          LOG,
          "replies are not reaching any relay (refused, timed out or no room; counted as reply_undelivered;"
              + " logged at most every 10 s)",
          Duration.ofSeconds(10));

  PublishStage(RelayTransport transport, StatsRecorder stats) {
    this.transport = transport;
    this.stats = stats;
  }

  /**
   * Counts and publishes one sealed reply; blocks while no relay has room (up to the publish
   * timeout).
   *
   * @return completes (never exceptionally) once the relays answered, or the publish timed out
   * @throws InterruptedException if interrupted while waiting for room
   */
  CompletableFuture<Void> publish(Reply reply, Nip46Response response, SignedEvent sealed)
      throws InterruptedException {
    // The relays the request came on, and the authorization's own: usually the same ones, then
    // without a copy.
    Collection<String> relays = reply.task().relays;
    List<String> own = reply.signer().authorization().relays();
    if (!relays.containsAll(own)) {
      Set<String> all = new LinkedHashSet<>(relays);
      all.addAll(own);
      relays = all;
    }
    stats.recordResponse(
        reply.methodLabel(), outcome(response), System.nanoTime() - reply.task().receivedNanos);
    // publish never completes exceptionally, and the callback only counts and rate-limits a
    // warning.
    return transport
        .publish(sealed, relays)
        .thenAccept(
            delivered -> {
              if (!delivered) {
                stats.recordRejected(EventRejectReason.REPLY_UNDELIVERED);
                undelivered.warn();
              }
            });
  }

  static ResponseOutcome outcome(Nip46Response response) {
    return switch (response) {
      case Nip46Response.Ok ok -> ResponseOutcome.OK;
      case Nip46Response.AuthUrl au -> ResponseOutcome.AUTH_URL;
      case Nip46Response.Error err -> ResponseOutcome.ofError(err.error());
    };
  }
}
