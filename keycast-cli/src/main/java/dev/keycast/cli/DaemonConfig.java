package dev.keycast.cli;

import dev.keycast.nip46.server.IntakeLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything {@link Daemon} needs, resolved from {@code serve}'s options and environment.
 * Immutable; build it with {@link #builder()}, which checks every value when it is set and refuses
 * to set one twice, so a bad option stops startup before anything is written.
 *
 * @param home the data folder (created under {@code --dev}, or for a SQLite database)
 * @param jdbcUrl the database
 * @param masterKeyFile the master key (generated under {@code --dev} when missing)
 * @param dev whether to use the first-run defaults: generated master key, in-process dev relay,
 *     demo key
 * @param relays the relay URLs; empty means the in-process dev relay (only with {@code dev})
 * @param devRelayHost the dev relay's address
 * @param devRelayPort the dev relay's port, 0 for an ephemeral one
 * @param httpHost the address of {@code /health} and {@code /metrics}
 * @param httpPort their port, 0 for an ephemeral one
 * @param workers request workers (virtual threads)
 * @param cryptoThreads platform threads for signing and encryption
 * @param queueCapacity requests that may wait
 * @param overflowCapacity refused requests that may wait for their {@code overloaded} reply
 * @param refusalThreads platform threads computing the overflow lane's refusals (1..64)
 * @param refusalRate the most refusals the overflow lane sends a second
 * @param clientBurst requests a client key may send at once
 * @param clientRatePerSecond requests per second a client key regains
 * @param shutdownDeadline how long stopping waits for queued requests to be answered
 * @param auditRetention how long audit entries are kept; {@link Duration#ZERO} keeps them all
 * @param dbTimeout the longest anything waits on the database: a pooled connection, a PostgreSQL
 *     statement, the SQLite writer lock
 * @param allowPureJavaCrypto whether to start on the pure-Java crypto backend (not constant-time)
 *     without {@code dev}
 * @param publicUrl the base of links the daemon hands out ({@code auth_url}s), without a trailing
 *     slash, or null for {@code http://HTTP-HOST:PORT}
 * @param approvalTimeout how long a request may wait for a human's approval
 * @param instanceId this instance's name in the cluster (see {@code docs/cluster.md})
 */
record DaemonConfig(
    Path home,
    String jdbcUrl,
    Path masterKeyFile,
    boolean dev,
    List<String> relays,
    String devRelayHost,
    int devRelayPort,
    String httpHost,
    int httpPort,
    int workers,
    int cryptoThreads,
    int queueCapacity,
    int overflowCapacity,
    int refusalThreads,
    int refusalRate,
    int clientBurst,
    double clientRatePerSecond,
    Duration shutdownDeadline,
    Duration auditRetention,
    Duration dbTimeout,
    boolean allowPureJavaCrypto,
    @Nullable String publicUrl,
    Duration approvalTimeout,
    String instanceId) {

  private static final String POSITIVE =
      "--workers, --crypto-threads, --queue-capacity, --overflow-capacity,"
          + " --client-burst and --client-rate-limit must be positive";

  /** Copies {@code relays}. */
  DaemonConfig {
    relays = List.copyOf(relays);
  }

  /** Returns a builder with nothing set; not thread-safe. */
  static Builder builder() {
    return new Builder();
  }

  /** Returns the per-client intake limits ({@code clientBurst} at {@code clientRatePerSecond}). */
  IntakeLimits intakeLimits() {
    try {
      return IntakeLimits.builder().rateLimit(clientBurst, clientRatePerSecond).build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(Objects.requireNonNullElse(e.getMessage(), e.toString()), e);
    }
  }

  /**
   * Builds a {@link DaemonConfig}. Each setter checks its value at once ({@link UsageException}
   * with the option's name, exit code 64) and throws {@link IllegalStateException} if the value was
   * already set. Required: home, database, master key file, both ports, the HTTP host, the five
   * sizes, the client rate and the shutdown deadline. Optional: {@code dev} (false), relays (none),
   * the dev relay host ({@code 127.0.0.1}), the refusal threads (1) and rate (3000 a second), the
   * audit retention (90 days), {@code allowPureJavaCrypto} (false), the instance id (generated:
   * {@code <host>-<random>}).
   */
  static final class Builder {
    private @Nullable Path home;
    private @Nullable String jdbcUrl;
    private @Nullable Path masterKeyFile;
    private @Nullable Boolean dev;
    private @Nullable List<String> relays;
    private @Nullable String devRelayHost;
    private @Nullable Integer devRelayPort;
    private @Nullable String httpHost;
    private @Nullable Integer httpPort;
    private @Nullable Integer workers;
    private @Nullable Integer cryptoThreads;
    private @Nullable Integer queueCapacity;
    private @Nullable Integer overflowCapacity;
    private @Nullable Integer refusalThreads;
    private @Nullable Integer refusalRate;
    private @Nullable Integer clientBurst;
    private @Nullable Double clientRatePerSecond;
    private @Nullable Duration shutdownDeadline;
    private @Nullable Duration auditRetention;
    private @Nullable Duration dbTimeout;
    private @Nullable Boolean allowPureJavaCrypto;
    private @Nullable String publicUrl;
    private @Nullable Duration approvalTimeout;
    private @Nullable String instanceId;

    private Builder() {}

    /**
     * @param url an {@code http://} or {@code https://} URL without query or fragment
     */
    Builder publicUrl(String url) {
      String u = url.strip();
      java.net.URI uri;
      try {
        uri = new java.net.URI(u);
      } catch (java.net.URISyntaxException e) {
        throw new UsageException("--public-url: not a URL: " + url, e);
      }
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null
          || uri.getRawQuery() != null
          || uri.getRawFragment() != null) {
        throw new UsageException(
            "--public-url must be an http:// or https:// URL without query or fragment, not "
                + url);
      }
      while (u.endsWith("/")) {
        u = u.substring(0, u.length() - 1);
      }
      this.publicUrl = once(this.publicUrl, u, "publicUrl");
      return this;
    }

    /**
     * @param timeout 1 second to 1 day
     */
    Builder approvalTimeout(Duration timeout) {
      if (timeout.toMillis() < 1000 || timeout.compareTo(Duration.ofDays(1)) > 0) {
        throw new UsageException("--approval-timeout must be 1s to 1d, not " + timeout);
      }
      this.approvalTimeout = once(this.approvalTimeout, timeout, "approvalTimeout");
      return this;
    }

    Builder home(Path home) {
      this.home = once(this.home, home, "home");
      return this;
    }

    Builder jdbcUrl(String jdbcUrl) {
      this.jdbcUrl = once(this.jdbcUrl, jdbcUrl, "jdbcUrl");
      return this;
    }

    Builder masterKeyFile(Path masterKeyFile) {
      this.masterKeyFile = once(this.masterKeyFile, masterKeyFile, "masterKeyFile");
      return this;
    }

    Builder dev(boolean dev) {
      this.dev = once(this.dev, dev, "dev");
      return this;
    }

    /**
     * @param relays relay URLs, already normalized; empty for the dev relay
     */
    Builder relays(List<String> relays) {
      this.relays = once(this.relays, List.copyOf(relays), "relays");
      return this;
    }

    Builder devRelayHost(String host) {
      this.devRelayHost = once(this.devRelayHost, host, "devRelayHost");
      return this;
    }

    /**
     * @param port 0 to 65535, 0 for an ephemeral port
     */
    Builder devRelayPort(int port) {
      this.devRelayPort = once(this.devRelayPort, checkPort(port), "devRelayPort");
      return this;
    }

    Builder httpHost(String host) {
      this.httpHost = once(this.httpHost, host, "httpHost");
      return this;
    }

    /**
     * @param port 0 to 65535, 0 for an ephemeral port
     */
    Builder httpPort(int port) {
      this.httpPort = once(this.httpPort, checkPort(port), "httpPort");
      return this;
    }

    /**
     * @param workers at least 1
     */
    Builder workers(int workers) {
      this.workers = once(this.workers, checkPositive(workers), "workers");
      return this;
    }

    /**
     * @param threads at least 1
     */
    Builder cryptoThreads(int threads) {
      this.cryptoThreads = once(this.cryptoThreads, checkPositive(threads), "cryptoThreads");
      return this;
    }

    /**
     * @param capacity at least 1
     */
    Builder queueCapacity(int capacity) {
      this.queueCapacity = once(this.queueCapacity, checkPositive(capacity), "queueCapacity");
      return this;
    }

    /**
     * @param capacity at least 1
     */
    Builder overflowCapacity(int capacity) {
      this.overflowCapacity =
          once(this.overflowCapacity, checkPositive(capacity), "overflowCapacity");
      return this;
    }

    /**
     * @param threads 1 to 64
     */
    Builder refusalThreads(int threads) {
      if (threads < 1 || threads > 64) {
        throw new UsageException("--refusal-threads must be 1 to 64, not " + threads);
      }
      this.refusalThreads = once(this.refusalThreads, threads, "refusalThreads");
      return this;
    }

    /**
     * @param perSecond refusals a second, at least 1
     */
    Builder refusalRate(int perSecond) {
      if (perSecond < 1) {
        throw new UsageException("--refusal-rate must be at least 1 a second, not " + perSecond);
      }
      this.refusalRate = once(this.refusalRate, perSecond, "refusalRate");
      return this;
    }

    /**
     * @param burst requests at once, at least 1
     */
    Builder clientBurst(int burst) {
      this.clientBurst = once(this.clientBurst, checkPositive(burst), "clientBurst");
      return this;
    }

    /**
     * @param perSecond requests per second, above 0
     */
    Builder clientRatePerSecond(double perSecond) {
      if (!(perSecond > 0)) {
        throw new UsageException(POSITIVE);
      }
      this.clientRatePerSecond = once(this.clientRatePerSecond, perSecond, "clientRatePerSecond");
      return this;
    }

    /**
     * @param deadline zero or more
     */
    Builder shutdownDeadline(Duration deadline) {
      if (deadline.isNegative()) {
        throw new UsageException("--shutdown-timeout must be >= 0");
      }
      this.shutdownDeadline = once(this.shutdownDeadline, deadline, "shutdownDeadline");
      return this;
    }

    /**
     * @param retention zero (keep everything) or more
     */
    Builder auditRetention(Duration retention) {
      if (retention.isNegative()) {
        throw new UsageException("--audit-retention must not be negative");
      }
      this.auditRetention = once(this.auditRetention, retention, "auditRetention");
      return this;
    }

    /**
     * @param timeout 250 ms to 1 minute
     */
    Builder dbTimeout(Duration timeout) {
      if (timeout.toMillis() < 250 || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new UsageException("--db-timeout must be 250ms to 1m, not " + timeout);
      }
      this.dbTimeout = once(this.dbTimeout, timeout, "dbTimeout");
      return this;
    }

    Builder allowPureJavaCrypto(boolean allow) {
      this.allowPureJavaCrypto = once(this.allowPureJavaCrypto, allow, "allowPureJavaCrypto");
      return this;
    }

    Builder instanceId(String id) {
      String t = id.strip();
      if (t.isEmpty() || t.length() > 128 || !t.chars().allMatch(c -> c > 32 && c < 127)) {
        throw new UsageException(
            "--instance-id must be 1 to 128 printable ASCII characters without spaces, not '"
                + id
                + "'");
      }
      this.instanceId = once(this.instanceId, t, "instanceId");
      return this;
    }

    /**
     * @return the configuration
     * @throws IllegalStateException if a required value was not set
     * @throws UsageException if the client burst and rate do not make valid intake limits
     */
    DaemonConfig build() {
      DaemonConfig c =
          new DaemonConfig(
              required(home, "home"),
              required(jdbcUrl, "jdbcUrl"),
              required(masterKeyFile, "masterKeyFile"),
              dev != null && dev,
              relays == null ? List.of() : relays,
              devRelayHost == null ? "127.0.0.1" : devRelayHost,
              required(devRelayPort, "devRelayPort"),
              required(httpHost, "httpHost"),
              required(httpPort, "httpPort"),
              required(workers, "workers"),
              required(cryptoThreads, "cryptoThreads"),
              required(queueCapacity, "queueCapacity"),
              required(overflowCapacity, "overflowCapacity"),
              refusalThreads == null ? 1 : refusalThreads,
              refusalRate == null ? 3000 : refusalRate,
              required(clientBurst, "clientBurst"),
              required(clientRatePerSecond, "clientRatePerSecond"),
              required(shutdownDeadline, "shutdownDeadline"),
              auditRetention == null ? Duration.ofDays(90) : auditRetention,
              dbTimeout == null ? Duration.ofSeconds(2) : dbTimeout,
              allowPureJavaCrypto != null && allowPureJavaCrypto,
              publicUrl,
              approvalTimeout == null ? Duration.ofMinutes(5) : approvalTimeout,
              instanceId != null ? instanceId : generatedInstanceId());
      c.intakeLimits(); // fail fast: the limits are built again when the daemon starts
      return c;
    }

    /** {@code <host name>-<6 hex digits>}: readable in logs, unique enough across restarts. */
    static String generatedInstanceId() {
      String host;
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException e) {
        host = "keycast";
      }
      host = host.replaceAll("[^A-Za-z0-9.-]", "");
      if (host.isEmpty() || host.length() > 100) {
        host = "keycast";
      }
      return host
          + "-"
          + String.format(
              java.util.Locale.ROOT, "%06x", new java.security.SecureRandom().nextInt(1 << 24));
    }

    private static <T> T once(@Nullable T current, T value, String name) {
      if (current != null) {
        throw new IllegalStateException(name + " was already set");
      }
      return Objects.requireNonNull(value, name);
    }

    private static <T> T required(@Nullable T value, String name) {
      if (value == null) {
        throw new IllegalStateException(name + " was not set");
      }
      return value;
    }

    private static int checkPort(int port) {
      if (port < 0 || port > 65535) {
        throw new UsageException("ports must be 0 to 65535");
      }
      return port;
    }

    private static int checkPositive(int n) {
      if (n < 1) {
        throw new UsageException(POSITIVE);
      }
      return n;
    }
  }
}
