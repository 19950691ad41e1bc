package dev.keycast.cli;

import dev.keycast.cli.internal.Durations;
import dev.keycast.cli.internal.Relays;
import dev.keycast.cli.internal.Signals;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keycast serve}: the daemon. Runs until SIGTERM or SIGINT, then stops intake, drains the
 * queue within the shutdown deadline, answers what is in flight, closes the relays and exits 0.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    sortOptions = false,
    description = {
      "Runs the NIP-46 signer daemon, with GET /health and GET /metrics on the HTTP address.",
      "--dev: embedded defaults for a first run: SQLite and a generated master key under KEYCAST_HOME, a dev relay "
          + "in-process (unless --relay is given), and a demo key whose bunker URI is printed with a QR code."
    })
public final class ServeCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

  @Spec CommandSpec spec;
  @Mixin StoreOptions store = new StoreOptions();

  @Option(
      names = "--relay",
      paramLabel = "URL",
      split = ",",
      defaultValue = "${env:KEYCAST_RELAYS}",
      showDefaultValue = CommandLine.Help.Visibility.NEVER,
      description = "Relay URL, repeatable (env KEYCAST_RELAYS, comma-separated).")
  List<String> relays = new ArrayList<>();

  @Option(names = "--dev", description = "Embedded first-run defaults (see above).")
  boolean dev;

  @Option(
      names = "--dev-relay-port",
      paramLabel = "PORT",
      defaultValue = "${env:KEYCAST_DEV_RELAY_PORT:-7777}",
      description =
          "Port of the in-process dev relay under --dev; 0 picks a free one (env KEYCAST_DEV_RELAY_PORT).")
  int devRelayPort;

  @Option(
      names = "--http-host",
      paramLabel = "HOST",
      defaultValue = "${env:KEYCAST_HTTP_HOST:-127.0.0.1}",
      description = "Address of the health/metrics endpoints (env KEYCAST_HTTP_HOST).")
  String httpHost;

  @Option(
      names = "--http-port",
      paramLabel = "PORT",
      defaultValue = "${env:KEYCAST_HTTP_PORT:-3000}",
      description =
          "Port of the health/metrics endpoints; 0 picks a free one (env KEYCAST_HTTP_PORT).")
  int httpPort;

  @Option(
      names = "--workers",
      paramLabel = "N",
      defaultValue = "${env:KEYCAST_WORKERS:-64}",
      description = "Request workers (virtual threads) (env KEYCAST_WORKERS).")
  int workers;

  @Option(
      names = "--crypto-threads",
      paramLabel = "N",
      defaultValue = "${env:KEYCAST_CRYPTO_THREADS:-0}",
      description =
          "Platform threads for signing and encryption; 0 means one per CPU (env KEYCAST_CRYPTO_THREADS).")
  int cryptoThreads;

  @Option(
      names = "--queue-capacity",
      paramLabel = "N",
      defaultValue = "${env:KEYCAST_QUEUE_CAPACITY:-1024}",
      description =
          "Requests that may wait; beyond it clients get an 'overloaded' error reply (env KEYCAST_QUEUE_CAPACITY).")
  int queueCapacity;

  @Option(
      names = "--overflow-capacity",
      paramLabel = "N",
      defaultValue = "${env:KEYCAST_OVERFLOW_CAPACITY:-16384}",
      description =
          "Refused requests that may wait for their 'overloaded' reply; beyond it they are dropped and"
              + " counted as overflow_dropped (env KEYCAST_OVERFLOW_CAPACITY).")
  int overflowCapacity;

  @Option(
      names = "--refusal-threads",
      paramLabel = "N",
      defaultValue = "${env:KEYCAST_REFUSAL_THREADS:-1}",
      description =
          "Platform threads computing 'overloaded' replies, 1 to 64; more help only with cores to"
              + " spare (env KEYCAST_REFUSAL_THREADS).")
  int refusalThreads;

  @Option(
      names = "--refusal-rate",
      paramLabel = "PER_SECOND",
      defaultValue = "${env:KEYCAST_REFUSAL_RATE:-3000}",
      description =
          "The most 'overloaded' replies sent a second; past it refused requests wait (see"
              + " --overflow-capacity). Raise it for relays that take more (env KEYCAST_REFUSAL_RATE).")
  int refusalRate;

  @Option(
      names = "--client-rate-limit",
      paramLabel = "PER_SECOND",
      defaultValue = "${env:KEYCAST_CLIENT_RATE_LIMIT:-50}",
      description = "Requests per second each client key regains (env KEYCAST_CLIENT_RATE_LIMIT).")
  double clientRateLimit;

  @Option(
      names = "--client-burst",
      paramLabel = "N",
      defaultValue = "${env:KEYCAST_CLIENT_BURST:-250}",
      description = "Requests a client key may send at once (env KEYCAST_CLIENT_BURST).")
  int clientBurst;

  @Option(
      names = "--shutdown-timeout",
      paramLabel = "SECONDS",
      defaultValue = "${env:KEYCAST_SHUTDOWN_TIMEOUT:-10}",
      description =
          "How long SIGTERM waits for queued requests to be answered (env KEYCAST_SHUTDOWN_TIMEOUT).")
  int shutdownTimeoutSeconds;

  @Option(
      names = "--audit-retention",
      paramLabel = "DURATION",
      defaultValue = "${env:KEYCAST_AUDIT_RETENTION:-90d}",
      description =
          "How long audit entries are kept (e.g. 90d, 12w); purged at start and hourly; 0 or 'forever'"
              + " keeps them all (env KEYCAST_AUDIT_RETENTION).")
  String auditRetention;

  @Option(
      names = "--db-timeout",
      paramLabel = "DURATION",
      defaultValue = "${env:KEYCAST_DB_TIMEOUT:-2s}",
      description =
          "The longest anything waits on the database (a pooled connection, a PostgreSQL statement,"
              + " the SQLite writer); requests that need it then get a 'temporarily unavailable'"
              + " error reply (env KEYCAST_DB_TIMEOUT).")
  String dbTimeout;

  @Option(
      names = "--allow-pure-java-crypto",
      defaultValue = "${env:KEYCAST_ALLOW_PURE_JAVA_CRYPTO:-false}",
      description =
          "Start even when libsecp256k1 cannot load and the pure-Java crypto backend, which is not"
              + " constant-time, would sign and decrypt (env KEYCAST_ALLOW_PURE_JAVA_CRYPTO=true). --dev allows it"
              + " with a warning.")
  boolean allowPureJavaCrypto;

  @Option(
      names = "--instance-id",
      paramLabel = "ID",
      defaultValue = "${env:KEYCAST_INSTANCE_ID}",
      description =
          "This instance's name in a cluster of daemons on one PostgreSQL database, unique among"
              + " them; default <host>-<random>, logged (env KEYCAST_INSTANCE_ID). See docs/cluster.md.")
  @Nullable String instanceId;

  @Option(
      names = "--public-url",
      paramLabel = "URL",
      defaultValue = "${env:KEYCAST_PUBLIC_URL}",
      showDefaultValue = CommandLine.Help.Visibility.NEVER,
      description =
          "Base of the links the daemon hands out, such as the approval page's auth_url"
              + " (env KEYCAST_PUBLIC_URL; default http://HTTP-HOST:HTTP-PORT).")
  @Nullable String publicUrl;

  @Option(
      names = "--approval-timeout",
      paramLabel = "DURATION",
      defaultValue = "${env:KEYCAST_APPROVAL_TIMEOUT:-5m}",
      description =
          "How long a request that a policy asks about (--ask) waits for a human's decision"
              + " before it is denied (env KEYCAST_APPROVAL_TIMEOUT).")
  String approvalTimeout;

  private final CountDownLatch stop = new CountDownLatch(1);
  private volatile @Nullable Daemon daemon;

  /** Creates the command. */
  public ServeCommand() {}

  @Override
  public Integer call() throws InterruptedException {
    Path home = Globals.home(spec);
    // each option is checked as it is set, in this order
    DaemonConfig.Builder builder =
        DaemonConfig.builder()
            .httpPort(httpPort)
            .devRelayPort(devRelayPort)
            .shutdownDeadline(Duration.ofSeconds(shutdownTimeoutSeconds))
            .home(home)
            .jdbcUrl(store.jdbcUrl(home))
            .masterKeyFile(store.masterKeyFile(home))
            .dev(dev)
            .relays(Relays.normalize(relays))
            .devRelayHost("127.0.0.1")
            .httpHost(httpHost)
            .workers(workers)
            .cryptoThreads(
                cryptoThreads > 0 ? cryptoThreads : Runtime.getRuntime().availableProcessors())
            .queueCapacity(queueCapacity)
            .overflowCapacity(overflowCapacity)
            .refusalThreads(refusalThreads)
            .refusalRate(refusalRate)
            .clientBurst(clientBurst)
            .clientRatePerSecond(clientRateLimit)
            .auditRetention(retention(auditRetention))
            .dbTimeout(dbTimeout(dbTimeout))
            .allowPureJavaCrypto(allowPureJavaCrypto)
            .approvalTimeout(duration("--approval-timeout", approvalTimeout));
    if (publicUrl != null && !publicUrl.isBlank()) {
      builder.publicUrl(publicUrl);
    }
    if (instanceId != null && !instanceId.isBlank()) {
      builder.instanceId(instanceId);
    }
    DaemonConfig config = builder.build();
    Signals.onTermOrInt(stop::countDown);
    Daemon d = Daemon.start(config, spec.commandLine().getOut());
    daemon = d;
    try {
      stop.await();
      log.info(
          "stopping: intake closed, draining queued requests (up to {} s)", shutdownTimeoutSeconds);
    } finally {
      d.close();
    }
    log.info("stopped");
    return ExitCodes.OK;
  }

  /**
   * @param text {@code --audit-retention}: a duration, or {@code 0} / {@code forever}
   * @return the retention, {@link Duration#ZERO} to keep every entry
   * @throws UsageException if the text is neither
   */
  static Duration retention(String text) {
    String t = text.strip();
    if (t.equals("0") || t.equalsIgnoreCase("forever")) {
      return Duration.ZERO;
    }
    try {
      return Durations.parse(t);
    } catch (IllegalArgumentException e) {
      throw new UsageException(
          "--audit-retention: " + e.getMessage() + "; or 0 / forever to keep everything", e);
    }
  }

  /**
   * @param text {@code --db-timeout}: a duration such as {@code 2s} or {@code 500ms}
   * @throws UsageException if it is not one
   */
  static Duration dbTimeout(String text) {
    try {
      return Durations.parse(text.strip());
    } catch (IllegalArgumentException e) {
      throw new UsageException("--db-timeout: " + e.getMessage(), e);
    }
  }

  private static Duration duration(String option, String text) {
    try {
      return Durations.parse(text.strip());
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + ": " + e.getMessage(), e);
    }
  }

  /** Asks a running {@link #call()} to stop as SIGTERM would (tests). */
  void requestStop() {
    stop.countDown();
  }

  /** Waits until the daemon has started (tests). */
  @Nullable Daemon awaitStarted(long timeout, TimeUnit unit) throws InterruptedException {
    long end = System.nanoTime() + unit.toNanos(timeout);
    while (daemon == null && System.nanoTime() < end && stop.getCount() > 0) {
      Thread.sleep(20);
    }
    return daemon;
  }
}
