package dev.keycast.nip46.bunker;

import dev.keycast.crypto.Nip44ConversationKeyCache;
import dev.keycast.nip46.Nip46Envelope;
import dev.keycast.nip46.bunker.internal.AuthorizationCache;
import dev.keycast.nip46.bunker.internal.AuthorizationWatcher;
import dev.keycast.nip46.bunker.internal.BatchingAuditLog;
import dev.keycast.nip46.bunker.internal.ClusterNode;
import dev.keycast.nip46.bunker.internal.DatabaseProbe;
import dev.keycast.nip46.bunker.internal.DefaultRequestHandler;
import dev.keycast.nip46.bunker.internal.Pipeline;
import dev.keycast.nip46.bunker.internal.RelayPoolTransport;
import dev.keycast.nip46.bunker.internal.RelayTransport;
import dev.keycast.nip46.bunker.internal.StatsRecorder;
import dev.keycast.nip46.bunker.internal.StuckTracker;
import dev.keycast.nip46.policy.Policies;
import dev.keycast.nip46.policy.Policy;
import dev.keycast.nip46.relay.RelayPoolConfig;
import dev.keycast.nip46.relay.RelayState;
import dev.keycast.nip46.server.ApprovalHook;
import dev.keycast.nip46.server.Approvals;
import dev.keycast.nip46.server.BunkerHealth;
import dev.keycast.nip46.server.BunkerStats;
import dev.keycast.nip46.server.BunkerStatsCounter;
import dev.keycast.nip46.server.IntakeLimits;
import dev.keycast.nip46.server.RequestHandler;
import dev.keycast.nip46.server.TaskSnapshot;
import dev.keycast.nip46.store.AuditLog;
import dev.keycast.nip46.store.AuthorizationStore;
import dev.keycast.nip46.store.ChangeFeed;
import dev.keycast.nip46.store.ClusterStore;
import dev.keycast.nip46.store.KeyStore;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.store.RememberedApprovalStore;
import dev.keycast.nip46.store.StoreException;
import dev.keycast.queue.CpuExecutor;
import dev.keycast.queue.CpuExecutorConfig;
import dev.keycast.queue.WorkQueueConfig;
import java.security.InvalidKeyException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NIP-46 signer daemon ("bunker"), embeddable: listens on relays for kind-24133 requests
 * addressed to the bunker keys of the store's authorizations, and answers each one exactly once.
 *
 * <pre>{@code
 * try (KeycastDatabase db = KeycastDatabase.open(url, keyEncryption);
 *      Bunker bunker = Bunker.builder()
 *          .database(db)
 *          .relays(List.of("wss://relay.example"))
 *          .build()
 *          .start()) {
 *   ... bunker.health(), bunker.stats() ...
 * }
 * }</pre>
 *
 * <h2>Pipeline and threads</h2>
 *
 * The request path is a pipeline of named stages: intake on relay I/O threads (size, kind,
 * recipient, age, dedupe; then a non-blocking offer to a bounded work queue), then on queue workers
 * (virtual threads) verify, authorize (flood guard, signer key through a single-flight cache, the
 * policy's rate limit), decrypt, policy, handle (the {@link RequestHandler}), seal and publish: the
 * reply in the request's scheme (NIP-44 or NIP-04), tagged {@code ["p", client]} and {@code ["e",
 * request]}, on the relays the request came from plus the authorization's relays. A full queue is
 * answered at once with an encrypted {@code overloaded, retry later}, computed in a separate
 * bounded overflow lane (refusals are buffered, not dropped; computed on the lane's own platform
 * threads, see {@link Builder#refusalThreads}), and counted. Every other CPU-bound step runs on the
 * {@link CpuExecutor}. A poller (one virtual thread) reads the store's changes, once, for both the
 * cache and the subscription {@code {"kinds":[24133],"#p":[signer keys],"since":now-30}}: at once
 * when the store's {@link ChangeFeed} reports a change (any process; within milliseconds on
 * PostgreSQL, about 100 ms on SQLite), and every {@code pollInterval} as a safety net. See {@code
 * docs/nip46.md}.
 *
 * <p>Thread-safe. {@link #start()} and {@link #close()} are called once each; {@link #health()} and
 * {@link #stats()} from any thread at any time.
 */
public final class Bunker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Bunker.class);
  private static final int AUDIT_BUFFER = 8192;

  /**
   * Conversation keys kept (~92 bytes each, ~12 MB when full): the key warmer derives those of up
   * to 90% of this many connected clients (117,964) ahead of their first request.
   */
  private static final int CONVERSATION_KEYS = 131_072;

  private final AuthorizationStore authorizations;
  private final BatchingAuditLog audit;
  private final AuthorizationCache cache;
  private final Nip44ConversationKeyCache conversationKeys;
  private final CountDownLatch keysWarmed = new CountDownLatch(1);
  private final AuthorizationWatcher watcher;
  private final CpuExecutor cpu;
  private final Pipeline pipeline;
  private final RelayTransport transport;
  private final StatsRecorder stats;

  /** How often the background probe queries the database, in milliseconds. */
  public static final long DATABASE_PROBE_INTERVAL_MILLIS = 250;

  /** How long a probe query may run before the database counts as unreachable, in milliseconds. */
  public static final long DATABASE_PROBE_TIMEOUT_MILLIS = 750;

  private static final Duration DATABASE_PROBE_INTERVAL =
      Duration.ofMillis(DATABASE_PROBE_INTERVAL_MILLIS);
  private static final Duration DATABASE_PROBE_TIMEOUT =
      Duration.ofMillis(DATABASE_PROBE_TIMEOUT_MILLIS);

  private static final Duration CLUSTER_JOIN_WAIT = Duration.ofSeconds(5);

  private final Clock clock;
  private final Duration pollInterval;
  private final Duration shutdownDeadline;
  private final List<String> relayUrls;
  private final Set<String> signerKeys = ConcurrentHashMap.newKeySet();
  private final ReentrantLock applyLock = new ReentrantLock();
  private volatile boolean started;
  private volatile boolean closed;

  /** How long after start the bunker keys start being derived ahead of their first request. */
  private static final Duration WARM_DELAY = Duration.ofSeconds(1);

  private volatile @Nullable Thread poller;
  private final ChangeFeed changeFeed;
  private final Semaphore wake = new Semaphore(0);
  private volatile ChangeFeed.@Nullable Watch changeWatch;
  private final DatabaseProbe databaseProbe;
  private final @Nullable ClusterNode cluster;
  // The change version whose subscriptions were sent (pending) and acknowledged by the relays
  // (applied): the cluster heartbeat publishes the applied one, `keycast authorize` waits for it.
  private final AtomicLong pendingVersion = new AtomicLong();
  private final AtomicLong appliedVersion = new AtomicLong();

  private Bunker(Builder b) {
    AuthorizationStore store = Objects.requireNonNull(b.authorizations);
    this.authorizations = store;
    this.databaseProbe =
        new DatabaseProbe(store::changeVersion, DATABASE_PROBE_INTERVAL, DATABASE_PROBE_TIMEOUT);
    this.clock = b.clock;
    this.pollInterval = b.pollInterval;
    this.changeFeed = b.changeFeed;
    this.shutdownDeadline = b.shutdownDeadline;
    this.relayUrls = List.copyOf(b.relays);
    this.stats = new StatsRecorder(b.statsCounter);
    Nip44ConversationKeyCache conversationKeys = new Nip44ConversationKeyCache(CONVERSATION_KEYS);
    this.conversationKeys = conversationKeys;
    this.cache =
        AuthorizationCache.builder(store, Objects.requireNonNull(b.keys))
            .policies(b.policies)
            .watched()
            .onSignerDropped(conversationKeys::removeFor) // no key derived from a dropped one stays
            .build();
    this.watcher = new AuthorizationWatcher(store, cache, clock);
    CpuExecutorConfig cc = b.cpuConfig;
    StuckTracker cpuStuck = new StuckTracker(cc.statsCounter());
    this.cpu =
        CpuExecutor.start(
            new CpuExecutorConfig(
                cc.name(),
                cc.threads(),
                cc.queueCapacity(),
                cc.stuckThreshold(),
                cc.shutdownTimeout(),
                cpuStuck));
    // The audit write leaves the request path: batched by one writer thread (see BatchingAuditLog).
    this.audit = new BatchingAuditLog(Objects.requireNonNull(b.audit), AUDIT_BUFFER);
    try {
      Nip46Envelope envelope = new Nip46Envelope(conversationKeys);
      RequestHandler handler = b.handler;
      boolean enforcePolicy = handler == null;
      if (handler == null) {
        handler =
            Objects.requireNonNull(
                b.decorator.apply(
                    DefaultRequestHandler.builder(store, audit, cache, cpu, envelope)
                        .approvalHook(b.approvalHook)
                        .approvalTimeout(b.approvalTimeout)
                        .clock(clock)
                        .build()),
                "decorateHandler returned null");
      }
      this.transport = b.transportFactory.apply(b);
      ClusterStore clusterStore = b.clusterStore;
      ClusterNode.Settings clusterSettings = b.clusterSettings;
      this.cluster =
          clusterStore == null || clusterSettings == null
              ? null
              : new ClusterNode(
                  clusterStore,
                  clusterSettings,
                  () -> Collections.unmodifiableSet(signerKeys),
                  this::appliedVersion);
      Pipeline.Builder pb = Pipeline.builder();
      if (cluster != null) {
        pb.cluster(cluster);
      }
      this.pipeline =
          pb.intake(b.limits, signerKeys::contains)
              .handler(handler, enforcePolicy, audit)
              // The default handler as built above never blocks on a warm request: one CPU call.
              .inlineHandler(enforcePolicy && !b.decorated && !b.approvalHookSet)
              .resources(cache, cpu, envelope)
              .stats(stats)
              .transport(transport)
              .clock(clock)
              .queues(b.queueConfig, b.refusalThreads, b.overflowCapacity)
              .refusalRate(b.refusalRate)
              .cpuStuck(cpuStuck)
              .approvals(b.approvalUrls, b.approvalTimeout)
              .rememberedApprovals(
                  Objects.requireNonNullElseGet(
                      b.rememberedApprovals, RememberedApprovalStore::inMemory))
              .build();
    } catch (RuntimeException e) {
      audit.close();
      cpu.close();
      throw e;
    }
  }

  /** {@return a new builder} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Loads the authorizations, subscribes, connects to the relays (asynchronously: relays that are
   * down are retried with backoff) and starts the poller. Blocks for the initial store queries.
   *
   * @return this
   * @throws StoreException if the store cannot be read at start
   * @throws IllegalStateException if already started or closed
   */
  public Bunker start() {
    if (started || closed) {
      throw new IllegalStateException("start() may be called once, before close()");
    }
    // The relays connect in the background while the store loads (at 100,000 authorizations the
    // load takes seconds): nothing arrives before the subscription below.
    transport.start(pipeline::onEvent);
    started = true;
    long v = authorizations.changeVersion();
    try {
      refreshSubscription(); // loads, adds the relays the authorizations name, subscribes
    } catch (RuntimeException e) {
      started = false;
      transport.close();
      throw e;
    }
    pendingVersion.accumulateAndGet(v, Math::max);
    ClusterNode c = cluster;
    if (c != null) {
      // Join only once the relays deliver this instance the requests for every key: from the join
      // on, the others may hand it keys, and a request it does not see is lost (kind 24133 is not
      // stored).
      awaitSubscriptionAcknowledged();
      c.start(pipeline);
    }
    Thread t = Thread.ofVirtual().name("keycast-bunker-poller").start(this::pollLoop);
    poller = t;
    changeWatch = changeFeed.watch(wake::release);
    databaseProbe.start();
    // A first request to any key should cost what a later one does: derive every bunker key's
    // signer soon after start, on one platform thread of its own (CPU-bound; ~1 s per 100,000 keys
    // on an idle core; a key asked for before its turn is derived on first use as before).
    Thread.ofPlatform()
        .name("keycast-key-warmer")
        .daemon(true)
        .priority(Thread.MIN_PRIORITY)
        .start(this::warmKeys);
    LOG.info("bunker started: {} relay(s), {} signer key(s)", relayUrls.size(), signerKeys.size());
    return this;
  }

  /**
   * The key warmer's body: every bunker key's signer, then connected clients' conversation keys.
   */
  private void warmKeys() {
    try {
      Thread.sleep(WARM_DELAY); // after the daemon's own start (its HTTP endpoints)
      long t0 = System.nanoTime();
      int n = cache.warmSigners(() -> closed);
      int conversations =
          cache.warmConversations(
              (bunkerKey, client) -> {
                try {
                  conversationKeys.get(bunkerKey, client);
                } catch (InvalidKeyException e) { // not a curve point: its requests fail
                }
              },
              CONVERSATION_KEYS * 9 / 10,
              () -> closed);
      LOG.info(
          "derived {} bunker key(s) and {} client conversation key(s) ahead of their first"
              + " request in {} ms",
          n,
          conversations,
          (System.nanoTime() - t0) / 1_000_000);
    } catch (InterruptedException e) {
      // closing
    } finally {
      keysWarmed.countDown();
    }
  }

  /** Test seam: waits until the key warmer finished (or gave up); true if it did in time. */
  boolean awaitKeysWarmed(Duration timeout) throws InterruptedException {
    return keysWarmed.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Test seam: how many conversation keys are cached (each one an ECDH not to do again). */
  int conversationKeysCached() {
    return conversationKeys.size();
  }

  private void awaitSubscriptionAcknowledged() {
    long end = System.nanoTime() + CLUSTER_JOIN_WAIT.toNanos();
    while (!transport.subscriptionAcknowledged()) {
      if (System.nanoTime() - end > 0) {
        LOG.warn(
            "cluster: no relay acknowledged the subscription within {} s; joining anyway",
            CLUSTER_JOIN_WAIT.toSeconds());
        return;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void pollLoop() {
    boolean warned = false;
    while (!closed) {
      try {
        // Woken by the change feed at once, else after pollInterval (the safety net).
        boolean woken = wake.tryAcquire(pollInterval.toNanos(), TimeUnit.NANOSECONDS);
        if (woken) {
          wake.drainPermits(); // changes that came together are read together
        }
      } catch (InterruptedException e) {
        return;
      }
      try {
        AuthorizationWatcher.Served served = watcher.poll(false);
        if (served != null) {
          applyServed(served);
        }
        // The version the poll read, before the changes it applied: covered by the subscriptions.
        pendingVersion.accumulateAndGet(watcher.knownVersion(), Math::max);
        if (warned) {
          LOG.info("store reachable again");
          warned = false;
        }
      } catch (RuntimeException e) {
        if (!warned) {
          LOG.warn("store poll failed (will keep trying): {}", e.toString());
          warned = true;
        }
      }
    }
  }

  /**
   * Reads what changed in the authorizations (all of them the first time) and updates the
   * subscription if the set of signer keys changed. Blocks for one or two store queries. Normally
   * the poller does this; {@link NostrConnectFlow} calls it so a new authorization is served before
   * its client is told about it.
   *
   * @throws StoreException if the store fails
   */
  void refreshSubscription() {
    applyServed(Objects.requireNonNull(watcher.poll(true)));
  }

  private void applyServed(AuthorizationWatcher.Served served) {
    // Serializes the poller and the nostrconnect flow, so subscriptions are applied in order (as
    // before the split).
    applyLock.lock();
    try {
      applyServedLocked(served);
    } finally {
      applyLock.unlock();
    }
  }

  private void applyServedLocked(AuthorizationWatcher.Served served) {
    if (started && !closed) {
      transport.addRelays(served.relays()); // listen where the authorizations' clients talk
    }
    Set<String> keys = served.signerKeys();
    if (!keys.equals(signerKeys)) {
      signerKeys.addAll(keys);
      signerKeys.retainAll(keys);
      if (started && !closed) {
        transport.subscribe(keys);
      }
      LOG.info("now serving {} signer key(s)", keys.size());
    }
  }

  /**
   * Stops gracefully: stops intake (new events are answered {@code shutting down} where possible),
   * lets the queue drain within the shutdown deadline, answers leftovers and pending approvals with
   * {@code shutting down}, then closes the relays and the CPU executor. Blocks up to about twice
   * the deadline. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    ClusterNode c = cluster;
    if (c != null) {
      c.stopAnswering(); // new requests are left to the others, which hold them until they claim
    }
    databaseProbe.close();
    ChangeFeed.Watch w = changeWatch;
    if (w != null) {
      w.close();
    }
    Thread p = poller;
    if (p != null) {
      p.interrupt();
    }
    pipeline.shutdown(shutdownDeadline);
    if (c != null) {
      c.leave(); // after the drain: the others take the keys at their next heartbeat
    }
    audit.close();
    transport.close();
    cpu.close();
    LOG.info("bunker stopped");
  }

  /**
   * Returns a health snapshot. Never blocks: the database verdict comes from a background probe
   * that queries the store every {@value #DATABASE_PROBE_INTERVAL_MILLIS} ms and counts it as
   * unreachable once a query has run longer than {@value #DATABASE_PROBE_TIMEOUT_MILLIS} ms.
   *
   * @return the snapshot
   */
  public BunkerHealth health() {
    DatabaseProbe.Verdict verdict = databaseProbe.verdict();
    boolean db = verdict.reachable();
    Map<String, RelayState> relays = transport.status();
    int connected = (int) relays.values().stream().filter(RelayState.CONNECTED::equals).count();
    int depth = pipeline.queueDepth();
    int capacity = pipeline.queueCapacity();
    BunkerHealth.Status status;
    if (closed || !started || !db || connected == 0) {
      status = BunkerHealth.Status.DOWN;
    } else if (connected < relays.size() || depth * 10 >= capacity * 9) {
      status = BunkerHealth.Status.DEGRADED;
    } else {
      status = BunkerHealth.Status.UP;
    }
    return new BunkerHealth(
        status,
        relays,
        connected,
        db,
        depth,
        capacity,
        pipeline.busyWorkers(),
        pipeline.pendingCount(),
        signerKeys.size(),
        verdict.reason(),
        clock.instant());
  }

  /**
   * Returns the task view: every request in flight with its stage, age, CPU-pool time and thread;
   * the queue's depth against its capacity; how busy the workers and the CPU pool have been; and
   * the tasks the watchdogs report stuck, with their stacks. Never blocks; cheap enough to call
   * every second.
   *
   * @return the snapshot
   */
  public TaskSnapshot tasks() {
    return pipeline.tasks();
  }

  /**
   * Returns this instance's view of the cluster, or empty if it was built without {@link
   * Builder#cluster}. Never blocks.
   *
   * @return the snapshot (may be an inconsistent view)
   */
  public Optional<ClusterStatus> cluster() {
    ClusterNode c = cluster;
    if (c == null) {
      return Optional.empty();
    }
    ClusterNode.Status s = c.status();
    return Optional.of(
        new ClusterStatus(
            s.instanceId(),
            Long.toHexString(s.memberId()),
            s.instances(),
            s.keysOwned(),
            s.slotsOwned(),
            s.fenced(),
            s.takeovers(),
            s.fencings(),
            s.held(),
            s.heldOverflows(),
            s.replayed(),
            Duration.ofNanos(s.lastRenewalNanos()),
            appliedVersion()));
  }

  /**
   * The change version whose relay subscriptions are in place: sent, and acknowledged (EOSE) by
   * every connected relay. Never blocks.
   */
  private long appliedVersion() {
    if (transport.subscriptionAcknowledged()) {
      appliedVersion.accumulateAndGet(pendingVersion.get(), Math::max);
    }
    return appliedVersion.get();
  }

  /** Test seam: the cluster membership, or null. */
  @Nullable ClusterNode clusterNode() {
    return cluster;
  }

  /**
   * Returns the built-in approver: the requests waiting for a human's approval (their policy lists
   * the operation under {@code askPermissions}) and the way to allow or deny them. Without {@link
   * Builder#approvalUrls} such requests are refused at once and nothing waits here.
   *
   * @return the approvals; thread-safe, never blocks
   */
  public Approvals approvals() {
    return pipeline.approvals();
  }

  /** {@return the counters since start; never blocks} */
  public BunkerStats stats() {
    return stats.snapshot();
  }

  /** {@return how many authorization (bunker key) loads the cache ran} Never blocks. */
  public long signerLoadCount() {
    return cache.signerLoadCount();
  }

  /**
   * {@return how many store loads the cache ran in all (authorizations, clients, user keys)} Never
   * blocks.
   */
  public long loadCount() {
    return cache.loadCount();
  }

  /**
   * {@return how many audit entries were dropped because their buffer was full while the database
   * was unreachable} Entries made during an outage are otherwise written after it. Never blocks.
   */
  public long auditLostCount() {
    return audit.lostCount();
  }

  /** {@return how many audit entries wait to be written (a moment's snapshot)} Never blocks. */
  public int auditPendingCount() {
    return audit.pendingCount();
  }

  /** {@return the CPU executor where every CPU-bound step runs (for its gauges)} */
  public CpuExecutor cpuExecutor() {
    return cpu;
  }

  /** Returns the cache over the stores (for {@link NostrConnectFlow} and tests). */
  AuthorizationCache authorizationCache() {
    return cache;
  }

  /** Returns the authorization store. */
  AuthorizationStore authorizationStore() {
    return authorizations;
  }

  /** Returns the relay transport (for {@link NostrConnectFlow}). */
  RelayTransport transport() {
    return transport;
  }

  /** Test seam: feeds raw event JSON to the intake as if a relay had delivered it. */
  void acceptRaw(String relayUrl, String eventJson) {
    pipeline.onRawEvent(relayUrl, eventJson);
  }

  /** {@return the configured relay URLs} */
  public List<String> relayUrls() {
    return relayUrls;
  }

  /** {@return the signer (bunker) keys currently subscribed to, as lowercase hex} */
  public Set<String> signerKeys() {
    return Set.copyOf(signerKeys);
  }

  /**
   * Builds a {@link Bunker}. Not thread-safe. Setters refuse to be called twice where that would
   * hide a mistake.
   */
  public static final class Builder {
    private @Nullable AuthorizationStore authorizations;
    private @Nullable KeyStore keys;
    private @Nullable AuditLog audit;
    private List<String> relays = List.of();
    private @Nullable RequestHandler handler;
    private UnaryOperator<RequestHandler> decorator = UnaryOperator.identity();
    private boolean decorated;
    private boolean approvalHookSet;
    private ApprovalHook approvalHook = ApprovalHook.policyOnly();
    private @Nullable Function<String, String> approvalUrls;
    private Duration approvalTimeout = Duration.ofMinutes(5);
    private @Nullable RememberedApprovalStore rememberedApprovals;
    private Function<String, Optional<Policy>> policies = Policies::builtIn;
    private boolean policiesSet;
    private WorkQueueConfig queueConfig = WorkQueueConfig.builder().name("keycast-bunker").build();
    private CpuExecutorConfig cpuConfig =
        CpuExecutorConfig.builder().name("keycast-crypto").build();
    private IntakeLimits limits = IntakeLimits.defaults();
    private BunkerStatsCounter statsCounter = BunkerStatsCounter.disabled();
    private Duration shutdownDeadline = Duration.ofSeconds(5);
    private Duration pollInterval = Duration.ofSeconds(1);
    private ChangeFeed changeFeed = ChangeFeed.none();
    private boolean changeFeedSet;
    private Clock clock = Clock.systemUTC();
    private int refusalThreads = 1;
    private int refusalRate = 3_000;
    private int overflowCapacity = 16_384;
    private RelayPoolConfig relayPoolConfig = RelayPoolConfig.defaults();
    private @Nullable ClusterStore clusterStore;
    private ClusterNode.@Nullable Settings clusterSettings;
    private Function<Builder, RelayTransport> transportFactory =
        b ->
            new RelayPoolTransport(
                b.relays, b.limits.maxEventChars(), b.relayPoolConfig, b.othersMayAnswer());

    private Builder() {}

    /**
     * Whether another instance may answer this bunker's keys: only then does it watch the replies
     * on the relays (which doubles what the relays send it). Not for a daemon that holds the
     * database alone (the SQLite daemon lock), nor without cluster membership.
     */
    private boolean othersMayAnswer() {
      ClusterNode.Settings s = clusterSettings;
      return clusterStore != null && s != null && !s.exclusive();
    }

    /**
     * Uses a database's stores (authorizations, keys, audit log).
     *
     * @param db the database whose stores the bunker uses (the caller keeps ownership and closes
     *     it)
     * @return this builder
     * @throws IllegalStateException if stores were already set
     */
    public Builder database(KeycastDatabase db) {
      stores(db.authorizations(), db.keys(), db.audit());
      this.clusterStore = db.cluster();
      if (rememberedApprovals == null) {
        this.rememberedApprovals = db.rememberedApprovals();
      }
      if (!policiesSet) {
        this.policies = db.policies()::resolve;
      }
      if (!changeFeedSet) {
        this.changeFeed = db.changeFeed();
      }
      return this;
    }

    /**
     * Sets where approvers' remembered answers (the built-in approver's "remember for 1 hour")
     * live. Optional: {@link #database} uses the database's, so that they survive a restart and
     * hold on every daemon sharing it; without a database they live in this process's memory
     * ({@link RememberedApprovalStore#inMemory()}).
     *
     * @param store the store
     * @return this builder
     */
    public Builder rememberedApprovals(RememberedApprovalStore store) {
      this.rememberedApprovals = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Uses these stores (for embedders with their own implementations).
     *
     * @param authorizations the authorizations (bunker keys and their clients)
     * @param keys the users' signing keys
     * @param audit the audit log
     * @return this builder
     * @throws IllegalStateException if stores were already set
     */
    public Builder stores(AuthorizationStore authorizations, KeyStore keys, AuditLog audit) {
      if (this.authorizations != null) {
        throw new IllegalStateException("stores were already set");
      }
      this.authorizations = Objects.requireNonNull(authorizations, "authorizations");
      this.keys = Objects.requireNonNull(keys, "keys");
      this.audit = Objects.requireNonNull(audit, "audit");
      return this;
    }

    /**
     * Sets the relays to listen and reply on.
     *
     * @param relayUrls the relays to listen and reply on ({@code ws://} or {@code wss://}), at
     *     least one
     * @return this builder
     */
    public Builder relays(List<String> relayUrls) {
      this.relays = List.copyOf(relayUrls);
      return this;
    }

    /**
     * Replaces the default handler. The pipeline then applies only the rate limits before it: the
     * policy stage (revocation, expiry, connection, perms, content rules) belongs to the default
     * handler, and a replacing handler decides itself. To add behaviour around the default handler,
     * use {@link #decorateHandler}.
     *
     * @param handler the handler that answers every request that passed the rate limits
     * @return this builder
     * @throws IllegalStateException if a handler or decorator was already set
     */
    public Builder handler(RequestHandler handler) {
      if (this.handler != null || decorated) {
        throw new IllegalStateException("handler or decorateHandler was already set");
      }
      this.handler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /**
     * Wraps the default handler: {@code decorator} receives it (with its approval hook, the
     * bunker's CPU executor, cache and batched audit log) and returns the handler the pipeline
     * runs. The policy stage still runs before it. The decorated handler is called on queue workers
     * and must be thread-safe.
     *
     * @param decorator returns a handler that delegates to the one it is given for what it does not
     *     change
     * @return this builder
     * @throws IllegalStateException if a handler or decorator was already set
     */
    public Builder decorateHandler(UnaryOperator<RequestHandler> decorator) {
      if (this.handler != null || decorated) {
        throw new IllegalStateException("handler or decorateHandler was already set");
      }
      this.decorator = Objects.requireNonNull(decorator, "decorator");
      this.decorated = true;
      return this;
    }

    /**
     * Sets the approval hook of the default handler. With a hook set (even {@link
     * ApprovalHook#policyOnly()}), the handler runs on the queue worker, where the hook may block:
     * a warm request then costs two CPU-executor calls instead of one.
     *
     * @param hook the default handler's approval hook (default: {@link ApprovalHook#policyOnly()})
     * @return this builder
     */
    public Builder approvalHook(ApprovalHook hook) {
      this.approvalHook = Objects.requireNonNull(hook, "hook");
      this.approvalHookSet = true;
      return this;
    }

    /**
     * Turns on the built-in approver ({@link Bunker#approvals()}) for what policies list under
     * {@code askPermissions}: such a request is answered at once with NIP-46 {@code auth_url}, the
     * URL {@code urls} makes from a new approval id (random, URL-safe), and waits, holding no
     * worker, until {@link Approvals#decide} or the {@link #approvalTimeout}. The URL should open
     * the embedder's approval page for that id (the daemon's is {@code <public-url>/approve/<id>}).
     * Without it, such requests are refused ({@code permission denied: approval required, none
     * available}).
     *
     * @param urls makes the {@code auth_url} for an approval id; called on a queue worker, must be
     *     fast and must not throw
     * @throws IllegalStateException if already set
     * @return this builder
     */
    public Builder approvalUrls(Function<String, String> urls) {
      if (this.approvalUrls != null) {
        throw new IllegalStateException("approvalUrls was already set");
      }
      this.approvalUrls = Objects.requireNonNull(urls, "urls");
      return this;
    }

    /**
     * Sets how long a request may wait for an approval (the built-in approver's and the {@link
     * ApprovalHook}'s {@code Challenge}) before it is denied.
     *
     * @param timeout positive (default 5 minutes)
     * @throws IllegalArgumentException if not positive
     * @return this builder
     */
    public Builder approvalTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("approvalTimeout must be positive");
      }
      this.approvalTimeout = timeout;
      return this;
    }

    /**
     * Sets how policy names resolve.
     *
     * @param resolver how policy names resolve (default: the database's {@code policies()::resolve}
     *     with {@link #database}, else built-in policies)
     * @return this builder
     */
    public Builder policies(Function<String, Optional<Policy>> resolver) {
      this.policies = Objects.requireNonNull(resolver, "resolver");
      this.policiesSet = true;
      return this;
    }

    /**
     * Sets the work queue.
     *
     * @param config the work queue (workers, capacity, stuck threshold, stats); its onAbandoned is
     *     replaced
     * @return this builder
     */
    public Builder workQueue(WorkQueueConfig config) {
      this.queueConfig = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Sets the CPU executor.
     *
     * @param config the CPU executor the bunker creates and owns
     * @return this builder
     */
    public Builder cpuExecutor(CpuExecutorConfig config) {
      this.cpuConfig = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Sets the intake limits.
     *
     * @param limits intake limits and the per-client rate limit
     * @return this builder
     */
    public Builder intakeLimits(IntakeLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * Sets the hook that receives rejection and response counts.
     *
     * @param counter receives rejections and responses (guarded: its exceptions are logged and
     *     ignored)
     * @return this builder
     */
    public Builder statsCounter(BunkerStatsCounter counter) {
      this.statsCounter = Objects.requireNonNull(counter, "counter");
      return this;
    }

    /**
     * Sets the shutdown drain deadline.
     *
     * @param deadline how long {@link #close()} lets queued work drain (default 5 s)
     * @return this builder
     */
    public Builder shutdownDeadline(Duration deadline) {
      if (deadline.isNegative()) {
        throw new IllegalArgumentException("shutdownDeadline must be >= 0");
      }
      this.shutdownDeadline = deadline;
      return this;
    }

    /**
     * Sets how often the store's change version is polled.
     *
     * @param interval how often the store's change version is polled (default 1 s); a safety net
     *     behind the {@link #changeFeed change feed}
     * @return this builder
     */
    public Builder pollInterval(Duration interval) {
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("pollInterval must be positive");
      }
      this.pollInterval = interval;
      return this;
    }

    /**
     * Sets what wakes the poller when the store changes, so that a change made by another process
     * is applied within milliseconds instead of at the next poll.
     *
     * @param feed the store's change feed (default: the database's {@link
     *     KeycastDatabase#changeFeed()} with {@link #database}, else {@link ChangeFeed#none()},
     *     which leaves only the poll)
     * @return this builder
     */
    public Builder changeFeed(ChangeFeed feed) {
      this.changeFeed = Objects.requireNonNull(feed, "feed");
      this.changeFeedSet = true;
      return this;
    }

    /**
     * Sets how many threads compute the overflow lane's replies.
     *
     * @param threads the overflow lane's platform threads (default 1, at most 64), each computing
     *     refusals ({@code overloaded, retry later}, {@code shutting down}) one after another at
     *     about the cost of one signature each; more than one helps only on a machine with cores to
     *     spare past the main path's
     * @return this builder
     * @throws IllegalArgumentException if {@code threads} is not in 1..64
     */
    public Builder refusalThreads(int threads) {
      if (threads < 1 || threads > 64) {
        throw new IllegalArgumentException("refusalThreads must be in 1..64");
      }
      this.refusalThreads = threads;
      return this;
    }

    /**
     * Sets the overflow lane's pace: how many refusals a second it sends at most.
     *
     * @param perSecond the most {@code overloaded, retry later} (and {@code shutting down}) replies
     *     a second (default 3000). A relay acknowledges a reply long before it delivers it, and
     *     public relays limit the events a connection may publish, so a signer refusing a flood as
     *     fast as it can compute refusals would ask its relays for more than the requests it
     *     answers. Past the pace refusals wait in the lane ({@link #overflowCapacity}); past that
     *     they are dropped, counted {@code overflow_dropped}. Raise it for relays that take more.
     * @return this builder
     * @throws IllegalArgumentException if {@code perSecond < 1}
     */
    public Builder refusalRate(int perSecond) {
      if (perSecond < 1) {
        throw new IllegalArgumentException("refusalRate must be >= 1");
      }
      this.refusalRate = perSecond;
      return this;
    }

    /**
     * Sets how many refused requests may wait for their error reply.
     *
     * @param capacity how many refused requests may wait in the overflow lane for their error reply
     *     (default 16384); only beyond that is a request dropped without a reply, counted {@code
     *     overflow_dropped}. Each waiting request holds its event (at most the intake size cap; a
     *     typical request takes about 2-3 KB of heap, so the default bounds the lane to roughly 50
     *     MB). The default holds the backlog measured in bench/e2e/overload.sh, where the relay,
     *     not the signer, limits how fast replies leave.
     * @return this builder
     */
    public Builder overflowCapacity(int capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("overflowCapacity must be >= 1");
      }
      this.overflowCapacity = capacity;
      return this;
    }

    /**
     * Sets the relay connection settings.
     *
     * @param config relay connection settings (timeouts, reconnect backoff); its {@code
     *     maxMessageChars} is replaced by the intake size cap
     * @return this builder
     */
    public Builder relayPoolConfig(RelayPoolConfig config) {
      this.relayPoolConfig = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Sets the wall clock.
     *
     * @param clock the wall clock (tests)
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Makes this bunker a member of a cluster (see {@code docs/cluster.md}): every member stays
     * subscribed to all bunker keys, but each key is answered by exactly one live member; the
     * others hold what they see for it (15 s, at most 10,000 requests) and answer it if they take
     * the key over. Needs {@link #database} (the cluster tables live there). Without this call the
     * bunker answers every key, as a single instance. A single member answers every key too.
     *
     * @param instanceId this instance's name, 1 to 128 characters, unique among the members
     * @param exclusive {@code true} only if the caller guarantees no other daemon uses this
     *     database (the {@code keycast serve} lock on a SQLite file): members left by earlier
     *     processes are then removed at once instead of after their lease (2 s)
     * @return this
     * @throws IllegalStateException if no database was set, or called twice
     * @throws IllegalArgumentException if the id is blank or too long
     */
    public Builder cluster(String instanceId, boolean exclusive) {
      return clusterSettings(ClusterNode.Settings.defaults(instanceId, exclusive));
    }

    /** Test seam: cluster membership with explicit timing. */
    Builder clusterSettings(ClusterNode.Settings settings) {
      if (clusterStore == null) {
        throw new IllegalStateException("cluster needs database(...) first");
      }
      if (this.clusterSettings != null) {
        throw new IllegalStateException("cluster was already set");
      }
      this.clusterSettings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /** Test seam: replaces the relay transport. */
    Builder transport(Function<Builder, RelayTransport> factory) {
      this.transportFactory = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /**
     * Builds (does not connect: call {@link Bunker#start()}).
     *
     * @return the bunker, which the caller starts and closes
     * @throws IllegalStateException if no stores or no relays were set
     * @throws IllegalArgumentException if a relay URL is not {@code ws://} or {@code wss://}
     */
    public Bunker build() {
      if (authorizations == null || keys == null || audit == null) {
        throw new IllegalStateException("set database(...) or stores(...)");
      }
      if (relays.isEmpty()) {
        throw new IllegalStateException("set at least one relay");
      }
      for (String r : relays) {
        if (!(r.startsWith("ws://") || r.startsWith("wss://"))) {
          throw new IllegalArgumentException("relay must be a ws:// or wss:// URL: " + r);
        }
      }
      return new Bunker(this);
    }
  }
}
