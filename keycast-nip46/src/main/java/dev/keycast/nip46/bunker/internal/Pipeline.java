package dev.keycast.nip46.bunker.internal;

import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.Nip46Envelope;
import dev.keycast.nip46.server.Approvals;
import dev.keycast.nip46.server.EventRejectReason;
import dev.keycast.nip46.server.IntakeLimits;
import dev.keycast.nip46.server.RequestHandler;
import dev.keycast.nip46.server.SignerError;
import dev.keycast.nip46.server.TaskSnapshot;
import dev.keycast.nip46.store.AuditLog;
import dev.keycast.nip46.store.RememberedApprovalStore;
import dev.keycast.queue.CpuExecutor;
import dev.keycast.queue.QueueStatsCounter;
import dev.keycast.queue.QueuedTask;
import dev.keycast.queue.StuckTask;
import dev.keycast.queue.SubmitResult;
import dev.keycast.queue.WorkQueue;
import dev.keycast.queue.WorkQueueConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request pipeline behind {@code Bunker}, composed of named stages (see {@code docs/nip46.md},
 * one row per stage): <b>intake</b> ({@link IntakeStage}) on relay I/O threads, then on a queue
 * worker <b>verify</b> ({@link VerifyStage}), <b>authorize</b> ({@link AuthorizeStage}),
 * <b>decrypt</b> ({@link DecryptStage}), <b>policy</b> ({@link PolicyStage}), <b>handle</b> ({@link
 * HandleStage}) or <b>approve</b> ({@link ApprovalStage}: parked until a human decides), and the
 * reply: <b>seal</b> ({@link SealStage}) and <b>publish</b> ({@link PublishStage}), sent by the
 * {@link ReplySender}. Events the main queue refuses go to the {@link OverflowLane}. The pipeline
 * builds both queues from their configuration.
 *
 * <p>Thread roles: the relay transport's I/O threads call {@link #onEvent}: intake checks and a
 * non-blocking submit, nothing else (no crypto, no database). Queue workers (virtual threads) run
 * the request path; every CPU-bound step runs inside {@link CpuExecutor#call}, on its bounded
 * platform threads. Replies that complete later go out on the reply sender's virtual threads.
 *
 * <p>Thread-safe. No lock is held across I/O: shared state is in concurrent maps and lock-striped
 * helpers.
 */
public final class Pipeline {
  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  private final IntakeStage intake;
  private final InFlight inFlight = new InFlight();
  private final StatsRecorder stats;
  private final WorkQueue queue;
  private final OverflowLane overflow;
  private final ReplySender replies;
  private final RequestPath path;
  private final ApprovalStage approvals;
  private final Clock clock;
  private final CpuExecutor cpu;
  private final TaskRegistry registry = new TaskRegistry();
  private final StuckTracker queueStuck;
  private final StuckTracker cpuStuck;
  private final OwnershipGate gate;
  private final Predicate<String> isOurSigner;
  private volatile boolean closing;

  /** A part the builder requires; missing means the builder was misused, not a null argument. */
  private static <T> T required(@Nullable T part, String name) {
    if (part == null) {
      throw new IllegalStateException(name + " is required");
    }
    return part;
  }

  private Pipeline(Builder b) {
    this.gate = b.gate;
    this.isOurSigner = required(b.isOurSigner, "isOurSigner");
    this.clock = b.clock;
    this.stats = required(b.stats, "stats");
    Nip46Envelope envelope = required(b.envelope, "envelope");
    AuthorizationCache cache = required(b.cache, "cache");
    CpuExecutor cpu = required(b.cpu, "cpu");
    this.cpu = cpu;
    this.cpuStuck =
        b.cpuStuck != null ? b.cpuStuck : new StuckTracker(QueueStatsCounter.disabled());
    IntakeLimits limits = required(b.limits, "limits");
    RelayTransport transport = required(b.transport, "transport");
    CountedCpu counted = new CountedCpu(stats, () -> closing);
    SeenEvents verifiedIds = new SeenEvents(limits.dedupeCapacity(), limits.dedupeWindowSeconds());
    SignerLookup signers = new SignerLookup(cache, stats);
    FloodGuard floodGuard =
        new FloodGuard(
            limits.rateLimitBurst(),
            limits.rateLimitPerSecond(),
            limits.rateLimitMaxClients(),
            System::nanoTime);
    SealStage seal = new SealStage(envelope);
    PublishStage publish = new PublishStage(transport, stats);
    this.intake =
        new IntakeStage(
            new IntakeFilter(limits, required(b.isOurSigner, "isOurSigner"), clock),
            inFlight,
            stats);
    this.replies = new ReplySender(cpu, counted, seal, publish);
    Auditor auditor = new Auditor(required(b.audit, "audit"), clock);
    PolicyStage policy = b.enforcePolicy ? new PolicyStage(cache, auditor, clock) : null;
    HandleStage handle = new HandleStage(required(b.handler, "handler"));
    this.approvals =
        new ApprovalStage(
            policy,
            handle,
            cache,
            b.rememberedApprovals,
            auditor,
            clock,
            b.approvalUrls,
            b.approvalTimeout);
    AuthorizeStage authorize = new AuthorizeStage(floodGuard, signers, cache, stats);
    DecryptStage decrypt = new DecryptStage(cpu, counted, envelope, stats);
    this.path =
        new RequestPath(
            new FrontStage(
                cpu,
                counted,
                new VerifyStage(cpu, counted, verifiedIds, stats, clock),
                authorize,
                decrypt),
            authorize,
            decrypt,
            policy,
            handle,
            approvals,
            replies,
            inFlight,
            stats,
            registry,
            b.inlineHandler && b.audit instanceof BatchingAuditLog batching
                ? new RequestPath.InlineHandling(cache, batching::hasRoom)
                : null);
    this.overflow =
        new OverflowLane(
            b.refusalThreads,
            b.refusalRate,
            b.overflowCapacity,
            signers,
            verifiedIds,
            limits.dedupeCapacity(),
            limits.dedupeWindowSeconds(),
            seal,
            publish,
            inFlight,
            stats,
            clock);
    WorkQueueConfig qc = required(b.queueConfig, "queueConfig");
    this.queueStuck = new StuckTracker(qc.statsCounter());
    this.queue =
        WorkQueue.start(
            new WorkQueueConfig(
                qc.name(),
                qc.workers(),
                qc.capacity(),
                qc.stuckThreshold(),
                qc.shutdownTimeout(),
                queueStuck,
                this::abandoned));
  }

  /**
   * Returns a builder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Intake of one parsed event from a relay: the transport's listener, called on relay I/O threads.
   * Cheap checks and a non-blocking submit only. Never throws, never blocks.
   *
   * @param relayUrl the relay it came from
   * @param event the event as parsed (not verified)
   */
  public void onEvent(String relayUrl, SignedEvent event) {
    try {
      if (gate.watchesReplies()
          && event.kind() == Nip46Envelope.KIND
          && isOurSigner.test(event.pubkey())) {
        // A reply by a key we serve (ours or another instance's): its request needs no takeover.
        String requestId = requestIdOf(event);
        if (requestId != null) {
          gate.answered(event.pubkey(), requestId);
        }
        return;
      }
      IntakeFilter.Verdict.Accept accepted = intake.admit(relayUrl, event);
      if (accepted != null) {
        String signerHex = accepted.signerPubkeyHex();
        RequestTask task =
            new RequestTask(
                event, signerHex, accepted.dedupeKey(), relayUrl, clock.instant(), path::process);
        if (gate.owns(signerHex)) {
          submit(task);
        } else {
          gate.hold(task); // another instance answers it, unless this one takes the key over
        }
      }
    } catch (RuntimeException e) {
      LOG.error("intake failed on an event from {}", relayUrl, e);
    }
  }

  private static @Nullable String requestIdOf(SignedEvent reply) {
    for (List<String> tag : reply.tags()) {
      if (tag.size() >= 2 && "e".equals(tag.get(0))) {
        return tag.get(1);
      }
    }
    return null;
  }

  /**
   * Test seam: intake of raw event JSON as if a relay had delivered it (size cap and parse first,
   * as the relay transport does). Never throws.
   *
   * @param relayUrl the relay it came from
   * @param eventJson the event's JSON
   */
  public void onRawEvent(String relayUrl, String eventJson) {
    SignedEvent event = intake.parse(eventJson);
    if (event != null) {
      onEvent(relayUrl, event);
    }
  }

  /**
   * Runs a request held for a key this instance did not answer then and has taken over since. It
   * passed intake when it arrived, so the intake rules (age, pipeline start) are not applied again.
   * Never blocks.
   *
   * @param task the held request
   */
  void replay(RequestTask task) {
    if (!closing) {
      submit(task);
    }
  }

  private void submit(RequestTask task) {
    // In flight before the submit: a worker may finish the task before submit returns.
    inFlight.add(task);
    SubmitResult result = closing ? SubmitResult.REJECTED_SHUTDOWN : queue.submit(task);
    if (result != SubmitResult.ACCEPTED) {
      inFlight.remove(task);
    }
    switch (result) {
      case ACCEPTED -> stats.recordAccepted();
      case REJECTED_FULL ->
          overflow.offer(task, EventRejectReason.QUEUE_FULL, SignerError.OVERLOADED);
      case REJECTED_SHUTDOWN ->
          overflow.offer(task, EventRejectReason.SHUTTING_DOWN, SignerError.SHUTTING_DOWN);
    }
  }

  /**
   * Returns the task view: the requests in flight, the queue, the workers' and the CPU pool's
   * utilization, and the stuck tasks. Never blocks; walks the requests in flight.
   */
  public TaskSnapshot tasks() {
    List<StuckTask> stuck = new ArrayList<>(queueStuck.current());
    stuck.addAll(cpuStuck.current());
    long uptime = registry.uptimeNanos();
    return new TaskSnapshot(
        clock.instant(),
        new TaskSnapshot.Queue(queue.depth(), queue.capacity(), replies.waitingCount()),
        new TaskSnapshot.Pool(
            queue.busyWorkers(), queue.workers(), registry.workerBusyNanos(), uptime),
        new TaskSnapshot.Pool(cpu.activeThreads(), cpu.threads(), registry.cpuBusyNanos(), uptime),
        TaskRegistry.describe(inFlight.tasks()),
        stuck);
  }

  /**
   * Called by the main queue at shutdown for each task it will not run: answered {@code shutting
   * down}.
   */
  private void abandoned(QueuedTask task) {
    if (task instanceof RequestTask rt) {
      overflow.offer(rt, EventRejectReason.SHUTTING_DOWN, SignerError.SHUTTING_DOWN);
    }
  }

  /**
   * Stops gracefully: stops intake (events from now on are answered {@code shutting down} where
   * possible), lets the queue drain within {@code deadline} (what is left is answered {@code
   * shutting down} by the overflow lane), answers every request still waiting for its handler
   * (approvals) with {@code shutting down}, and drains the overflow lane and reply threads. Blocks
   * up to about twice {@code deadline}.
   *
   * @param deadline how long the queue may drain, and then how long the lanes may finish
   */
  public void shutdown(Duration deadline) {
    closing = true;
    queue.shutdown(deadline);
    long end = System.nanoTime() + deadline.toNanos();
    approvals.close();
    replies.answerWaitingShuttingDown();
    overflow.shutdown(end);
    replies.finish(end);
  }

  /** Returns the requests waiting for a human's approval, and the way to decide them. */
  public Approvals approvals() {
    return approvals;
  }

  /** Returns how many requests wait in the main queue. Never blocks. */
  public int queueDepth() {
    return queue.depth();
  }

  /** Returns the main queue's capacity. */
  public int queueCapacity() {
    return queue.capacity();
  }

  /** Returns how many workers run a request now. Never blocks. */
  public int busyWorkers() {
    return queue.busyWorkers();
  }

  /** Returns how many requests wait for a later handler answer (approvals). Never blocks. */
  public int pendingCount() {
    return replies.waitingCount();
  }

  /**
   * Builds a {@link Pipeline}. Every setter is required unless it says otherwise. Not thread-safe.
   */
  public static final class Builder {
    private @Nullable IntakeLimits limits;
    private @Nullable Predicate<String> isOurSigner;
    private @Nullable AuthorizationCache cache;
    private @Nullable RequestHandler handler;
    private boolean enforcePolicy;
    private boolean inlineHandler;
    private @Nullable AuditLog audit;
    private @Nullable CpuExecutor cpu;
    private @Nullable Nip46Envelope envelope;
    private @Nullable StatsRecorder stats;
    private @Nullable RelayTransport transport;
    private Clock clock = Clock.systemUTC();
    private @Nullable WorkQueueConfig queueConfig;
    private int refusalThreads = 1;
    private int refusalRate = 3_000;
    private int overflowCapacity = 16_384;
    private @Nullable StuckTracker cpuStuck;
    private @Nullable Function<String, String> approvalUrls;
    private Duration approvalTimeout = Duration.ofMinutes(5);
    private RememberedApprovalStore rememberedApprovals = RememberedApprovalStore.inMemory();

    private OwnershipGate gate = OwnershipGate.ALWAYS;

    private Builder() {}

    /**
     * Sets how the built-in approver makes {@code auth_url}s and how long it waits (optional;
     * without URLs, requests a policy asks about are refused).
     *
     * @param urls the {@code auth_url} for an approval id, or null for no approver
     * @param timeout how long a request may wait for a decision
     */
    public Builder approvals(@Nullable Function<String, String> urls, Duration timeout) {
      this.approvalUrls = urls;
      this.approvalTimeout = timeout;
      return this;
    }

    /**
     * Sets where approvers' remembered answers live (optional; default: this process's memory).
     *
     * @param store the store (the database's, to keep them across restarts and cluster members)
     */
    public Builder rememberedApprovals(RememberedApprovalStore store) {
      this.rememberedApprovals = store;
      return this;
    }

    /**
     * Sets the intake limits and how signer keys are recognized.
     *
     * @param limits the intake limits and the flood guard's rate
     * @param isOurSigner whether a lowercase hex key is a signer key served (fast, non-blocking)
     */
    public Builder intake(IntakeLimits limits, Predicate<String> isOurSigner) {
      this.limits = limits;
      this.isOurSigner = isOurSigner;
      return this;
    }

    /**
     * Sets the request handler and whether the policy stage runs before it.
     *
     * @param handler the request handler
     * @param enforcePolicy {@code true} to run the policy stage before it (the default handler
     *     relies on it), {@code false} for a handler that replaces the default one and decides
     *     itself
     * @param audit where the policy stage audits its denials
     */
    public Builder handler(RequestHandler handler, boolean enforcePolicy, AuditLog audit) {
      this.handler = handler;
      this.enforcePolicy = enforcePolicy;
      this.audit = audit;
      return this;
    }

    /**
     * Says that the handler never blocks on a request whose lookups are all in memory (optional;
     * default false): the default handler, not decorated, with the policy-only approval hook. A
     * warm request's policy check, handler and seal then run in its first CPU call, when the audit
     * log buffers its entries ({@link BatchingAuditLog}).
     *
     * @param inline true for that handler
     */
    public Builder inlineHandler(boolean inline) {
      this.inlineHandler = inline;
      return this;
    }

    /**
     * Sets the authorization cache, the CPU executor and the envelope ciphers.
     *
     * @param cache the cache over the stores
     * @param cpu where every CPU-bound step runs
     * @param envelope the ciphers and their conversation-key cache
     */
    public Builder resources(AuthorizationCache cache, CpuExecutor cpu, Nip46Envelope envelope) {
      this.cache = cache;
      this.cpu = cpu;
      this.envelope = envelope;
      return this;
    }

    /**
     * Sets the stats recorder.
     *
     * @param stats receives every count
     */
    public Builder stats(StatsRecorder stats) {
      this.stats = stats;
      return this;
    }

    /**
     * Sets the transport replies are published on.
     *
     * @param transport where replies are published
     */
    public Builder transport(RelayTransport transport) {
      this.transport = transport;
      return this;
    }

    /**
     * Sets the wall clock.
     *
     * @param clock the wall clock (optional; default UTC)
     */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * Sets the overflow lane's pace.
     *
     * @param perSecond the most refusals the overflow lane sends a second (default 3000)
     * @return this builder
     */
    public Builder refusalRate(int perSecond) {
      this.refusalRate = perSecond;
      return this;
    }

    /**
     * Sets the main work queue and the overflow lane.
     *
     * @param config the main work queue (its {@code onAbandoned} is replaced: abandoned requests
     *     are answered {@code shutting down})
     * @param refusalThreads the overflow lane's platform threads
     * @param overflowCapacity the overflow lane's slots
     */
    public Builder queues(WorkQueueConfig config, int refusalThreads, int overflowCapacity) {
      this.queueConfig = config;
      this.refusalThreads = refusalThreads;
      this.overflowCapacity = overflowCapacity;
      return this;
    }

    /**
     * Sets where the CPU executor's stuck tasks are kept for the task view (optional; without it
     * the view lists only the work queue's).
     *
     * @param tracker the CPU executor's stats counter
     */
    public Builder cpuStuck(StuckTracker tracker) {
      this.cpuStuck = tracker;
      return this;
    }

    /**
     * Answers only the keys this cluster member owns (default: all keys).
     *
     * @param node the cluster membership
     * @return this
     */
    public Builder cluster(ClusterNode node) {
      this.gate = node;
      return this;
    }

    /**
     * Builds and starts the queues.
     *
     * @throws IllegalStateException if a required part is missing (as every builder of the library
     *     reports a part that was never set)
     */
    public Pipeline build() {
      return new Pipeline(this);
    }
  }
}
