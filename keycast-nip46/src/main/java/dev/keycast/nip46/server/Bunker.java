package dev.keycast.nip46.server;

import dev.keycast.crypto.Nip44ConversationKeyCache;
import dev.keycast.crypto.PublicKey;
import dev.keycast.nip46.policy.Policies;
import dev.keycast.nip46.policy.Policy;
import dev.keycast.nip46.relay.RelayPoolConfig;
import dev.keycast.nip46.relay.RelayState;
import dev.keycast.nip46.server.internal.BatchingAuditLog;
import dev.keycast.nip46.server.internal.Envelope;
import dev.keycast.nip46.server.internal.Pipeline;
import dev.keycast.nip46.server.internal.RateLimiter;
import dev.keycast.nip46.server.internal.RelayPoolTransport;
import dev.keycast.nip46.server.internal.RelayTransport;
import dev.keycast.nip46.server.internal.StatsRecorder;
import dev.keycast.nip46.store.AuditLog;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.AuthorizationChanges;
import dev.keycast.nip46.store.AuthorizationStore;
import dev.keycast.nip46.store.KeyStore;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.store.StoreException;
import dev.keycast.queue.CpuExecutor;
import dev.keycast.queue.CpuExecutorConfig;
import dev.keycast.queue.WorkQueue;
import dev.keycast.queue.WorkQueueConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NIP-46 signer daemon ("bunker"), embeddable: listens on relays for kind-24133 requests addressed to the
 * bunker keys of the store's authorizations, and answers each one exactly once.
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
 * Relay I/O threads run the cheap intake ({@link IntakeFilter}: size, kind, recipient, age, dedupe) and offer the
 * event to a bounded {@link WorkQueue} without blocking. A full queue is answered at once with an encrypted
 * {@code overloaded, retry later} (computed in a separate bounded overflow lane, so refusals are buffered, not
 * dropped) and counted. Queue workers (virtual
 * threads) verify the signature, apply the per-client rate limit, look the signer key up through the
 * {@link AuthorizationCache} (single flight, negative caching), decrypt, run the {@link RequestHandler} and reply in
 * the request's scheme (NIP-44 or NIP-04), tagged {@code ["p", client]} and {@code ["e", request]}, on the relays
 * the request came from plus the authorization's relays. Every CPU-bound step runs on the {@link CpuExecutor}. A
 * poller (one virtual thread) reads the store's change version every {@code pollInterval} and updates the
 * subscription {@code {"kinds":[24133],"#p":[signer keys],"since":now-30}} when authorizations come and go.
 * See {@code docs/nip46.md}.
 *
 * <p>Thread-safe. {@link #start()} and {@link #close()} are called once each; {@link #health()} and
 * {@link #stats()} from any thread at any time.
 */
public final class Bunker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Bunker.class);
  /** Revoked or expired authorizations stay subscribed this long, so their clients get "unauthorized". */
  private static final Duration RECENTLY_INACTIVE = Duration.ofDays(1);

  private static final int AUDIT_BUFFER = 8192;

  private final AuthorizationStore authorizations;
  private final BatchingAuditLog audit;
  private final AuthorizationCache cache;
  private final CpuExecutor cpu;
  private final boolean ownsCpu;
  private final WorkQueue queue;
  private final Pipeline pipeline;
  private final RelayTransport transport;
  private final StatsRecorder stats;
  private final Clock clock;
  private final Duration pollInterval;
  private final Duration shutdownDeadline;
  private final List<String> relayUrls;
  private final Set<String> signerKeys = ConcurrentHashMap.newKeySet();
  private final ReentrantLock refreshLock = new ReentrantLock();
  private final Map<Long, Authorization> known = new HashMap<>(); // guarded by refreshLock
  private long knownVersion = Long.MIN_VALUE; // guarded by refreshLock
  private volatile boolean started;
  private volatile boolean closed;
  private volatile @Nullable Thread poller;
  private volatile Instant lastFullRefresh = Instant.EPOCH;
  private volatile long subscribedVersion = Long.MIN_VALUE;

  private Bunker(Builder b) {
    this.authorizations = b.authorizations;
    this.clock = b.clock;
    this.pollInterval = b.pollInterval;
    this.shutdownDeadline = b.shutdownDeadline;
    this.relayUrls = List.copyOf(b.relays);
    this.stats = new StatsRecorder(b.statsCounter);
    this.cache = b.cache != null
        ? b.cache
        : AuthorizationCache.builder(b.authorizations, b.keys).policies(b.policies).build();
    this.ownsCpu = b.cpu == null;
    this.cpu = b.cpu != null ? b.cpu : CpuExecutor.start(b.cpuConfig);
    // The audit write leaves the request path: batched by one writer thread (see BatchingAuditLog).
    this.audit = new BatchingAuditLog(b.audit, AUDIT_BUFFER);
    try {
      RequestHandler handler = b.handler != null
          ? b.handler
          : DefaultRequestHandler.builder(b.authorizations, audit, cache, cpu)
              .approvalHook(b.approvalHook)
              .clock(clock)
              .build();
      IntakeLimits limits = b.limits;
      IntakeFilter intake = new IntakeFilter(limits, signerKeys::contains, clock);
      RateLimiter rateLimiter = new RateLimiter(limits.rateLimitBurst(), limits.rateLimitPerSecond(),
          limits.rateLimitMaxClients(), System::nanoTime);
      long window = limits.maxAge().toSeconds() + limits.maxFutureSkew().toSeconds() + 1;
      this.transport = b.transportFactory.apply(b);
      this.pipeline = new Pipeline(intake, rateLimiter, limits.dedupeCapacity(), window, cache, handler, cpu,
          new Envelope(new Nip44ConversationKeyCache(b.conversationKeyCacheSize)), stats, transport, clock,
          b.overflowConcurrency, b.overflowCapacity);
      WorkQueueConfig qc = WorkQueueConfig.builder()
          .name(b.queueConfig.name())
          .workers(b.queueConfig.workers())
          .capacity(b.queueConfig.capacity())
          .stuckThreshold(b.queueConfig.stuckThreshold())
          .shutdownTimeout(b.queueConfig.shutdownTimeout())
          .statsCounter(b.queueConfig.statsCounter())
          .onAbandoned(pipeline::abandoned)
          .build();
      this.queue = WorkQueue.start(qc);
      pipeline.attach(queue);
    } catch (RuntimeException e) {
      audit.close();
      if (ownsCpu) {
        cpu.close();
      }
      throw e;
    }
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Loads the authorizations, subscribes, connects to the relays (asynchronously: relays that are down are retried
   * with backoff) and starts the poller. Blocks for the initial store queries.
   *
   * @return this
   * @throws StoreException if the store cannot be read at start
   * @throws IllegalStateException if already started or closed
   */
  public Bunker start() {
    if (started || closed) {
      throw new IllegalStateException("start() may be called once, before close()");
    }
    subscribedVersion = cache.refresh();
    refreshSubscription();
    transport.start(pipeline::onParsedEvent);
    started = true;
    refreshSubscription(); // again, now that the transport runs: adds the authorizations' relays
    transport.subscribe(Set.copyOf(signerKeys));
    Thread t = Thread.ofVirtual().name("keycast-bunker-poller").start(this::pollLoop);
    poller = t;
    LOG.info("bunker started: {} relay(s), {} signer key(s)", relayUrls.size(), signerKeys.size());
    return this;
  }

  private void pollLoop() {
    boolean warned = false;
    while (!closed) {
      try {
        Thread.sleep(pollInterval);
      } catch (InterruptedException e) {
        return;
      }
      try {
        // The poller tracks its own version: a lookup may have refreshed the cache first.
        long v = cache.refresh();
        // Expiry is a time, not a write: look again every minute even without changes.
        if (v != subscribedVersion || Duration.between(lastFullRefresh, clock.instant()).toSeconds() >= 60) {
          subscribedVersion = v;
          refreshSubscription();
        }
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
   * Reads what changed in the authorizations (all of them the first time) and updates the subscription if the set
   * of signer keys changed. Blocks for one or two store queries. Normally the poller does this; {@link NostrConnectFlow} calls it so a new authorization is
   * served before its client is told about it.
   *
   * @throws StoreException if the store fails
   */
  public void refreshSubscription() {
    refreshLock.lock();
    try {
      // Incremental: the full list once, then only what changed (a daemon may hold 100,000 authorizations).
      long v = authorizations.changeVersion();
      if (knownVersion == Long.MIN_VALUE) {
        known.clear();
        for (Authorization a : authorizations.list()) {
          known.put(a.id(), a);
        }
        knownVersion = v;
      } else if (v != knownVersion) {
        AuthorizationChanges changes = authorizations.changesSince(knownVersion);
        for (Authorization a : changes.changed()) {
          known.put(a.id(), a);
        }
        changes.deletedIds().forEach(known::remove);
        knownVersion = Math.max(v, changes.version());
      }
      Instant now = clock.instant();
      Set<String> keys = new HashSet<>();
      Set<String> relays = new HashSet<>();
      for (Authorization a : known.values()) {
        if (a.isActiveAt(now) || recentlyInactive(a, now)) {
          keys.add(a.bunkerPublicKey().toHex());
          relays.addAll(a.relays());
        }
      }
      if (started && !closed) {
        transport.addRelays(relays); // listen where the authorizations' clients talk
      }
      lastFullRefresh = now;
      if (!keys.equals(signerKeys)) {
        signerKeys.addAll(keys);
        signerKeys.retainAll(keys);
        if (started && !closed) {
          transport.subscribe(Set.copyOf(keys));
        }
        LOG.info("now serving {} signer key(s)", keys.size());
      }
    } finally {
      refreshLock.unlock();
    }
  }

  private static boolean recentlyInactive(Authorization a, Instant now) {
    Instant since = a.revokedAt() != null ? a.revokedAt() : a.expiresAt();
    return since != null && since.isAfter(now.minus(RECENTLY_INACTIVE));
  }

  /**
   * Stops gracefully: stops intake (new events are answered {@code shutting down} where possible), lets the queue
   * drain within the shutdown deadline, answers leftovers and pending approvals with {@code shutting down}, then
   * closes the relays and (if it owns it) the CPU executor. Blocks up to about twice the deadline. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Thread p = poller;
    if (p != null) {
      p.interrupt();
    }
    pipeline.stopIntake();
    queue.shutdown(shutdownDeadline);
    pipeline.finish(shutdownDeadline);
    audit.close();
    transport.close();
    if (ownsCpu) {
      cpu.close();
    }
    LOG.info("bunker stopped");
  }

  /**
   * Returns a health snapshot. May do I/O: one cheap database query (the change version).
   *
   * @return the snapshot
   */
  public BunkerHealth health() {
    boolean db;
    try {
      authorizations.changeVersion();
      db = true;
    } catch (RuntimeException e) {
      db = false;
    }
    Map<String, RelayState> relays = transport.status();
    int connected = (int) relays.values().stream().filter(RelayState.CONNECTED::equals).count();
    int depth = queue.depth();
    int capacity = queue.capacity();
    BunkerHealth.Status status;
    if (closed || !started || !db || connected == 0) {
      status = BunkerHealth.Status.DOWN;
    } else if (connected < relays.size() || depth * 10 >= capacity * 9) {
      status = BunkerHealth.Status.DEGRADED;
    } else {
      status = BunkerHealth.Status.UP;
    }
    return new BunkerHealth(status, relays, connected, db, depth, capacity, queue.busyWorkers(),
        pipeline.pendingCount(), signerKeys.size(), clock.instant());
  }

  /** Returns the counters since start; never blocks. */
  public BunkerStats stats() {
    return stats.snapshot();
  }

  /** Returns the cache over the stores (shared with the default handler). */
  public AuthorizationCache authorizationCache() {
    return cache;
  }

  /** Returns the CPU executor used for crypto (shared with the default handler). */
  public CpuExecutor cpuExecutor() {
    return cpu;
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
    pipeline.onEvent(relayUrl, eventJson);
  }

  /** Returns the configured relay URLs. */
  public List<String> relayUrls() {
    return relayUrls;
  }

  /** Returns the signer (bunker) keys currently subscribed to, as lowercase hex. */
  public Set<String> signerKeys() {
    return Set.copyOf(signerKeys);
  }

  /**
   * Builds a {@link Bunker}. Not thread-safe. Setters refuse to be called twice where that would hide a mistake.
   */
  public static final class Builder {
    private @Nullable AuthorizationStore authorizations;
    private @Nullable KeyStore keys;
    private @Nullable AuditLog audit;
    private List<String> relays = List.of();
    private @Nullable RequestHandler handler;
    private ApprovalHook approvalHook = ApprovalHook.policyOnly();
    private Function<String, Optional<Policy>> policies = Policies::builtIn;
    private boolean policiesSet;
    private WorkQueueConfig queueConfig = WorkQueueConfig.builder().name("keycast-bunker").build();
    private CpuExecutorConfig cpuConfig = CpuExecutorConfig.builder().name("keycast-crypto").build();
    private @Nullable CpuExecutor cpu;
    private @Nullable AuthorizationCache cache;
    private IntakeLimits limits = IntakeLimits.defaults();
    private BunkerStatsCounter statsCounter = BunkerStatsCounter.disabled();
    private Duration shutdownDeadline = Duration.ofSeconds(5);
    private Duration pollInterval = Duration.ofSeconds(1);
    private Clock clock = Clock.systemUTC();
    private int overflowConcurrency = 16;
    private int overflowCapacity = 16_384;
    private int conversationKeyCacheSize = 10_000;
    private RelayPoolConfig relayPoolConfig = RelayPoolConfig.defaults();
    private Function<Builder, RelayTransport> transportFactory =
        b -> new RelayPoolTransport(b.relays, b.limits.maxEventChars(), b.relayPoolConfig);

    private Builder() {}

    /**
     * Uses a database's stores (authorizations, keys, audit log).
     *
     * @throws IllegalStateException if stores were already set
     */
    public Builder database(KeycastDatabase db) {
      stores(db.authorizations(), db.keys(), db.audit());
      if (!policiesSet) {
        this.policies = db.policies()::resolve;
      }
      return this;
    }

    /**
     * Uses these stores (for embedders with their own implementations).
     *
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

    /** @param relayUrls the relays to listen and reply on ({@code ws://} or {@code wss://}), at least one */
    public Builder relays(List<String> relayUrls) {
      this.relays = List.copyOf(relayUrls);
      return this;
    }

    /**
     * Replaces the {@link DefaultRequestHandler}. A custom handler that signs or encrypts should share this
     * builder's {@link #cpuExecutor(CpuExecutor)} and {@link #authorizationCache(AuthorizationCache)}.
     *
     * @throws IllegalStateException if already set
     */
    public Builder handler(RequestHandler handler) {
      if (this.handler != null) {
        throw new IllegalStateException("handler was already set");
      }
      this.handler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /** @param hook the default handler's approval hook (default: {@link ApprovalHook#policyOnly()}) */
    public Builder approvalHook(ApprovalHook hook) {
      this.approvalHook = Objects.requireNonNull(hook, "hook");
      return this;
    }

    /**
     * @param resolver how policy names resolve (default: the database's {@code policies()::resolve} with
     *     {@link #database}, else built-in policies); ignored when an {@link #authorizationCache} is passed in,
     *     which resolves policies itself
     */
    public Builder policies(Function<String, Optional<Policy>> resolver) {
      this.policies = Objects.requireNonNull(resolver, "resolver");
      this.policiesSet = true;
      return this;
    }

    /** @param config the work queue (workers, capacity, stuck threshold, stats); its onAbandoned is replaced */
    public Builder workQueue(WorkQueueConfig config) {
      this.queueConfig = Objects.requireNonNull(config, "config");
      return this;
    }

    /** @param config the CPU executor the bunker creates and owns (ignored if one is passed in) */
    public Builder cpuExecutor(CpuExecutorConfig config) {
      this.cpuConfig = Objects.requireNonNull(config, "config");
      return this;
    }

    /** @param executor a shared CPU executor (not closed by the bunker) */
    public Builder cpuExecutor(CpuExecutor executor) {
      this.cpu = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** @param cache a shared cache over the same stores */
    public Builder authorizationCache(AuthorizationCache cache) {
      this.cache = Objects.requireNonNull(cache, "cache");
      return this;
    }

    /** @param limits intake limits and the per-client rate limit */
    public Builder intakeLimits(IntakeLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /** @param counter receives rejections and responses (guarded: its exceptions are logged and ignored) */
    public Builder statsCounter(BunkerStatsCounter counter) {
      this.statsCounter = Objects.requireNonNull(counter, "counter");
      return this;
    }

    /** @param deadline how long {@link #close()} lets queued work drain (default 5 s) */
    public Builder shutdownDeadline(Duration deadline) {
      if (deadline.isNegative()) {
        throw new IllegalArgumentException("shutdownDeadline must be >= 0");
      }
      this.shutdownDeadline = deadline;
      return this;
    }

    /** @param interval how often the store's change version is polled (default 1 s) */
    public Builder pollInterval(Duration interval) {
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("pollInterval must be positive");
      }
      this.pollInterval = interval;
      return this;
    }

    /**
     * @param concurrency how many overflow/shutdown replies ({@code overloaded, retry later}, {@code shutting
     *     down}) are computed at once: the overflow lane's virtual-thread workers (default 16)
     */
    public Builder overflowConcurrency(int concurrency) {
      if (concurrency < 1) {
        throw new IllegalArgumentException("overflowConcurrency must be >= 1");
      }
      this.overflowConcurrency = concurrency;
      return this;
    }

    /**
     * @param capacity how many refused requests may wait in the overflow lane for their error reply (default
     *     16384); only beyond that is a request dropped without a reply, counted {@code overflow_dropped}. Each
     *     waiting request holds its event (at most the intake size cap; a typical request takes about 2-3 KB of
     *     heap, so the default bounds the lane to roughly 50 MB). The default holds the backlog measured in
     *     bench/e2e/overload.sh, where the relay, not the signer, limits how fast replies leave.
     */
    public Builder overflowCapacity(int capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("overflowCapacity must be >= 1");
      }
      this.overflowCapacity = capacity;
      return this;
    }

    /**
     * @param config relay connection settings (timeouts, reconnect backoff); its {@code maxMessageChars} is
     *     replaced by the intake size cap
     */
    public Builder relayPoolConfig(RelayPoolConfig config) {
      this.relayPoolConfig = Objects.requireNonNull(config, "config");
      return this;
    }

    /** @param clock the wall clock (tests) */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
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
