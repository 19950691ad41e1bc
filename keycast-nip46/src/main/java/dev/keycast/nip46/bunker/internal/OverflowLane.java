package dev.keycast.nip46.bunker.internal;

import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.Nip46Envelope;
import dev.keycast.nip46.Nip46Response;
import dev.keycast.nip46.server.EventRejectReason;
import dev.keycast.nip46.server.SignerError;
import dev.keycast.nip46.server.TaskSnapshot.Stage;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The overflow lane: answers the events the main queue refused ({@code overloaded, retry later}, or
 * {@code shutting down}) on a path built to cost a fraction of a request, so that a signer past its
 * capacity can still answer everyone. A bounded FIFO of refused events ({@code capacity}) drained
 * by its own platform threads ({@code threads}, named {@code keycast-refusal-N}; default one), a
 * bulkhead: behind a full main queue the shared CPU executor's queue is full of request work, and
 * refusals waiting in it would be answered only at the rate requests are; on their own platform
 * threads they get a fair share of the cores from the OS, and the request work keeps the rest.
 * Refusals are buffered here, not dropped; only when the lane is full too is an event dropped,
 * counted {@code overflow_dropped}.
 *
 * <p>A refusal costs:
 *
 * <ul>
 *   <li>No hop per refusal: a refusal thread takes every refusal waiting (up to {@value #BATCH}) at
 *       once and computes each reply itself (keys, decryption, parsing, encryption and signing of
 *       the reply), then hands the batch's replies to one virtual thread that publishes them (the
 *       relays' flow control may block it, never the refusal thread). The bunker keys are read from
 *       the in-memory signer directory, so a refusal never waits on the store.
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
 *   <li>No client rate limit, handler, policy or audit: the answer is fixed.
 * </ul>
 *
 * <p>The lane sends at most {@code perSecond} refusals a second ({@link RefusalPace}) and keeps at
 * most {@value #MAX_UNACKNOWLEDGED} of them unacknowledged by the relays, so that refusals neither
 * bury the relays nor take the publish room the main path's answers need.
 *
 * <p>Thread-safe. {@link #offer} never blocks (relay I/O threads and the main queue's shutdown call
 * it; it takes the lane's lock for a queue insert).
 */
final class OverflowLane {
  private static final Logger LOG = LoggerFactory.getLogger(OverflowLane.class);

  /** The most refusals a refusal thread takes at once (their replies are published together). */
  static final int BATCH = 64;

  /**
   * The most refusals published and not yet answered by the relays: a relay connection takes at
   * most {@code maxPendingPerRelay} (1000 by default) unacknowledged publishes, and refusals, which
   * a refusal thread computes several times faster than the main path answers requests, must not
   * take the room the main path's answers need.
   */
  static final int MAX_UNACKNOWLEDGED = 256;

  private final int capacity;
  private final SignerLookup signers;
  private final SeenEvents verifiedIds;
  private final SeenEvents refusedPayloads;
  private final SealStage seal;
  private final PublishStage publish;
  private final InFlight inFlight;
  private final StatsRecorder stats;
  private final Clock clock;
  private final Thread[] threads;
  private final RefusalPace pace;
  private final ExecutorService publishers =
      Executors.newThreadPerTaskExecutor(
          Thread.ofVirtual().name("keycast-refusal-publish-", 0).factory());

  private final Semaphore unacknowledged = new Semaphore(MAX_UNACKNOWLEDGED, true);

  // The waiting refusals, guarded by lock; never held across anything but a queue operation.
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition waitingNotEmpty = lock.newCondition();
  private final ArrayDeque<Refusal> waiting = new ArrayDeque<>();
  private boolean stopping;
  private long stopByNanos;
  private int running; // refusal threads not yet ended

  // Can repeat for every event of a flood (on relay I/O threads); the metrics hold the exact count.
  private final RateLimitedWarning dropped =
      new RateLimitedWarning(
          LOG,
          "overflow lane full: requests are being dropped without a reply (counted as overflow_dropped;"
              + " logged at most every 10 s)",
          Duration.ofSeconds(10));

  /**
   * Starts the lane's threads.
   *
   * @param threads the refusal threads (platform threads, each computing refusals one at a time)
   * @param perSecond the most refusals a second ({@link RefusalPace})
   * @param capacity how many refusals may wait
   * @throws IllegalArgumentException if {@code signers} may block (a cache that is not watched)
   */
  OverflowLane(
      int threads,
      int perSecond,
      int capacity,
      SignerLookup signers,
      SeenEvents verifiedIds,
      int refusedPayloadCapacity,
      long refusedPayloadWindowSeconds,
      SealStage seal,
      PublishStage publish,
      InFlight inFlight,
      StatsRecorder stats,
      Clock clock) {
    if (!signers.inMemory()) {
      throw new IllegalArgumentException(
          "the overflow lane answers from the signer directory: build the cache watched()");
    }
    if (threads < 1 || capacity < 1) {
      throw new IllegalArgumentException("threads and capacity must be >= 1");
    }
    this.capacity = capacity;
    this.pace = new RefusalPace(perSecond);
    this.signers = signers;
    this.verifiedIds = verifiedIds;
    this.refusedPayloads = new SeenEvents(refusedPayloadCapacity, refusedPayloadWindowSeconds);
    this.seal = seal;
    this.publish = publish;
    this.inFlight = inFlight;
    this.stats = stats;
    this.clock = clock;
    this.threads = new Thread[threads];
    this.running = threads;
    for (int i = 0; i < threads; i++) {
      this.threads[i] =
          Thread.ofPlatform().name("keycast-refusal-" + i).daemon().start(this::refuseWaiting);
    }
  }

  /** A refused request waiting in the lane for its error reply. */
  private record Refusal(RequestTask task, SignerError answer) {}

  /** A reply computed by a refusal thread, ready to publish. */
  private record Sealed(Reply reply, Nip46Response response, SignedEvent event) {}

  /**
   * Hands a refused request to the lane, counted {@code reason}, or drops it, counted {@code
   * overflow_dropped}, when the lane is full too (or has stopped). Never blocks.
   */
  void offer(RequestTask task, EventRejectReason reason, SignerError answer) {
    inFlight.add(task); // duplicates from other relays now attach their relay to this answer
    boolean accepted;
    lock.lock();
    try {
      accepted = running > 0 && !stopped() && waiting.size() < capacity;
      if (accepted) {
        waiting.addLast(new Refusal(task, answer));
        waitingNotEmpty.signal();
      }
    } finally {
      lock.unlock();
    }
    if (accepted) {
      stats.recordRejected(reason);
    } else {
      inFlight.remove(task);
      stats.recordRejected(EventRejectReason.OVERFLOW_DROPPED);
      dropped.warn();
    }
  }

  /** Whether the shutdown deadline has passed (caller holds the lock). */
  private boolean stopped() {
    return stopping && System.nanoTime() - stopByNanos >= 0;
  }

  /** A refusal thread's loop: takes what waits, answers it, until stopped and drained. */
  private void refuseWaiting() {
    List<Refusal> batch = new ArrayList<>(BATCH);
    while (true) {
      int wanted;
      lock.lock();
      try {
        while (waiting.isEmpty() && !stopping) {
          waitingNotEmpty.awaitUninterruptibly();
        }
        if (stopped() || waiting.isEmpty()) { // past the deadline, or stopping and drained
          abandonWaiting();
          running--;
          return;
        }
        wanted = Math.min(BATCH, waiting.size());
      } finally {
        lock.unlock();
      }
      int allowed = pace.take(wanted);
      lock.lock();
      try {
        for (int i = 0; i < allowed && !waiting.isEmpty(); i++) {
          batch.add(waiting.pollFirst());
        }
      } finally {
        lock.unlock();
      }
      List<Sealed> replies = new ArrayList<>(batch.size());
      String me = Thread.currentThread().getName();
      for (Refusal r : batch) {
        r.task().stage = Stage.ENCRYPT; // for the task view: decrypt, parse, seal in one go
        r.task().thread = me;
        Sealed s = null;
        try {
          s = refuse(r.task(), r.answer());
        } catch (RuntimeException e) {
          LOG.error("refusal failed unexpectedly", e);
        }
        if (s != null) {
          replies.add(s);
        } else {
          inFlight.remove(r.task());
        }
      }
      batch.clear();
      if (!replies.isEmpty()) {
        publishLater(replies);
      }
    }
  }

  /** Drops every waiting refusal, counted {@code overflow_dropped} (caller holds the lock). */
  private void abandonWaiting() {
    for (Refusal r; (r = waiting.pollFirst()) != null; ) {
      inFlight.remove(r.task());
      stats.recordRejected(EventRejectReason.OVERFLOW_DROPPED);
    }
  }

  /**
   * Publishes {@code replies} in order on a virtual thread, each once the lane has fewer than
   * {@value #MAX_UNACKNOWLEDGED} publishes waiting for the relays' answers.
   */
  private void publishLater(List<Sealed> replies) {
    try {
      publishers.execute(
          () -> {
            for (Sealed s : replies) {
              s.reply().task().stage = Stage.PUBLISH;
              s.reply().task().thread = Thread.currentThread().getName();
              try {
                publishHoldingRoom(s);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stats.recordRejected(EventRejectReason.OVERFLOW_DROPPED);
              } catch (RuntimeException e) {
                LOG.error("refusal publish failed unexpectedly", e);
              } finally {
                inFlight.remove(s.reply().task());
              }
            }
          });
    } catch (RejectedExecutionException e) {
      // Only after shutdown gave up waiting for the publishers: the replies are lost, counted.
      for (Sealed s : replies) {
        inFlight.remove(s.reply().task());
        stats.recordRejected(EventRejectReason.OVERFLOW_DROPPED);
      }
    }
  }

  /**
   * Publishes one refusal once fewer than {@value #MAX_UNACKNOWLEDGED} wait for the relays'
   * answers; the room is given back when the relays answer, or at once if the publish fails.
   */
  private void publishHoldingRoom(Sealed s) throws InterruptedException {
    unacknowledged.acquire();
    boolean handedOver = false;
    try {
      var unused =
          publish
              .publish(s.reply(), s.response(), s.event())
              .whenComplete((ok, e) -> unacknowledged.release());
      handedOver = true;
    } finally {
      if (!handedOver) {
        unacknowledged.release();
      }
    }
  }

  /**
   * Computes the answer to one refused request with {@code answer}, on a refusal thread; null
   * (counted) when there is none to send.
   */
  private @Nullable Sealed refuse(RequestTask task, SignerError answer) {
    SignedEvent ev = task.event;
    Nip46Envelope.Scheme scheme = Nip46Envelope.Scheme.of(ev.content());
    RequestParties parties;
    try {
      if (scheme == Nip46Envelope.Scheme.NIP04) {
        NostrEvents.verify(ev);
      }
      parties =
          new RequestParties(PublicKey.fromHex(ev.pubkey()), PublicKey.fromHex(task.signerHex));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      stats.recordRejected(EventRejectReason.BAD_SIGNATURE);
      return null;
    }
    if (scheme == Nip46Envelope.Scheme.NIP04
        && !verifiedIds.firstSighting(ev.id(), clock.instant().getEpochSecond())) {
      stats.recordRejected(EventRejectReason.DUPLICATE);
      return null;
    }
    SignerLookup.Found found = signers.find(parties.signer(), task.signerHex);
    if (found == null) {
      return null;
    }
    AuthorizedSigner signer = found.signer();
    String plain;
    try {
      plain = seal.envelope().decrypt(scheme, ev.content(), signer.bunkerKey(), parties.client());
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      stats.recordRejected(EventRejectReason.UNDECRYPTABLE);
      return null;
    }
    // The MAC verified: one payload earns one refusal, whatever ids and signatures its copies
    // carry.
    if (scheme == Nip46Envelope.Scheme.NIP44
        && !refusedPayloads.firstSighting(
            nip44MacKey(ev.content()), clock.instant().getEpochSecond())) {
      stats.recordRejected(EventRejectReason.DUPLICATE);
      return null;
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
        response = Nip46Response.error(r.request().id(), answer.wireText());
      }
      case DecryptStage.Opened.Invalid inv -> {
        reply =
            new Reply(
                task, signer, scheme, parties.client(), inv.requestId(), MethodLabels.INVALID);
        response = Nip46Response.error(inv.requestId(), SignerError.INVALID_REQUEST.wireText());
      }
    }
    try {
      return new Sealed(reply, response, seal.seal(reply, response));
    } catch (GeneralSecurityException e) { // a key that cannot encrypt to the client's
      stats.recordRejected(EventRejectReason.UNDECRYPTABLE);
      return null;
    }
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

  /**
   * Answers what waits and stops the refusal threads, then waits for the replies' publication, up
   * to {@code deadlineNanos} ({@link System#nanoTime()}); refusals still waiting then are dropped,
   * counted {@code overflow_dropped}. Blocks; call once.
   */
  void shutdown(long deadlineNanos) {
    lock.lock();
    try {
      stopping = true;
      stopByNanos = deadlineNanos;
      waitingNotEmpty.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      for (Thread t : threads) {
        long left = deadlineNanos - System.nanoTime();
        // A refusal takes well under a millisecond: a thread past the deadline ends within one
        // batch, so the join may wait that long beyond it.
        t.join(Duration.ofNanos(Math.max(0, left)).plusSeconds(1));
      }
      publishers.shutdown();
      long left = deadlineNanos - System.nanoTime();
      if (!publishers.awaitTermination(Math.max(0, left), TimeUnit.NANOSECONDS)) {
        publishers.shutdownNow();
      }
    } catch (InterruptedException e) {
      publishers.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
