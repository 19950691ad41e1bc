package dev.keycast.nip46.bunker.internal;

import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.Nip46Envelope;
import dev.keycast.nip46.Nip46Response;
import dev.keycast.nip46.server.EventRejectReason;
import dev.keycast.nip46.server.SignerError;
import dev.keycast.queue.CpuExecutor;
import dev.keycast.queue.CpuExecutorConfig;
import dev.keycast.queue.QueuedTask;
import dev.keycast.queue.WorkQueue;
import dev.keycast.queue.WorkQueueConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The overflow lane: answers the events the main queue refused ({@code overloaded, retry later}, or
 * {@code shutting down}) on a path built to cost a fraction of a request, so that a signer past its
 * capacity can still answer everyone. Its own {@link WorkQueue} ({@code concurrency} virtual-thread
 * workers, {@code capacity} slots) and its own one-thread {@link CpuExecutor} ({@code
 * keycast-refusal-crypto}), a bulkhead: behind a full main queue the shared CPU executor's queue is
 * full of request work, and refusals waiting in it would be answered only at the rate requests are;
 * on their own platform thread they get a fair share of the cores from the OS (at most one core),
 * and the request work keeps the rest. Refusals are buffered here, not dropped; only when the lane
 * is full too is an event dropped, counted {@code overflow_dropped}.
 *
 * <p>A refusal costs:
 *
 * <ul>
 *   <li>Two CPU-executor calls instead of a request's four: the keys (and, for NIP-04 only, the
 *       signature), then decryption, parsing, encryption and signing of the reply in one go.
 *   <li>No Schnorr verification of a NIP-44 request. Its content decrypts only if its MAC verifies
 *       under the conversation key of the bunker key and the event's {@code pubkey}, which only the
 *       holder of one of those two secret keys can produce; so the refusal goes, encrypted, to the
 *       sender the event names, as after a verification. What is skipped is the check of the event
 *       id and signature: an unverified id is therefore never recorded as seen (a copy with a
 *       forged signature never suppresses the genuine request on the main path). Instead, a NIP-44
 *       payload is deduplicated here on its MAC once the MAC verified: one captured payload resent
 *       with any number of random ids or signatures earns one refusal in the dedupe window, the
 *       other copies are dropped, counted {@code duplicate}. NIP-04 has no MAC, so its requests are
 *       verified as always (and deduplicated on their verified id).
 *   <li>No rate limit, handler, policy or audit: the answer is fixed.
 * </ul>
 *
 * <p>Thread-safe. {@link #offer} never blocks (relay I/O threads and the main queue's shutdown call
 * it); the refusals run on the lane's workers.
 */
final class OverflowLane {
  private static final Logger LOG = LoggerFactory.getLogger(OverflowLane.class);

  private final WorkQueue lane;
  private final CpuExecutor refusalCpu;
  private final CountedCpu counted;
  private final SignerLookup signers;
  private final SeenEvents verifiedIds;
  private final SeenEvents refusedPayloads;
  private final SealStage seal;
  private final PublishStage publish;
  private final InFlight inFlight;
  private final StatsRecorder stats;
  private final Clock clock;
  // Can repeat for every event of a flood (on relay I/O threads); the metrics hold the exact count.
  private final RateLimitedWarning dropped =
      new RateLimitedWarning(
          LOG,
          "overflow lane full: requests are being dropped without a reply (counted as overflow_dropped;"
              + " logged at most every 10 s)",
          Duration.ofSeconds(10));

  OverflowLane(
      int concurrency,
      int capacity,
      CountedCpu counted,
      SignerLookup signers,
      SeenEvents verifiedIds,
      int refusedPayloadCapacity,
      long refusedPayloadWindowSeconds,
      SealStage seal,
      PublishStage publish,
      InFlight inFlight,
      StatsRecorder stats,
      Clock clock) {
    this.counted = counted;
    this.signers = signers;
    this.verifiedIds = verifiedIds;
    this.refusedPayloads = new SeenEvents(refusedPayloadCapacity, refusedPayloadWindowSeconds);
    this.seal = seal;
    this.publish = publish;
    this.inFlight = inFlight;
    this.stats = stats;
    this.clock = clock;
    // Each lane worker has at most one call in flight: a queue of `concurrency` never refuses one.
    this.refusalCpu =
        CpuExecutor.start(
            CpuExecutorConfig.builder()
                .name("keycast-refusal-crypto")
                .threads(1)
                .queueCapacity(concurrency)
                .build());
    this.lane =
        WorkQueue.start(
            WorkQueueConfig.builder()
                .name("keycast-overflow")
                .workers(concurrency)
                .capacity(capacity)
                .onAbandoned(this::abandoned)
                .build());
  }

  /** A refused request waiting in the lane for its error reply. */
  private final class Refusal implements QueuedTask {
    final RequestTask task;
    final SignerError answer;

    Refusal(RequestTask task, SignerError answer) {
      this.task = task;
      this.answer = answer;
    }

    @Override
    public String name() {
      return "overflow#" + task.event.id().substring(0, 12);
    }

    @Override
    public void run() throws Exception {
      try {
        refuse(task, answer);
      } finally {
        inFlight.remove(task);
      }
    }
  }

  /**
   * Hands a refused request to the lane, counted {@code reason}, or drops it, counted {@code
   * overflow_dropped}, when the lane is full too. Never blocks.
   */
  void offer(RequestTask task, EventRejectReason reason, SignerError answer) {
    inFlight.add(task); // duplicates from other relays now attach their relay to this answer
    if (lane.submit(new Refusal(task, answer)).accepted()) {
      stats.recordRejected(reason);
    } else {
      inFlight.remove(task);
      stats.recordRejected(EventRejectReason.OVERFLOW_DROPPED);
      dropped.warn();
    }
  }

  /** Called by the lane at shutdown for refusals it could not compute within the deadline. */
  private void abandoned(QueuedTask t) {
    if (t instanceof Refusal r) {
      inFlight.remove(r.task);
      stats.recordRejected(EventRejectReason.OVERFLOW_DROPPED);
    }
  }

  /** Answers one refused request with {@code answer}, on a lane worker. */
  void refuse(RequestTask task, SignerError answer) throws InterruptedException {
    SignedEvent ev = task.event;
    Nip46Envelope.Scheme scheme = Nip46Envelope.Scheme.of(ev.content());
    RequestParties parties =
        counted.call(
            refusalCpu,
            "refuse-keys",
            () -> {
              if (scheme == Nip46Envelope.Scheme.NIP04) {
                NostrEvents.verify(ev);
              }
              return new RequestParties(
                  PublicKey.fromHex(ev.pubkey()), PublicKey.fromHex(task.signerHex));
            },
            EventRejectReason.BAD_SIGNATURE);
    if (parties == null) {
      return;
    }
    if (scheme == Nip46Envelope.Scheme.NIP04
        && !verifiedIds.firstSighting(ev.id(), clock.instant().getEpochSecond())) {
      stats.recordRejected(EventRejectReason.DUPLICATE);
      return;
    }
    SignerLookup.Found found = signers.find(parties.signer(), task.signerHex);
    if (found == null) {
      return;
    }
    AuthorizedSigner signer = found.signer();
    SignerError error = answer;
    Optional<Sealed> sealed =
        counted.call(
            refusalCpu,
            "refuse",
            () -> {
              String plain =
                  seal.envelope()
                      .decrypt(scheme, ev.content(), signer.bunkerKey(), parties.client());
              // The MAC verified: one payload earns one refusal, whatever ids and signatures
              // its copies carry.
              if (scheme == Nip46Envelope.Scheme.NIP44
                  && !refusedPayloads.firstSighting(
                      nip44MacKey(ev.content()), clock.instant().getEpochSecond())) {
                return Optional.<Sealed>empty();
              }
              Reply reply;
              Nip46Response response;
              switch (DecryptStage.parse(plain, ev.pubkey())) {
                case DecryptStage.Opened.Request r -> {
                  reply =
                      new Reply(
                          task,
                          signer,
                          scheme,
                          parties.client(),
                          r.request().id(),
                          MethodLabels.of(r.request()));
                  response = Nip46Response.error(r.request().id(), error.wireText());
                }
                case DecryptStage.Opened.Invalid inv -> {
                  reply =
                      new Reply(
                          task,
                          signer,
                          scheme,
                          parties.client(),
                          inv.requestId(),
                          MethodLabels.INVALID);
                  response =
                      Nip46Response.error(inv.requestId(), SignerError.INVALID_REQUEST.wireText());
                }
              }
              return Optional.of(new Sealed(reply, response, seal.seal(reply, response)));
            },
            EventRejectReason.UNDECRYPTABLE);
    if (sealed == null) {
      return;
    }
    if (sealed.isEmpty()) {
      stats.recordRejected(EventRejectReason.DUPLICATE);
      return;
    }
    publish.publish(sealed.get().reply(), sealed.get().response(), sealed.get().event());
  }

  /**
   * The dedupe key of a NIP-44 payload whose MAC verified: the MAC (its last 32 bytes), which only
   * a holder of one of the conversation's secret keys can produce for a given ciphertext.
   */
  static String nip44MacKey(String content) {
    byte[] payload = Base64.getDecoder().decode(content);
    return "nip44-mac:"
        + HexFormat.of().formatHex(payload, Math.max(0, payload.length - 32), payload.length);
  }

  /** A reply computed on the CPU executor, ready to publish. */
  private record Sealed(Reply reply, Nip46Response response, SignedEvent event) {}

  /**
   * Drains the lane and stops its CPU thread, up to {@code deadlineNanos} ({@link
   * System#nanoTime()}).
   */
  void shutdown(long deadlineNanos) {
    lane.shutdown(Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())));
    refusalCpu.shutdown(Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())));
  }
}
