package dev.keycast.nip46.server.internal;

import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.crypto.UnsignedEvent;
import dev.keycast.nip46.EventJson;
import dev.keycast.nip46.Nip46Codec;
import dev.keycast.nip46.Nip46FormatException;
import dev.keycast.nip46.Nip46Method;
import dev.keycast.nip46.Nip46Request;
import dev.keycast.nip46.Nip46Response;
import dev.keycast.nip46.policy.ClientRateLimiter;
import dev.keycast.nip46.policy.Policy;
import dev.keycast.nip46.server.AuthorizationCache;
import dev.keycast.nip46.server.AuthorizedSigner;
import dev.keycast.nip46.server.IntakeFilter;
import dev.keycast.nip46.server.RejectReason;
import dev.keycast.nip46.server.RequestContext;
import dev.keycast.nip46.server.RequestHandler;
import dev.keycast.nip46.server.ResponseOutcome;
import dev.keycast.nip46.server.SignerError;
import dev.keycast.nip46.store.StoreException;
import dev.keycast.queue.CpuExecutor;
import dev.keycast.queue.CpuExecutorConfig;
import dev.keycast.queue.QueuedTask;
import dev.keycast.queue.SubmitResult;
import dev.keycast.queue.WorkQueue;
import dev.keycast.queue.WorkQueueConfig;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request pipeline behind {@code Bunker}. Thread roles:
 *
 * <ul>
 *   <li><b>Relay I/O threads</b> call {@link #onEvent}: size cap, JSON parse, {@link IntakeFilter} (kind, recipient,
 *       age window, dedupe), then a non-blocking {@link WorkQueue#submit}. Nothing else: no crypto, no database.
 *   <li><b>Work-queue workers</b> (virtual threads) run {@link #process}: signature verification, rate limit,
 *       authorization lookup (cache, may do database I/O), decryption, the handler, the reply. Every CPU-bound step
 *       (verify, ECDH, ciphers, signing) runs inside {@link CpuExecutor#call}, on its bounded platform threads.
 *   <li><b>Overflow lane</b>: a second, separate {@link WorkQueue} ({@code overflowConcurrency} virtual-thread
 *       workers, {@code overflowCapacity} slots) answers events the main queue refused ({@code overloaded, retry
 *       later} or {@code shutting down}) on a path much cheaper than a request's (see {@link #refuse}): two
 *       CPU-bound calls instead of four, and no Schnorr verification for NIP-44 requests, whose MAC already
 *       authenticates the sender. Its crypto runs on its own one-thread {@link CpuExecutor}
 *       ({@code keycast-refusal-crypto}), a bulkhead: behind a full main queue the shared CPU executor's queue is
 *       full of request work, and refusals waiting in it would be answered only at the rate requests are; on their
 *       own platform thread they get a fair share of the cores from the OS (at most one core), and the request
 *       work keeps the rest. Refusals are buffered in the lane, not dropped; only when that lane is full too is an
 *       event dropped, and counted {@code overflow_dropped}.
 *   <li>Handlers that answer later complete on their own threads; the reply then runs on a new virtual thread.
 * </ul>
 *
 * <p>Thread-safe. No lock is held across I/O: shared state is in concurrent maps and lock-striped helpers.
 */
public final class Pipeline {
  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
  private static final String INVALID = "invalid";
  private static final String UNKNOWN = "unknown";

  private final IntakeFilter intake;
  private final RateLimiter rateLimiter;
  private final ClientRateLimiter clientLimiter;
  private final SeenEvents verifiedIds;
  private final AuthorizationCache cache;
  private final RequestHandler handler;
  private final CpuExecutor cpu;
  private final Envelope envelope;
  private final StatsRecorder stats;
  private final RelayTransport transport;
  private final Clock clock;
  private final WorkQueue overflowLane;
  private final CpuExecutor refusalCpu;
  // Both can repeat for every event of a flood (the first on relay I/O threads); the metrics hold the exact counts.
  private final RateLimitedWarning overflowDropped = new RateLimitedWarning(LOG,
      "overflow lane full: requests are being dropped without a reply (counted as overflow_dropped;"
          + " logged at most every 10 s)", Duration.ofSeconds(10));
  private final RateLimitedWarning undelivered = new RateLimitedWarning(LOG,
      "replies are not reaching any relay (refused, timed out or no room; counted as reply_undelivered;"
          + " logged at most every 10 s)", Duration.ofSeconds(10));
  private final ConcurrentHashMap<String, RequestTask> inFlight = new ConcurrentHashMap<>();
  private final Set<Reply> pending = ConcurrentHashMap.newKeySet();
  private final ExecutorService asyncReplies = Executors.newThreadPerTaskExecutor(
      Thread.ofVirtual().name("keycast-reply-", 0).factory());
  private volatile @Nullable WorkQueue queue;
  private volatile boolean closing;

  public Pipeline(
      IntakeFilter intake,
      RateLimiter rateLimiter,
      int verifiedDedupeCapacity,
      long dedupeWindowSeconds,
      AuthorizationCache cache,
      RequestHandler handler,
      CpuExecutor cpu,
      Envelope envelope,
      StatsRecorder stats,
      RelayTransport transport,
      Clock clock,
      int overflowConcurrency,
      int overflowCapacity) {
    this.intake = intake;
    this.rateLimiter = rateLimiter;
    this.clientLimiter = new ClientRateLimiter(rateLimiter.maxKeys());
    this.verifiedIds = new SeenEvents(verifiedDedupeCapacity, dedupeWindowSeconds);
    this.cache = cache;
    this.handler = handler;
    this.cpu = cpu;
    this.envelope = envelope;
    this.stats = stats;
    this.transport = transport;
    this.clock = clock;
    // Each overflow worker has at most one call in flight: a queue of overflowConcurrency never refuses one.
    this.refusalCpu = CpuExecutor.start(CpuExecutorConfig.builder()
        .name("keycast-refusal-crypto")
        .threads(1)
        .queueCapacity(overflowConcurrency)
        .build());
    this.overflowLane = WorkQueue.start(WorkQueueConfig.builder()
        .name("keycast-overflow")
        .workers(overflowConcurrency)
        .capacity(overflowCapacity)
        .onAbandoned(this::overflowAbandoned)
        .build());
  }

  /** Sets the queue (created after the pipeline because its abandon callback points here). */
  public void attach(WorkQueue workQueue) {
    this.queue = workQueue;
  }

  /** One accepted event on its way through the queue. */
  final class RequestTask implements QueuedTask {
    final SignedEvent event;
    final String signerHex;
    final Set<String> relays = ConcurrentHashMap.newKeySet();
    final long receivedNanos;
    final Instant receivedAt;
    final String dedupeKey;

    RequestTask(SignedEvent event, String signerHex, String relayUrl) {
      this.event = event;
      this.signerHex = signerHex;
      this.relays.add(relayUrl);
      this.receivedNanos = System.nanoTime();
      this.receivedAt = clock.instant();
      this.dedupeKey = event.id() + event.sig();
    }

    @Override
    public String name() {
      return "nip46#" + event.id().substring(0, 12);
    }

    @Override
    public void run() throws Exception {
      process(this);
    }
  }

  /** Where and how to answer one request. */
  private record Reply(RequestTask task, AuthorizedSigner signer, Envelope.Scheme scheme, PublicKey client,
      String requestId, String methodLabel) {}

  /**
   * Intake of one event from a relay. Runs on a relay I/O thread: cheap checks and a non-blocking submit only.
   * Never throws.
   */
  public void onEvent(String relayUrl, String eventJson) {
    try {
      if (!intake.sizeAllowed(eventJson.length())) {
        stats.recordRejected(RejectReason.TOO_LARGE);
        return;
      }
      SignedEvent event;
      try {
        event = EventJson.parse(eventJson);
      } catch (RuntimeException e) {
        stats.recordRejected(RejectReason.MALFORMED_EVENT);
        return;
      }
      onParsedEvent(relayUrl, event);
    } catch (RuntimeException e) {
      LOG.error("intake failed on an event from {}", relayUrl, e);
    }
  }

  /** Intake of one parsed event; see {@link #onEvent}. Never throws. */
  public void onParsedEvent(String relayUrl, SignedEvent event) {
    switch (intake.check(event)) {
      case IntakeFilter.Verdict.Reject r -> {
        if (r.reason() == RejectReason.DUPLICATE) {
          RequestTask same = inFlight.get(event.id() + event.sig());
          if (same != null) {
            same.relays.add(relayUrl); // answer on this relay too
          }
        }
        stats.recordRejected(r.reason());
      }
      case IntakeFilter.Verdict.Accept a -> submit(new RequestTask(event, a.signerPubkeyHex(), relayUrl));
    }
  }

  private void submit(RequestTask task) {
    WorkQueue q = queue;
    SubmitResult result = (q == null || closing) ? SubmitResult.REJECTED_SHUTDOWN : q.submit(task);
    switch (result) {
      case ACCEPTED -> {
        inFlight.put(task.dedupeKey, task);
        stats.recordAccepted();
      }
      case REJECTED_FULL -> overflow(task, RejectReason.QUEUE_FULL, SignerError.OVERLOADED);
      case REJECTED_SHUTDOWN -> overflow(task, RejectReason.SHUTTING_DOWN, SignerError.SHUTTING_DOWN);
    }
  }

  /** A refused request waiting in the overflow lane for its error reply. */
  private final class OverflowTask implements QueuedTask {
    final RequestTask task;
    final SignerError answer;

    OverflowTask(RequestTask task, SignerError answer) {
      this.task = task;
      this.answer = answer;
    }

    @Override
    public String name() {
      return "overflow#" + task.event.id().substring(0, 12);
    }

    @Override
    public void run() throws Exception {
      refuse(task, answer);
    }
  }

  /** Never blocks: hands the refused request to the overflow lane, or drops it (counted) when that is full too. */
  private void overflow(RequestTask task, RejectReason reason, SignerError answer) {
    inFlight.put(task.dedupeKey, task); // duplicates from other relays now attach their relay to this answer
    if (overflowLane.submit(new OverflowTask(task, answer)).accepted()) {
      stats.recordRejected(reason);
    } else {
      inFlight.remove(task.dedupeKey);
      stats.recordRejected(RejectReason.OVERFLOW_DROPPED);
      overflowDropped.warn();
    }
  }

  /** Called by the overflow lane at shutdown for replies it could not compute within the deadline. */
  private void overflowAbandoned(QueuedTask t) {
    if (t instanceof OverflowTask o) {
      inFlight.remove(o.task.dedupeKey);
      stats.recordRejected(RejectReason.OVERFLOW_DROPPED);
    }
  }

  /**
   * Called by the queue at shutdown for each task it will not run: answers {@code shutting down} (where the
   * request verifies and decrypts) on an overflow thread.
   */
  public void abandoned(QueuedTask task) {
    if (task instanceof RequestTask rt) {
      overflow(rt, RejectReason.SHUTTING_DOWN, SignerError.SHUTTING_DOWN);
    }
  }

  /** Processes one request on a worker: verification, authorization, decryption, the handler and the reply. */
  void process(RequestTask task) throws InterruptedException {
    boolean handedOff = false;
    try {
      handedOff = processChecked(task);
    } finally {
      if (!handedOff) {
        inFlight.remove(task.dedupeKey);
      }
    }
  }

  private boolean processChecked(RequestTask task) throws InterruptedException {
    @Nullable SignerError forced = null;
    SignedEvent ev = task.event;
    // 1. Authenticity, before any other work is spent on the event.
    // [client, signer], parsed (point validation is curve math too) on the CPU executor
    PublicKey[] keys = cpuCall(cpu, "verify", () -> {
      NostrEvents.verify(ev);
      return new PublicKey[] {PublicKey.fromHex(ev.pubkey()), PublicKey.fromHex(task.signerHex)};
    }, RejectReason.BAD_SIGNATURE);
    if (keys == null) {
      return false;
    }
    // 2. Exactly one answer per genuine request, whatever the relays deliver.
    if (!verifiedIds.firstSighting(ev.id(), clock.instant().getEpochSecond())) {
      stats.recordRejected(RejectReason.DUPLICATE);
      return false;
    }
    // 3. Flood guard per (now authenticated) client, before spending on decryption.
    RateLimiter.Decision rate = rateLimiter.acquire(ev.pubkey());
    if (rate == RateLimiter.Decision.LIMIT_SILENTLY) {
      stats.recordRejected(RejectReason.RATE_LIMITED);
      return false;
    }
    // 4. The signer key (through the single-flight, negatively caching cache).
    PublicKey client = keys[0];
    SignerLookup lookup = lookUpSigner(keys[1], task.signerHex);
    if (lookup == null) {
      return false;
    }
    AuthorizedSigner signer = lookup.signer();
    if (lookup.storeDown()) {
      forced = SignerError.UNAVAILABLE;
    }
    // 4b. The authorization's policy rate limit for this client, still before decryption.
    if (forced == null && rate == RateLimiter.Decision.ALLOW) {
      @Nullable Policy policy = null;
      try {
        policy = cache.policy(signer.authorization().policyName()).orElse(null);
      } catch (StoreException e) {
        LOG.debug("policy lookup failed; the handler will answer: {}", e.toString());
      }
      if (policy != null && !clientLimiter.tryAcquire(client, policy.rateLimit(), System.nanoTime())) {
        rate = rateLimiter.overLimit(ev.pubkey());
        if (rate == RateLimiter.Decision.LIMIT_SILENTLY) {
          stats.recordRejected(RejectReason.RATE_LIMITED);
          return false;
        }
      }
    }
    // 5. Decrypt, in the scheme the request used.
    Envelope.Scheme scheme = Envelope.Scheme.of(ev.content());
    final AuthorizedSigner theSigner = signer;
    final PublicKey theClient = client;
    String plain = cpuCall(cpu, "decrypt",
        () -> envelope.decrypt(scheme, ev.content(), theSigner.bunkerKey(), theClient), RejectReason.UNDECRYPTABLE);
    if (plain == null) {
      return false;
    }
    // 6. Parse. From here on, every outcome is a reply.
    Nip46Request request;
    try {
      request = Nip46Codec.parseRequest(plain);
    } catch (Nip46FormatException e) {
      String id = e.requestId() == null ? "" : e.requestId();
      LOG.debug("invalid request from {}: {}", ev.pubkey(), e.getMessage());
      send(new Reply(task, signer, scheme, client, id, INVALID),
          Nip46Response.error(id, SignerError.INVALID_REQUEST.wireText()));
      return false;
    } catch (RuntimeException e) {
      LOG.warn("request parser failed unexpectedly", e);
      send(new Reply(task, signer, scheme, client, "", INVALID),
          Nip46Response.error("", SignerError.INVALID_REQUEST.wireText()));
      return false;
    }
    Reply reply = new Reply(task, signer, scheme, client, request.id(), methodLabel(request));
    if (forced != null) {
      send(reply, Nip46Response.error(request.id(), forced.wireText()));
      return false;
    }
    if (rate == RateLimiter.Decision.LIMIT_AND_REPLY) {
      stats.recordRejected(RejectReason.RATE_LIMITED);
      send(reply, Nip46Response.error(request.id(), SignerError.RATE_LIMITED.wireText()));
      return false;
    }
    // 7. The handler, guarded: it may answer now or later, but never leaves the client in silence.
    RequestContext ctx = new RequestContext(client, signer.authorization().bunkerPublicKey(),
        signer.authorization(), List.copyOf(task.relays), task.receivedAt,
        interim -> asyncReplies.execute(() -> sendQuietly(reply, interim)));
    CompletableFuture<Nip46Response> result = new CompletableFuture<>();
    try {
      CompletionStage<Nip46Response> stage = handler.handle(request, ctx);
      if (stage == null) {
        throw new NullPointerException("handler returned null");
      }
      stage.whenComplete((r, ex) -> {
        if (ex != null || r == null) {
          LOG.error("handler failed on {}", request.methodName(), ex);
          result.complete(Nip46Response.error(request.id(), SignerError.INTERNAL_ERROR.wireText()));
        } else {
          result.complete(r);
        }
      });
    } catch (RuntimeException e) {
      LOG.error("handler threw on {}", request.methodName(), e);
      result.complete(Nip46Response.error(request.id(), SignerError.INTERNAL_ERROR.wireText()));
    }
    if (result.isDone()) {
      send(reply, result.join());
      return false;
    }
    pending.add(reply);
    result.whenComplete((r, ex) -> {
      if (pending.remove(reply)) {
        asyncReplies.execute(() -> {
          try {
            sendQuietly(reply, r);
          } finally {
            inFlight.remove(task.dedupeKey);
          }
        });
      }
    });
    return true;
  }

  /**
   * Runs CPU-bound work on {@code executor}. Returns null, counted, when it fails: a verification, decryption or key
   * error counts {@code onInvalid}; a refused or crashed task counts as {@link #cpuRefused}.
   */
  private <T> @Nullable T cpuCall(CpuExecutor executor, String name, Callable<T> work, RejectReason onInvalid)
      throws InterruptedException {
    try {
      return executor.call(name, work);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      stats.recordRejected(onInvalid);
      return null;
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      cpuRefused(e);
      return null;
    }
  }

  private void cpuRefused(Exception e) {
    if (e instanceof java.util.concurrent.RejectedExecutionException) {
      stats.recordRejected(closing ? RejectReason.SHUTTING_DOWN : RejectReason.OVERFLOW_DROPPED);
      LOG.debug("CPU executor refused a task: {}", e.getMessage());
    } else {
      LOG.error("CPU task failed unexpectedly", e);
    }
  }

  private void sendQuietly(Reply reply, Nip46Response response) {
    try {
      send(reply, response);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.error("reply failed", e);
    }
  }

  /** Encrypts, signs and publishes one response. Runs on a worker or reply thread (virtual). */
  private void send(Reply reply, Nip46Response response) throws InterruptedException {
    SignedEvent out;
    try {
      out = cpu.call("reply", () -> seal(reply, response));
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      cpuRefused(e);
      return;
    }
    publish(reply, response, out);
  }

  /** CPU-bound (call it on the CPU executor): the response encrypted to the client, in a signed reply event. */
  private SignedEvent seal(Reply reply, Nip46Response response) throws GeneralSecurityException {
    String body = Nip46Codec.toJson(response);
    AuthorizedSigner signer = reply.signer();
    String content = envelope.encrypt(reply.scheme(), body, signer.bunkerKey(), reply.client());
    UnsignedEvent u = new UnsignedEvent(signer.authorization().bunkerPublicKey(),
        clock.instant().getEpochSecond(), IntakeFilter.KIND_NIP46,
        List.of(List.of("p", reply.client().toHex()), List.of("e", reply.task().event.id())), content);
    return NostrEvents.sign(u, signer.signer());
  }

  /**
   * Counts the response, then hands the sealed reply to the relays the request came from and the signer's own. May
   * wait for room on the relays (flow control); a reply no relay accepts is counted {@code reply_undelivered}.
   */
  private void publish(Reply reply, Nip46Response response, SignedEvent out) throws InterruptedException {
    Set<String> relays = new LinkedHashSet<>(reply.task().relays);
    relays.addAll(reply.signer().authorization().relays());
    ResponseOutcome outcome = switch (response) {
      case Nip46Response.Ok ok -> ResponseOutcome.OK;
      case Nip46Response.AuthUrl au -> ResponseOutcome.AUTH_URL;
      case Nip46Response.Error err -> ResponseOutcome.ofError(err.error());
    };
    // Counted before publishing, so a client that sees the reply also sees it counted.
    stats.recordResponse(reply.methodLabel(), outcome, System.nanoTime() - reply.task().receivedNanos);
    transport.publish(out, relays).thenAccept(delivered -> {
      if (!delivered) {
        stats.recordRejected(RejectReason.REPLY_UNDELIVERED);
        undelivered.warn();
      }
    });
  }


  /** A signer key found for a request; {@code storeDown} when it is the last known one because the store failed. */
  private record SignerLookup(AuthorizedSigner signer, boolean storeDown) {}

  /**
   * Finds the signer key a request is addressed to (may block on store I/O). Returns null, counted, when there is
   * none to answer with: unknown, or the store is down and the key was never loaded.
   */
  private @Nullable SignerLookup lookUpSigner(PublicKey signerKey, String signerHex) {
    try {
      AuthorizedSigner signer = cache.signer(signerKey).orElse(null);
      if (signer == null) {
        stats.recordRejected(RejectReason.UNKNOWN_SIGNER);
        return null;
      }
      return new SignerLookup(signer, false);
    } catch (StoreException e) {
      // The store is down. With a key seen before, answer "unavailable" (never serve from a stale entry);
      // without one there is nothing to encrypt a reply with.
      AuthorizedSigner last = cache.lastKnownSigner(signerKey).orElse(null);
      if (last == null) {
        LOG.warn("cannot load signer key {}: {}", signerHex, e.toString());
        stats.recordRejected(RejectReason.STORE_UNAVAILABLE);
        return null;
      }
      LOG.debug("store down; answering with the last known key of {}", signerHex);
      return new SignerLookup(last, true);
    }
  }

  /**
   * Answers a request the main queue refused with {@code answer} ({@code overloaded, retry later} or {@code
   * shutting down}), on an overflow-lane worker. Built to cost a fraction of a request, so that a signer past its
   * capacity can still answer everyone:
   *
   * <ul>
   *   <li>Two CPU-executor calls instead of a request's four: the keys (and, for NIP-04 only, the signature), then
   *       decryption, parsing, encryption and signing of the reply in one go.
   *   <li>No Schnorr verification of a NIP-44 request. Its content decrypts only if its MAC verifies under the
   *       conversation key of the bunker key and the event's {@code pubkey}, which only the holder of one of those two
   *       secret keys can produce; so the refusal goes, encrypted, to the sender the event names, as after a
   *       verification. What is skipped is the check of the event id and signature: an unverified id is therefore
   *       never recorded as seen (a copy with a forged signature can cost at most one more refusal, never suppress
   *       the genuine request). NIP-04 has no MAC, so its requests are verified as always.
   *   <li>No rate limit, handler, policy or audit: the answer is fixed.
   * </ul>
   */
  void refuse(RequestTask task, SignerError answer) throws InterruptedException {
    try {
      refuseChecked(task, answer);
    } finally {
      inFlight.remove(task.dedupeKey);
    }
  }

  private void refuseChecked(RequestTask task, SignerError answer) throws InterruptedException {
    SignedEvent ev = task.event;
    Envelope.Scheme scheme = Envelope.Scheme.of(ev.content());
    PublicKey[] keys = cpuCall(refusalCpu, "refuse-keys", () -> { // [client, signer]
      if (scheme == Envelope.Scheme.NIP04) {
        NostrEvents.verify(ev);
      }
      return new PublicKey[] {PublicKey.fromHex(ev.pubkey()), PublicKey.fromHex(task.signerHex)};
    }, RejectReason.BAD_SIGNATURE);
    if (keys == null) {
      return;
    }
    if (scheme == Envelope.Scheme.NIP04
        && !verifiedIds.firstSighting(ev.id(), clock.instant().getEpochSecond())) {
      stats.recordRejected(RejectReason.DUPLICATE);
      return;
    }
    SignerLookup lookup = lookUpSigner(keys[1], task.signerHex);
    if (lookup == null) {
      return;
    }
    AuthorizedSigner signer = lookup.signer();
    PublicKey client = keys[0];
    SignerError error = lookup.storeDown() ? SignerError.UNAVAILABLE : answer;
    Sealed sealed = cpuCall(refusalCpu, "refuse", () -> {
      String plain = envelope.decrypt(scheme, ev.content(), signer.bunkerKey(), client);
      String id;
      String label;
      SignerError e = error;
      try {
        Nip46Request request = Nip46Codec.parseRequest(plain);
        id = request.id();
        label = methodLabel(request);
      } catch (RuntimeException ex) { // Nip46FormatException (expected) or a parser bug
        if (!(ex instanceof Nip46FormatException)) {
          LOG.warn("request parser failed unexpectedly", ex);
        }
        id = ex instanceof Nip46FormatException f && f.requestId() != null ? f.requestId() : "";
        label = INVALID;
        e = SignerError.INVALID_REQUEST;
      }
      Reply reply = new Reply(task, signer, scheme, client, id, label);
      Nip46Response response = Nip46Response.error(id, e.wireText());
      return new Sealed(reply, response, seal(reply, response));
    }, RejectReason.UNDECRYPTABLE);
    if (sealed == null) {
      return;
    }
    publish(sealed.reply(), sealed.response(), sealed.event());
  }

  /** A reply computed on the CPU executor, ready to publish. */
  private record Sealed(Reply reply, Nip46Response response, SignedEvent event) {}

  private static String methodLabel(Nip46Request request) {
    return request instanceof Nip46Request.Unknown
        ? UNKNOWN
        : Nip46Method.fromWireName(request.methodName()).map(Nip46Method::wireName).orElse(UNKNOWN);
  }

  /** Stops intake: events from now on are answered {@code shutting down} where possible. */
  public void stopIntake() {
    closing = true;
  }

  /**
   * Answers every request still waiting for its handler (approvals) with {@code shutting down}, and drains the
   * overflow lane and reply threads, up to {@code deadline}; overflow replies not computed by then are counted
   * {@code overflow_dropped}.
   */
  public void finish(Duration deadline) {
    long end = System.nanoTime() + deadline.toNanos();
    List<Reply> left = new ArrayList<>(pending);
    for (Reply r : left) {
      if (pending.remove(r)) {
        asyncReplies.execute(() -> sendQuietly(r,
            Nip46Response.error(r.requestId(), SignerError.SHUTTING_DOWN.wireText())));
      }
    }
    try {
      overflowLane.shutdown(Duration.ofNanos(Math.max(0, end - System.nanoTime())));
      refusalCpu.shutdown(Duration.ofNanos(Math.max(0, end - System.nanoTime())));
      asyncReplies.shutdown();
      asyncReplies.awaitTermination(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    asyncReplies.shutdownNow();
  }

  /** Returns how many requests wait for a later handler answer (approvals). */
  public int pendingCount() {
    return pending.size();
  }
}
