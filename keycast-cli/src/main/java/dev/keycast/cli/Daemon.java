package dev.keycast.cli;

import dev.keycast.cli.internal.AdminApi;
import dev.keycast.cli.internal.AdminPassword;
import dev.keycast.cli.internal.AdminToken;
import dev.keycast.cli.internal.ApprovalRoutes;
import dev.keycast.cli.internal.AuditPurger;
import dev.keycast.cli.internal.BunkerUris;
import dev.keycast.cli.internal.ConsoleRoutes;
import dev.keycast.cli.internal.ConsoleStats;
import dev.keycast.cli.internal.DaemonLock;
import dev.keycast.cli.internal.DataFolder;
import dev.keycast.cli.internal.HttpEndpoints;
import dev.keycast.cli.internal.JdbcUrls;
import dev.keycast.cli.internal.KeycastMetrics;
import dev.keycast.cli.internal.MicrometerBunkerStatsCounter;
import dev.keycast.cli.internal.MicrometerQueueStatsCounter;
import dev.keycast.cli.internal.QueuePressure;
import dev.keycast.cli.internal.SqliteFiles;
import dev.keycast.cli.internal.TerminalQr;
import dev.keycast.crypto.CryptoBackend;
import dev.keycast.nip46.RelayException;
import dev.keycast.nip46.bunker.Bunker;
import dev.keycast.nip46.bunker.ClusterStatus;
import dev.keycast.nip46.relay.DevRelay;
import dev.keycast.nip46.relay.RelayState;
import dev.keycast.nip46.server.BunkerHealth;
import dev.keycast.nip46.server.TaskSnapshot;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.store.MasterKey;
import dev.keycast.nip46.store.MasterKeyFileEncryption;
import dev.keycast.nip46.store.NewAuthorization;
import dev.keycast.queue.CpuExecutorConfig;
import dev.keycast.queue.WorkQueueConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running daemon of {@code keycast serve}: database, optional in-process dev relay, the {@link
 * Bunker} pipeline, metrics and the HTTP endpoints, started in an order that fails fast before
 * anything is written and closed in reverse. {@link #start} lists the steps in order; each is a
 * method with one job. Also used in-process by tests.
 *
 * <p>Thread-safe: {@link #close()} may be called from a signal handler thread; it is idempotent.
 */
final class Daemon implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Daemon.class);
  static final String DEMO_KEY = "demo";
  private static final Duration AUDIT_PURGE_INTERVAL = Duration.ofHours(1);

  private final DaemonConfig config;
  private final List<AutoCloseable> closeables = new ArrayList<>(); // in start order
  private volatile @Nullable Bunker bunker;
  private @Nullable HttpEndpoints http;
  private @Nullable DevRelay devRelay;
  private List<String> relays = List.of();
  private @Nullable String demoBunkerUri;
  private @Nullable String pureJavaWarning;
  private boolean approvalsOn;
  private @Nullable ConsoleStats consoleStats;
  private final ReentrantLock closeLock = new ReentrantLock();
  private boolean closed;

  private Daemon(DaemonConfig config) {
    this.config = config;
  }

  /**
   * Starts everything, step by step; each step that starts something registers it for {@link
   * #close()}. On failure, whatever was started is closed again (in reverse) before the exception
   * propagates.
   *
   * @param c the configuration
   * @param out where the startup summary goes (bunker URI, QR code, URLs)
   * @return the running daemon
   * @throws UsageException if the master key is missing, a port is taken or no relay is configured
   */
  static Daemon start(DaemonConfig c, PrintWriter out) {
    Daemon d = new Daemon(c);
    try {
      d.checkCryptoBackend();
      // before the HTTP port is bound nothing is written but the master key (--dev) and the schema
      // migrations
      if (d.sqliteFile()) {
        // before the database opens: a second daemon on the file must not even migrate it; the
        // home (and under --dev the master key) must exist first, as on a fresh machine
        d.masterKey();
        d.own(DaemonLock.acquire(SqliteFiles.path(c.jdbcUrl())));
      }
      KeycastDatabase db = d.own(d.openStore());
      if (!c.auditRetention().isZero()) {
        d.own(
            AuditPurger.start(
                db.audit(), c.auditRetention(), AUDIT_PURGE_INTERVAL, Clock.systemUTC()));
      }
      KeycastMetrics metrics = d.own(KeycastMetrics.create());
      d.http = d.own(HttpEndpoints.start(c.httpHost(), c.httpPort(), d::health, metrics::scrape));
      d.relays = d.connectableRelays();
      boolean demoKeyCreated = c.dev() && d.ensureDemoAuthorization(db);
      Supplier<AdminToken> adminToken = d.adminToken();
      Bunker b = d.own(d.buildBunker(db, metrics, adminToken != null));
      d.approvalsOn = adminToken != null;
      if (adminToken != null) {
        ApprovalRoutes.register(
            d.http, adminToken, AdminPassword.watching(c.home()), b.approvals(), d.publicUrl());
        ConsoleRoutes.register(d.http, adminToken, Objects.requireNonNull(d.consoleStats));
      }
      Objects.requireNonNull(d.consoleStats).start(b::tasks);
      b.start();
      d.bunker = b;
      d.bindMeters(metrics, b);
      d.watchQueuePressure(metrics, b);
      if (adminToken != null) {
        d.registerAdminApi(db, adminToken);
      }
      d.printSummary(out, demoKeyCreated);
      return d;
    } catch (RuntimeException | Error e) {
      d.close();
      throw e;
    }
  }

  private boolean sqliteFile() {
    String url = config.jdbcUrl();
    return url.startsWith("jdbc:sqlite:")
        && !url.contains(":memory:")
        && !url.contains("mode=memory");
  }

  private <T extends AutoCloseable> T own(T closeable) {
    closeables.add(closeable);
    return closeable;
  }

  /**
   * Refuses the pure-Java (Bouncy Castle) crypto backend unless allowed: its scalar multiplication
   * is not constant-time, so the timing of signing and decryption may leak a secret key to an
   * observer. {@code --dev} must still run on a JDK where libsecp256k1 cannot load (a fresh clone),
   * so it only warns.
   *
   * @throws UsageException if the backend is pure Java, without {@code --dev} or {@code
   *     --allow-pure-java-crypto}
   */
  private void checkCryptoBackend() {
    if (CryptoBackend.active() != CryptoBackend.JAVA) {
      return;
    }
    String risk =
        "the crypto backend is pure Java (Bouncy Castle: libsecp256k1 did not load or "
            + "KEYCAST_CRYPTO_BACKEND=java), which is not constant-time: the timing of signing and decryption may leak "
            + "secret keys";
    if (!config.dev() && !config.allowPureJavaCrypto()) {
      throw new UsageException(
          risk
              + "; make libsecp256k1 loadable (see the WARN log for why it did not), or "
              + "accept the risk with --allow-pure-java-crypto (env KEYCAST_ALLOW_PURE_JAVA_CRYPTO=true)");
    }
    pureJavaWarning =
        "WARNING: "
            + risk
            + (config.allowPureJavaCrypto()
                ? " (allowed by --allow-pure-java-crypto)"
                : " (allowed under --dev only; serve without --dev refuses it)");
    log.warn(pureJavaWarning);
  }

  /**
   * Reads (under {@code --dev}: creates) the master key and opens the database, running its
   * migrations.
   */
  private KeycastDatabase openStore() {
    masterKey(); // under --dev creates it; otherwise checks it is there and readable
    Duration timeout = config.dbTimeout();
    // Follows the key file, so 'keycast master-key rotate' takes effect without a restart.
    return KeycastDatabase.builder(config.jdbcUrl())
        .keyEncryption(MasterKeyFileEncryption.read(config.masterKeyFile()))
        .connectionTimeout(timeout)
        .queryTimeout(
            timeout.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : timeout)
        .busyTimeout(timeout)
        .open();
  }

  private MasterKey masterKey() {
    if (config.dev()) {
      DataFolder.create(config.home());
      return MasterKey.readOrGenerate(config.masterKeyFile());
    }
    if (!Files.exists(config.masterKeyFile())) {
      throw new UsageException(
          "no master key at "
              + config.masterKeyFile()
              + ": create one with 'keycast init' "
              + "(or point --master-key-file / KEYCAST_MASTER_KEY_FILE at yours), or try 'keycast serve --dev'");
    }
    if (config.jdbcUrl().startsWith("jdbc:sqlite:")) {
      DataFolder.create(config.home());
    }
    return MasterKey.read(config.masterKeyFile());
  }

  /**
   * The configured relays, or under {@code --dev} without any, the in-process dev relay (started
   * here).
   */
  private List<String> connectableRelays() {
    if (!config.relays().isEmpty()) {
      return config.relays();
    }
    if (!config.dev()) {
      throw new UsageException(
          "no relay configured: give --relay URL (repeatable) or KEYCAST_RELAYS, "
              + "or use --dev for a local dev relay");
    }
    DevRelay relay;
    try {
      relay = DevRelay.start(config.devRelayHost(), config.devRelayPort());
    } catch (RelayException e) {
      throw new UsageException(
          "cannot start the dev relay on "
              + config.devRelayHost()
              + ":"
              + config.devRelayPort()
              + " (port in use?): choose another with --dev-relay-port or KEYCAST_DEV_RELAY_PORT",
          e);
    }
    devRelay = own(relay);
    return List.of(relay.url());
  }

  /**
   * Under {@code --dev}: the demo key and an active authorization with the full policy on {@link
   * #relays}, reused when one exists.
   *
   * @return whether the demo key was created now (a first run)
   */
  private boolean ensureDemoAuthorization(KeycastDatabase db) {
    boolean created = false;
    if (db.keys().find(DEMO_KEY).isEmpty()) {
      db.keys().generate(DEMO_KEY);
      created = true;
    }
    Instant now = Instant.now();
    // The store keeps only a hash of a connect secret, so the URI of an existing demo
    // authorization cannot be shown again: every start renews its secret (clients already
    // connected stay connected) and prints the new URI.
    Authorization demo =
        db.authorizations().listForKey(DEMO_KEY).stream()
            .filter(
                a ->
                    a.isActiveAt(now) && a.relays().equals(relays) && "full".equals(a.policyName()))
            .findFirst()
            .flatMap(a -> db.authorizations().renewSecret(a.id()))
            .orElseGet(
                () ->
                    db.authorizations()
                        .create(
                            NewAuthorization.builder(DEMO_KEY)
                                .relays(relays)
                                .policyName("full")
                                .maxUses(null)
                                .label("serve --dev demo")
                                .build()));
    demoBunkerUri = BunkerUris.of(demo);
    return created;
  }

  /**
   * The admin token that the approval API and page check, re-read when it changes; created under
   * {@code --dev} if missing. Null without one (an old home): the approval page is then not served,
   * and requests a policy asks about are refused, with a warning saying how to fix it.
   */
  private @Nullable Supplier<AdminToken> adminToken() {
    if (config.dev()) {
      DataFolder.create(config.home());
      AdminToken.createIfMissing(config.home());
    }
    if (!Files.exists(AdminToken.file(config.home()))) {
      log.warn(
          "no admin token at {}: the admin API, the approval page and API are off, and requests that a policy"
              + " asks about (--ask) are refused; run 'keycast init' to create one",
          AdminToken.file(config.home()));
      return null;
    }
    return AdminToken.watching(config.home());
  }

  /** The base of links handed out: {@code --public-url}, else the bound HTTP address. */
  String publicUrl() {
    String configured = config.publicUrl();
    return configured != null
        ? configured
        : "http://" + hostForUrl(config.httpHost()) + ":" + httpPort();
  }

  /**
   * The bunker pipeline over the database and {@link #relays}, its queues and stats bound to {@code
   * metrics}; with {@code approvals}, the built-in approver hands out {@code
   * <public-url>/approve/<id>} links.
   */
  private Bunker buildBunker(KeycastDatabase db, KeycastMetrics metrics, boolean approvals) {
    Bunker.Builder builder = Bunker.builder().approvalTimeout(config.approvalTimeout());
    if (approvals) {
      String base = publicUrl();
      builder.approvalUrls(id -> ApprovalRoutes.url(base, id));
    }
    ConsoleStats stats =
        own(
            new ConsoleStats(
                new MicrometerBunkerStatsCounter(metrics.registry()), Clock.systemUTC()));
    consoleStats = stats;
    MicrometerQueueStatsCounter queueStats =
        new MicrometerQueueStatsCounter(metrics.registry(), "queue");
    MicrometerQueueStatsCounter cpuStats =
        new MicrometerQueueStatsCounter(metrics.registry(), "cpu");
    log.info("cluster instance id: {}", config.instanceId());
    return builder
        .database(db)
        // on SQLite the daemon lock makes this the only daemon: stale members go at once
        .cluster(config.instanceId(), !db.isPostgreSql())
        .relays(relays)
        // policies: the database's resolver (built-ins, then custom policies, including those
        // `authorize --kinds`
        // saves), the default of database(db)
        .workQueue(
            WorkQueueConfig.builder()
                .name("keycast-requests")
                .workers(config.workers())
                .capacity(config.queueCapacity())
                .statsCounter(queueStats)
                .build())
        .cpuExecutor(
            CpuExecutorConfig.builder()
                .name("keycast-crypto")
                .threads(config.cryptoThreads())
                .statsCounter(cpuStats)
                .build())
        .statsCounter(stats)
        .overflowCapacity(config.overflowCapacity())
        .refusalThreads(config.refusalThreads())
        .refusalRate(config.refusalRate())
        .intakeLimits(config.intakeLimits())
        .shutdownDeadline(config.shutdownDeadline())
        .build();
  }

  /**
   * Samples the queue every second into {@link QueuePressure} (the review's alert: above 50% of
   * capacity for 10 s), shown by {@code /health} and the gauge {@code
   * keycast_queue_pressure_alert}.
   */
  private void watchQueuePressure(KeycastMetrics metrics, Bunker b) {
    QueuePressure p = QueuePressure.review();
    ScheduledExecutorService sampler =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("keycast-queue-pressure").factory());
    own(() -> sampler.shutdownNow());
    var unused =
        sampler.scheduleAtFixedRate(
            () -> {
              try {
                TaskSnapshot.Queue q = b.tasks().queue();
                p.observe(q.depth(), q.capacity());
              } catch (RuntimeException e) {
                log.debug("queue pressure sample failed: {}", e.toString());
              }
            },
            1,
            1,
            TimeUnit.SECONDS);
    queuePressure = p;
    Gauge.builder(KeycastMetrics.name("queue.pressure.alert"), p, x -> x.alerting() ? 1 : 0)
        .description("1 while the request queue has stayed above 50% of its capacity for 10 s")
        .register(metrics.registry());
  }

  /**
   * Serves the admin API ({@code /api/v1/}) behind the admin token of {@code KEYCAST_HOME} ({@link
   * #adminToken()}: without one it is off, as the approval routes are). The approval routes
   * register beside it ({@code ApprovalRoutes}).
   */
  private void registerAdminApi(KeycastDatabase db, Supplier<AdminToken> token) {
    new AdminApi(db, this::relays, this::bunker, publicUrl(), Clock.systemUTC())
        .register(Objects.requireNonNull(http), token);
  }

  /** The cluster's gauges and counters ({@code keycast_cluster_*}), read from the bunker. */
  private static void bindClusterMeters(KeycastMetrics metrics, Bunker b) {
    var r = metrics.registry();
    Gauge.builder(KeycastMetrics.name("cluster.members"), b, x -> cluster(x).instances())
        .description("live cluster members at the last heartbeat, this one included")
        .register(r);
    Gauge.builder(KeycastMetrics.name("cluster.keys.owned"), b, x -> cluster(x).keysOwned())
        .description("bunker keys this instance answers")
        .register(r);
    Gauge.builder(KeycastMetrics.name("cluster.slots.owned"), b, x -> cluster(x).slotsOwned())
        .description("slots (of 16,384 that the bunker keys hash into) this instance answers")
        .register(r);
    Gauge.builder(KeycastMetrics.name("cluster.fenced"), b, x -> cluster(x).fenced() ? 1 : 0)
        .description("1 while the lease ran out without renewal: this instance answers nothing")
        .register(r);
    Gauge.builder(KeycastMetrics.name("cluster.held.requests"), b, x -> cluster(x).held())
        .description("requests held for keys another instance answers")
        .register(r);
    Gauge.builder(
            KeycastMetrics.name("cluster.lease.renewal.seconds"),
            b,
            x -> cluster(x).lastRenewal().toNanos() / 1e9)
        .description("how long the last successful lease renewal took")
        .register(r);
    FunctionCounter.builder(
            KeycastMetrics.name("cluster.takeovers"), b, x -> cluster(x).takeovers())
        .description("slots this instance claimed (took over)")
        .register(r);
    FunctionCounter.builder(KeycastMetrics.name("cluster.fencings"), b, x -> cluster(x).fencings())
        .description("times this instance's lease ran out before a renewal")
        .register(r);
    FunctionCounter.builder(
            KeycastMetrics.name("cluster.held.overflows"), b, x -> cluster(x).heldOverflows())
        .description("requests not held because the hold buffer was full")
        .register(r);
    FunctionCounter.builder(KeycastMetrics.name("cluster.replayed"), b, x -> cluster(x).replayed())
        .description("held requests answered after a takeover")
        .register(r);
  }

  private static ClusterStatus cluster(Bunker b) {
    return b.cluster().orElseThrow();
  }

  /** The gauges and counters read from the running bunker: relay state, queue, cache loads. */
  private void bindMeters(KeycastMetrics metrics, Bunker b) {
    bindClusterMeters(metrics, b);
    MicrometerQueueStatsCounter.bindGauges(metrics.registry(), b.cpuExecutor());
    for (String relay : relays) {
      Gauge.builder(
              KeycastMetrics.name("relay.connected"),
              this,
              d -> d.relayStates().get(relay) == RelayState.CONNECTED ? 1 : 0)
          .description("1 when the relay connection is up")
          .tag("relay", relay)
          .register(metrics.registry());
    }
    Gauge.builder(
            KeycastMetrics.name("queue.depth"),
            this,
            d -> {
              BunkerHealth h = d.recentHealth();
              return h == null ? 0 : h.queueDepth();
            })
        .description("requests waiting (as of the last health sample)")
        .register(metrics.registry());
    Gauge.builder(
            KeycastMetrics.name("queue.busy.workers"),
            this,
            d -> {
              BunkerHealth h = d.recentHealth();
              return h == null ? 0 : h.busyWorkers();
            })
        .description("workers running a request (as of the last health sample)")
        .register(metrics.registry());
    Gauge.builder(
            KeycastMetrics.name("database.reachable"),
            b,
            x -> x.health().databaseReachable() ? 1 : 0)
        .description("1 while the database answers the background probe (never blocks)")
        .register(metrics.registry());
    Gauge.builder(KeycastMetrics.name("approvals.pending"), b, x -> x.approvals().pending().size())
        .description("requests waiting for a human's approval (a policy's --ask)")
        .register(metrics.registry());
    Gauge.builder(KeycastMetrics.name("queue.capacity"), this, d -> d.config.queueCapacity())
        .description("request queue capacity")
        .register(metrics.registry());
    // Store loads behind the authorization cache (bench/e2e/keys.sh reads them): bunker keys are
    // all
    // loaded at start and then once per new authorization, never per request; client and user key
    // loads are single-flight, one per cold key however many requests miss at once.
    FunctionCounter.builder(KeycastMetrics.name("cache.loads"), b, Bunker::signerLoadCount)
        .description("authorization (bunker key) loads from the store")
        .tag("kind", "signer")
        .register(metrics.registry());
    FunctionCounter.builder(
            KeycastMetrics.name("cache.loads"), b, x -> x.loadCount() - x.signerLoadCount())
        .description("client and user key loads from the store")
        .tag("kind", "client_or_user_key")
        .register(metrics.registry());
    // Audit entries of requests served while the database is away wait in a bounded buffer and are
    // written after it; these say how many wait and how many the full buffer dropped.
    Gauge.builder(KeycastMetrics.name("audit.pending"), b, Bunker::auditPendingCount)
        .description("audit entries waiting to be written")
        .register(metrics.registry());
    FunctionCounter.builder(KeycastMetrics.name("audit.lost"), b, Bunker::auditLostCount)
        .description("audit entries dropped: buffer full while the database was unreachable")
        .register(metrics.registry());
  }

  /** Tells the user where the daemon serves and, under {@code --dev}, how to connect a client. */
  private void printSummary(PrintWriter out, boolean demoKeyCreated) {
    String httpBase = "http://" + hostForUrl(config.httpHost()) + ":" + httpPort();
    out.println(
        "keycast serving on "
            + String.join(", ", relays)
            + (devRelay != null ? " (in-process dev relay)" : ""));
    out.println("  database: " + JdbcUrls.redact(config.jdbcUrl()));
    out.println("  health:   " + httpBase + "/health");
    out.println("  metrics:  " + httpBase + "/metrics");
    if (approvalsOn) { // all three need the admin token
      out.println(
          "  admin:    " + httpBase + AdminApi.PREFIX + "/ (token: keycast admin-token show)");
      out.println("  approve:  " + publicUrl() + "/approve/ (requests that a policy asks about)");
      out.println(
          "  console:  " + publicUrl() + "/console/ (sign in with 'keycast admin-token show')");
    }
    if (demoBunkerUri != null) {
      out.println();
      out.println(
          (demoKeyCreated ? "Created the demo key '" + DEMO_KEY + "'. " : "")
              + "Connect a NIP-46 client with:");
      out.println();
      out.println("  " + demoBunkerUri);
      out.println();
      try {
        out.print(TerminalQr.render(demoBunkerUri));
      } catch (IllegalArgumentException e) {
        log.debug("no QR code: {}", e.getMessage());
      }
    }
    if (pureJavaWarning != null) {
      out.println(pureJavaWarning);
    }
    out.println(
        "Stop with Ctrl-C (SIGINT) or SIGTERM: intake stops, queued requests are answered, relays close.");
    out.flush();
  }

  private static String hostForUrl(String host) {
    return host.contains(":") ? "[" + host + "]" : host;
  }

  private volatile @Nullable QueuePressure queuePressure;
  private volatile @Nullable BunkerHealth lastHealth;
  private volatile long lastHealthNanos;

  /**
   * A health snapshot at most a second old, for gauges (a scrape must not cost a query per gauge).
   */
  private @Nullable BunkerHealth recentHealth() {
    Bunker b = bunker;
    BunkerHealth h = lastHealth;
    if (b != null && (h == null || System.nanoTime() - lastHealthNanos > 1_000_000_000L)) {
      h = b.health();
      lastHealth = h;
      lastHealthNanos = System.nanoTime();
    }
    return h;
  }

  Map<String, RelayState> relayStates() {
    BunkerHealth h = recentHealth();
    return h == null ? Map.of() : h.relays();
  }

  /**
   * The health report for {@code GET /health}: healthy when a relay is connected and the database
   * answers.
   */
  HttpEndpoints.Health health() {
    Bunker b = bunker;
    Map<String, Object> body = new LinkedHashMap<>();
    if (b == null) {
      body.put("status", "starting");
      body.put("reason", "the daemon is starting");
      return new HttpEndpoints.Health(false, body);
    }
    BunkerHealth h = b.health();
    lastHealth = h;
    lastHealthNanos = System.nanoTime();
    boolean healthy = h.connectedRelays() >= 1 && h.databaseReachable() && h.isServing();
    body.put(
        "status", healthy ? h.status().name().toLowerCase(java.util.Locale.ROOT) : "unhealthy");
    if (!healthy) {
      List<String> reasons = new ArrayList<>();
      if (h.connectedRelays() == 0) {
        reasons.add("no relay connected");
      }
      if (!h.databaseReachable()) {
        String problem = h.databaseProblem();
        reasons.add(problem != null ? problem : "database not answering");
      }
      if (reasons.isEmpty()) {
        reasons.add("shutting down");
      }
      body.put("reason", String.join("; ", reasons));
    }
    body.put("relays", RelayState.wireNames(h.relays()));
    body.put("connected_relays", h.connectedRelays());
    body.put("database", h.databaseReachable() ? "ok" : "unreachable");
    Map<String, Object> queue = new LinkedHashMap<>();
    queue.put("depth", h.queueDepth());
    queue.put("capacity", h.queueCapacity());
    queue.put("busy_workers", h.busyWorkers());
    body.put("queue", queue);
    body.put("pending_approvals", h.pendingApprovals());
    body.put("signer_keys", h.signerKeys());
    b.cluster().ifPresent(cs -> body.put("cluster", clusterJson(cs)));
    body.put("checked_at", h.checkedAt().toString());
    body.put("public_url", http == null ? config.publicUrl() : publicUrl());
    QueuePressure p = queuePressure;
    body.put("warnings", p != null && p.alerting() ? List.of(p.message()) : List.of());
    return new HttpEndpoints.Health(healthy, body);
  }

  private static Map<String, Object> clusterJson(ClusterStatus cs) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("instance", cs.instanceId());
    m.put("member", cs.memberId());
    m.put("instances", cs.instances());
    m.put("keys_owned", cs.keysOwned());
    m.put("slots_owned", cs.slotsOwned());
    m.put("fenced", cs.fenced());
    m.put("takeovers", cs.takeovers());
    m.put("held_requests", cs.held());
    m.put("applied_version", cs.appliedVersion());
    m.put("last_renewal_ms", cs.lastRenewal().toNanos() / 1e6);
    return m;
  }

  /** Returns the relays the bunker uses (the dev relay's URL under --dev). */
  List<String> relays() {
    return relays;
  }

  /** Returns the demo authorization's bunker URI under --dev, else null. */
  @Nullable String demoBunkerUri() {
    return demoBunkerUri;
  }

  /** Returns the bound HTTP port. */
  int httpPort() {
    return Objects.requireNonNull(http).port();
  }

  /** Returns the running bunker, or null while starting. */
  @Nullable Bunker bunker() {
    return bunker;
  }

  /**
   * Stops in reverse start order: the bunker (intake stops, the queue drains within the deadline,
   * relays close), the HTTP endpoints, the dev relay, metrics, the database. Idempotent; never
   * throws.
   */
  @Override
  public void close() {
    closeLock.lock(); // a signal thread and main may both close; the second waits for the first to
    // finish
    try {
      if (closed) {
        return;
      }
      closed = true;
      for (int i = closeables.size() - 1; i >= 0; i--) {
        AutoCloseable c = closeables.get(i);
        try {
          c.close();
        } catch (Exception e) {
          log.warn("error while closing {}: {}", c.getClass().getSimpleName(), e.toString());
        }
      }
    } finally {
      closeLock.unlock();
    }
  }
}
