package dev.keycast.nip46.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.keycast.nip46.store.internal.ChangeWatches;
import dev.keycast.nip46.store.internal.Dialect;
import dev.keycast.nip46.store.internal.JdbiAuditLog;
import dev.keycast.nip46.store.internal.JdbiAuthorizationStore;
import dev.keycast.nip46.store.internal.JdbiClusterStore;
import dev.keycast.nip46.store.internal.JdbiKeyStore;
import dev.keycast.nip46.store.internal.JdbiPolicyStore;
import dev.keycast.nip46.store.internal.JdbiRememberedApprovals;
import dev.keycast.nip46.store.internal.KeyRotation;
import dev.keycast.nip46.store.internal.Migrations;
import dev.keycast.nip46.store.internal.StoreContext;
import dev.keycast.nip46.store.internal.StoreErrors;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The Keycast database: a HikariCP pool over an SQLite file (embedded default) or PostgreSQL, with
 * the schema migrated at {@link #open} and the stores built on it.
 *
 * <pre>{@code
 * MasterKey master = MasterKey.readOrGenerate(Path.of("keycast.key"));
 * try (KeycastDatabase db = KeycastDatabase.open("jdbc:sqlite:keycast.db", AesGcmKeyEncryption.create(master))) {
 *   StoredKey alice = db.keys().generate("alice");
 *   Authorization auth = db.authorizations().create(
 *       NewAuthorization.builder("alice").relays("wss://relay.example").build());
 * }
 * }</pre>
 *
 * <h2>SQLite</h2>
 *
 * WAL journal, {@code busy_timeout} (default 5 s), foreign keys on, {@code synchronous=NORMAL}; one
 * writer connection whose transactions begin {@code IMMEDIATE} (in-process writers queue on the
 * pool, other processes on SQLite's lock) and a small pool of readers. Several processes may open
 * the same file.
 *
 * <h2>PostgreSQL</h2>
 *
 * One pool; credentials in the URL ({@code jdbc:postgresql://host:5432/db?user=keycast}) or through
 * the builder. Use {@code currentSchema=...} in the URL to place the tables in a schema.
 *
 * <p>Thread-safe; the stores may be used from any number of threads (virtual threads included;
 * callers wait for a pooled connection for at most the connection timeout, then get {@link
 * DatabaseUnavailableException}).
 */
public final class KeycastDatabase implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KeycastDatabase.class);
  private static final String VERIFIER_AD = "verifier";

  private final List<HikariDataSource> pools;
  private final StoreContext ctx;
  private final KeyStore keys;
  private final AuthorizationStore authorizations;
  private final AuditLog audit;
  private final PolicyStore policies;
  private final ClusterStore cluster;
  private final RememberedApprovalStore rememberedApprovals;
  private final int schemaVersion;
  private final ChangeFeed changeFeed;

  private KeycastDatabase(
      List<HikariDataSource> pools, StoreContext ctx, int schemaVersion, ChangeFeed changeFeed) {
    this.pools = pools;
    this.changeFeed = changeFeed;
    this.ctx = ctx;
    this.schemaVersion = schemaVersion;
    this.keys = new JdbiKeyStore(ctx);
    this.authorizations = new JdbiAuthorizationStore(ctx);
    this.audit = new JdbiAuditLog(ctx);
    this.policies = new JdbiPolicyStore(ctx);
    this.cluster = new JdbiClusterStore(ctx);
    this.rememberedApprovals = new JdbiRememberedApprovals(ctx);
  }

  /**
   * Opens the database with default settings. Blocks while connecting and migrating.
   *
   * @param jdbcUrl {@code jdbc:sqlite:<file>} or {@code jdbc:postgresql://host:port/db?user=...}
   * @param keyEncryption how secrets are encrypted at rest
   * @return the open database
   * @throws IllegalArgumentException if the URL is of an unsupported database
   * @throws DatabaseUnavailableException if the database cannot be reached
   * @throws SchemaVersionException if the schema is newer than this code or a migration fails
   * @throws KeyEncryptionException if {@code keyEncryption} is not the one the database was created
   *     with (wrong master key)
   * @throws StoreException on other database failures
   */
  public static KeycastDatabase open(String jdbcUrl, KeyEncryption keyEncryption) {
    return builder(jdbcUrl).keyEncryption(keyEncryption).open();
  }

  /**
   * Starts a builder.
   *
   * @param jdbcUrl {@code jdbc:sqlite:<file>} or {@code jdbc:postgresql://host:port/db}
   * @return a builder
   */
  public static Builder builder(String jdbcUrl) {
    return new Builder(jdbcUrl);
  }

  /**
   * The schema version this code migrates to (and the newest it accepts).
   *
   * @return the latest schema version
   */
  public static int supportedSchemaVersion() {
    return Migrations.latestVersion();
  }

  /**
   * The user key store. Thread-safe.
   *
   * @return the key store
   */
  public KeyStore keys() {
    return keys;
  }

  /**
   * The authorization store. Thread-safe.
   *
   * @return the authorization store
   */
  public AuthorizationStore authorizations() {
    return authorizations;
  }

  /**
   * The audit log. Thread-safe.
   *
   * @return the audit log
   */
  public AuditLog audit() {
    return audit;
  }

  /**
   * The custom policy store (built-in policies resolve through {@link PolicyStore#resolve(String)}
   * too). Thread-safe.
   *
   * @return the policy store
   */
  public PolicyStore policies() {
    return policies;
  }

  /**
   * Returns the approvers' remembered answers, kept in the database so that they survive a restart
   * and hold on every daemon sharing it.
   *
   * @return the remembered-approval store; thread-safe
   */
  public RememberedApprovalStore rememberedApprovals() {
    return rememberedApprovals;
  }

  /**
   * Returns the cluster's members and key owners (see {@code docs/cluster.md}).
   *
   * @return the cluster store; thread-safe
   */
  public ClusterStore cluster() {
    return cluster;
  }

  /**
   * Shortcut for {@code authorizations().changeVersion()}: one primary-key read; may do I/O.
   *
   * @return the current change version
   * @throws DatabaseUnavailableException if the database cannot be reached
   */
  public long changeVersion() {
    return authorizations.changeVersion();
  }

  /**
   * The feed that wakes a consumer when anything stored changes, whichever process changed it. On
   * PostgreSQL: {@code LISTEN}/{@code NOTIFY} on a dedicated connection (every write transaction
   * notifies at commit), so the wake-up comes within milliseconds. On SQLite: {@code PRAGMA
   * data_version} read every 100 ms on a dedicated connection. For an in-memory SQLite database
   * (one connection, one process) the feed is silent. Each {@link ChangeFeed#watch} holds one
   * connection of its own, outside the pool, until closed; close watches before this database.
   *
   * @return the feed (thread-safe)
   */
  public ChangeFeed changeFeed() {
    return changeFeed;
  }

  /**
   * The schema version found (after migrating) at open.
   *
   * @return the schema version
   */
  public int schemaVersion() {
    return schemaVersion;
  }

  /**
   * Whether this is a PostgreSQL database (otherwise SQLite).
   *
   * @return true for PostgreSQL
   */
  public boolean isPostgreSql() {
    return ctx.dialect() == Dialect.POSTGRESQL;
  }

  /**
   * Re-encrypts every stored secret (user keys, bunker keys and the master-key verifier) under
   * {@code next}, in one write transaction: afterwards the database opens only with {@code next}
   * (this instance keeps decrypting with the old key encryption, so close it and open a new one).
   * Processes that run on the old key keep their cached keys; see {@link MasterKeyFileEncryption}
   * for switching them without a restart. Blocks on the database.
   *
   * @param next the new key encryption
   * @return how many keys were re-encrypted (user keys plus bunker keys)
   * @throws KeyEncryptionException if a stored secret does not decrypt under the current key (then
   *     nothing changed)
   * @throws StoreException on database failure (then nothing changed)
   */
  public int reencryptAll(KeyEncryption next) {
    return KeyRotation.reencryptAll(ctx, Objects.requireNonNull(next, "next"), VERIFIER_AD);
  }

  /**
   * Checks that the database answers (a {@code SELECT 1}), for health endpoints. Blocks for at most
   * about the connection timeout.
   *
   * @throws DatabaseUnavailableException if it does not
   */
  public void checkHealth() {
    StoreErrors.run("health check", () -> ctx.reader().withHandle(h -> h.execute("SELECT 1")));
  }

  /** Closes the connection pools. Idempotent; blocks until connections are closed. */
  @Override
  public void close() {
    for (HikariDataSource pool : pools) {
      pool.close();
    }
  }

  /**
   * Builder for {@link KeycastDatabase}; not thread-safe. Each setter may be called at most once.
   */
  public static final class Builder {
    private final String jdbcUrl;
    private @Nullable KeyEncryption keyEncryption;
    private @Nullable Integer maxPoolSize;
    private @Nullable Duration connectionTimeout;
    private @Nullable Duration busyTimeout;
    private @Nullable Duration queryTimeout;
    private @Nullable Clock clock;
    private @Nullable String username;
    private @Nullable String password;

    private Builder(String jdbcUrl) {
      this.jdbcUrl = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    }

    private static void once(@Nullable Object current, String what) {
      if (current != null) {
        throw new IllegalStateException(what + " was already set");
      }
    }

    /**
     * Sets how secrets are encrypted at rest (required).
     *
     * @param keyEncryption the scheme, for example {@link AesGcmKeyEncryption#create(MasterKey)}
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder keyEncryption(KeyEncryption keyEncryption) {
      once(this.keyEncryption, "keyEncryption");
      this.keyEncryption = Objects.requireNonNull(keyEncryption);
      return this;
    }

    /**
     * Sets the maximum number of pooled connections (PostgreSQL: the pool; SQLite: the readers, the
     * writer is always one). Default 10 for PostgreSQL, 4 for SQLite.
     *
     * @param maxPoolSize 1 to 1000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     * @throws IllegalStateException if already set
     */
    public Builder maxPoolSize(int maxPoolSize) {
      once(this.maxPoolSize, "maxPoolSize");
      if (maxPoolSize < 1 || maxPoolSize > 1000) {
        throw new IllegalArgumentException("maxPoolSize must be 1 to 1000, got " + maxPoolSize);
      }
      this.maxPoolSize = maxPoolSize;
      return this;
    }

    /**
     * Sets how long a caller waits for a pooled connection before {@link
     * DatabaseUnavailableException}. Default 5 s.
     *
     * @param timeout at least 250 ms
     * @return this builder
     * @throws IllegalArgumentException if shorter than 250 ms
     * @throws IllegalStateException if already set
     */
    public Builder connectionTimeout(Duration timeout) {
      once(this.connectionTimeout, "connectionTimeout");
      if (timeout.toMillis() < 250) {
        throw new IllegalArgumentException("connectionTimeout must be at least 250 ms");
      }
      this.connectionTimeout = timeout;
      return this;
    }

    /**
     * PostgreSQL only: the longest a statement may run ({@code statement_timeout}, which includes
     * lock waits); the socket read timeout is set a few seconds longer, so a database that stops
     * answering without closing the connection (network partition) fails the call with {@link
     * DatabaseUnavailableException} instead of hanging the caller. Default 30 s.
     *
     * @param timeout 1 second to 1 hour
     * @return this builder
     * @throws IllegalArgumentException if out of range
     * @throws IllegalStateException if already set
     */
    public Builder queryTimeout(Duration timeout) {
      once(this.queryTimeout, "queryTimeout");
      if (timeout.compareTo(Duration.ofSeconds(1)) < 0
          || timeout.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("queryTimeout must be 1 second to 1 hour");
      }
      this.queryTimeout = timeout;
      return this;
    }

    /**
     * SQLite only: how long a statement waits for another process's write lock. Default 5 s.
     *
     * @param timeout 0 to 10 minutes
     * @return this builder
     * @throws IllegalArgumentException if out of range
     * @throws IllegalStateException if already set
     */
    public Builder busyTimeout(Duration timeout) {
      once(this.busyTimeout, "busyTimeout");
      if (timeout.isNegative() || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException("busyTimeout must be 0 to 10 minutes");
      }
      this.busyTimeout = timeout;
      return this;
    }

    /**
     * Sets the clock for created/updated timestamps (tests). Default the system UTC clock.
     *
     * @param clock the clock
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder clock(Clock clock) {
      once(this.clock, "clock");
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    /**
     * PostgreSQL only: credentials, if not in the URL.
     *
     * @param username the user
     * @param password the password, or null for none (trust or peer authentication)
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder credentials(String username, @Nullable String password) {
      once(this.username, "credentials");
      this.username = Objects.requireNonNull(username);
      this.password = password;
      return this;
    }

    /**
     * Connects, migrates the schema and checks the key encryption against the database's verifier
     * row (written on first open). Blocks.
     *
     * @return the open database
     * @throws IllegalStateException if no key encryption was set
     * @throws IllegalArgumentException if the URL is of an unsupported database
     * @throws DatabaseUnavailableException if the database cannot be reached
     * @throws SchemaVersionException if the schema is newer than this code or a migration fails
     * @throws KeyEncryptionException if the key encryption (master key) does not match the database
     * @throws StoreException on other failures
     */
    public KeycastDatabase open() {
      if (keyEncryption == null) {
        throw new IllegalStateException("keyEncryption is required");
      }
      Dialect dialect = Dialect.of(jdbcUrl);
      Clock c = clock != null ? clock : Clock.systemUTC();
      Duration connTimeout = connectionTimeout != null ? connectionTimeout : Duration.ofSeconds(5);
      List<HikariDataSource> pools = new ArrayList<>();
      try {
        Jdbi writer;
        Jdbi reader;
        HikariDataSource migrator;
        ChangeFeed feed;
        if (dialect == Dialect.SQLITE) {
          boolean memory = jdbcUrl.contains(":memory:") || jdbcUrl.contains("mode=memory");
          SQLiteDataSource watchSource = sqlite(false);
          feed =
              memory ? ChangeFeed.none() : onChange -> ChangeWatches.sqlite(watchSource, onChange);
          if (!memory) {
            createPrivateFile(jdbcUrl);
          }
          HikariDataSource w = pool(sqlite(true), "keycast-sqlite-writer", 1, connTimeout, memory);
          pools.add(w);
          migrator = w;
          writer = Jdbi.create(w);
          if (memory) {
            reader = writer; // an in-memory database exists only on its one connection
          } else {
            HikariDataSource r =
                pool(
                    sqlite(false),
                    "keycast-sqlite-reader",
                    maxPoolSize != null ? maxPoolSize : 4,
                    connTimeout,
                    false);
            pools.add(r);
            reader = Jdbi.create(r);
          }
        } else {
          HikariConfig hc = new HikariConfig();
          hc.setJdbcUrl(jdbcUrl);
          if (username != null) {
            hc.setUsername(username);
            hc.setPassword(password);
          }
          hc.setPoolName("keycast-postgresql");
          hc.setMaximumPoolSize(maxPoolSize != null ? maxPoolSize : 10);
          hc.setConnectionTimeout(connTimeout.toMillis());
          Duration qt = queryTimeout != null ? queryTimeout : Duration.ofSeconds(30);
          hc.setConnectionInitSql("SET statement_timeout = " + qt.toMillis());
          // Driver properties: bound every socket read and the TCP connect, keep idle connections
          // alive.
          hc.addDataSourceProperty("socketTimeout", String.valueOf(qt.toSeconds() + 5));
          hc.addDataSourceProperty(
              "connectTimeout", String.valueOf(Math.max(1, connTimeout.toSeconds())));
          // A server that accepts the TCP connection and then says nothing (a silent network,
          // a hung server) must not hold a new connection longer than the connection timeout.
          hc.addDataSourceProperty(
              "loginTimeout", String.valueOf(Math.max(1, connTimeout.toSeconds())));
          hc.addDataSourceProperty("tcpKeepAlive", "true");
          // Flyway holds one connection for its lock and history and another for the scripts: give
          // it a pool of
          // two of its own (same settings), closed after migrating, so that a pool of one cannot
          // deadlock it.
          HikariConfig mc = new HikariConfig();
          hc.copyStateTo(mc);
          mc.setPoolName("keycast-postgresql-migrations");
          mc.setMaximumPoolSize(2);
          mc.setMinimumIdle(0);
          Properties listenerProperties = new Properties();
          listenerProperties.putAll(hc.getDataSourceProperties());
          if (username != null) {
            listenerProperties.setProperty("user", username);
            if (password != null) {
              listenerProperties.setProperty("password", password);
            }
          }
          feed = onChange -> ChangeWatches.postgresql(jdbcUrl, listenerProperties, onChange);
          HikariDataSource p = StoreErrors.run("connect", () -> new HikariDataSource(hc));
          pools.add(p);
          HikariDataSource m = StoreErrors.run("connect", () -> new HikariDataSource(mc));
          pools.add(m);
          migrator = m;
          writer = Jdbi.create(p);
          reader = writer;
        }
        if (dialect == Dialect.SQLITE) {
          enableWal(writer);
        }
        StoreContext ctx = new StoreContext(writer, reader, dialect, keyEncryption, c);
        int version =
            StoreErrors.run("migrate schema", () -> Migrations.migrate(migrator, dialect));
        if (dialect == Dialect.POSTGRESQL) {
          pools.remove(migrator);
          migrator.close();
        }
        verifyKeyEncryption(ctx);
        LOG.info(
            "opened {} database (schema version {})",
            dialect.name().toLowerCase(Locale.ROOT),
            version);
        return new KeycastDatabase(List.copyOf(pools), ctx, version, feed);
      } catch (RuntimeException e) {
        for (HikariDataSource p : pools) {
          p.close();
        }
        throw e;
      }
    }

    /**
     * Creates a new SQLite database file with POSIX mode 0600 before SQLite does (SQLite would use
     * the umask, often 0644, and gives its -wal/-shm files the main file's mode): it holds connect
     * secrets, which admit clients. Warns if an existing file is accessible to group or others.
     */
    private static void createPrivateFile(String jdbcUrl) {
      String path = jdbcUrl.substring("jdbc:sqlite:".length());
      if (path.startsWith("file:")) {
        path = path.substring("file:".length());
      }
      int q = path.indexOf('?');
      if (q >= 0) {
        path = path.substring(0, q);
      }
      if (path.isEmpty()) {
        return;
      }
      Path file = Path.of(path);
      try {
        boolean posix =
            file.toAbsolutePath().getFileSystem().supportedFileAttributeViews().contains("posix");
        if (!posix) {
          return;
        }
        Path parent = file.toAbsolutePath().getParent();
        if (Files.notExists(file) && parent != null && Files.isDirectory(parent)) {
          Files.createFile(
              file,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else if (Files.exists(file)) {
          var perms = Files.getPosixFilePermissions(file);
          if (perms.stream()
              .anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
            LOG.warn(
                "database file {} is accessible to group or others (mode {}); it holds connect secrets, "
                    + "run chmod 600 on it",
                file,
                PosixFilePermissions.toString(perms));
          }
        }
      } catch (FileAlreadyExistsException e) {
        // created concurrently by another process: fine
      } catch (IOException | RuntimeException e) {
        LOG.debug("cannot create or check database file {}", file, e);
      }
    }

    /**
     * Switches the file to WAL (persistent in the file, so readers need not). Done once on the
     * writer rather than as a connection pragma: the switch needs an exclusive lock, and several
     * processes opening a new file at once would otherwise fail with SQLITE_BUSY before
     * busy_timeout applies. Retried briefly (I/O only).
     */
    private static void enableWal(Jdbi writer) {
      for (int attempt = 1; ; attempt++) {
        try {
          String mode =
              writer.withHandle(
                  h -> h.createQuery("PRAGMA journal_mode=WAL").mapTo(String.class).one());
          if (!"wal".equalsIgnoreCase(mode) && !"memory".equalsIgnoreCase(mode)) {
            LOG.warn("SQLite journal mode is {} (WAL not supported here)", mode);
          }
          return;
        } catch (RuntimeException e) {
          StoreException typed = StoreErrors.translate("enable WAL", e);
          if (!(typed instanceof DatabaseUnavailableException) || attempt >= 15) {
            throw typed;
          }
          try {
            Thread.sleep(20L * attempt);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw typed;
          }
        }
      }
    }

    private SQLiteDataSource sqlite(boolean writer) {
      SQLiteConfig cfg = new SQLiteConfig();
      cfg.setBusyTimeout(
          (int) (busyTimeout != null ? busyTimeout : Duration.ofSeconds(5)).toMillis());
      cfg.enforceForeignKeys(true);
      cfg.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
      cfg.setTransactionMode(
          writer ? SQLiteConfig.TransactionMode.IMMEDIATE : SQLiteConfig.TransactionMode.DEFERRED);
      SQLiteDataSource ds = new SQLiteDataSource(cfg);
      ds.setUrl(jdbcUrl);
      return ds;
    }

    private static HikariDataSource pool(
        SQLiteDataSource ds, String name, int size, Duration connTimeout, boolean memory) {
      HikariConfig hc = new HikariConfig();
      hc.setDataSource(ds);
      hc.setPoolName(name);
      hc.setMaximumPoolSize(size);
      hc.setConnectionTimeout(connTimeout.toMillis());
      if (memory) {
        hc.setMaxLifetime(0);
        hc.setIdleTimeout(0);
        hc.setMinimumIdle(1);
      }
      return StoreErrors.run("open SQLite database", () -> new HikariDataSource(hc));
    }
  }

  /**
   * Writes the verifier row on first open; on later opens decrypts it to detect a wrong master key.
   */
  private static void verifyKeyEncryption(StoreContext ctx) {
    KeyEncryption enc = ctx.keyEncryption();
    byte[] canary = new byte[32];
    new SecureRandom().nextBytes(canary);
    byte[] ciphertext = enc.encrypt(canary, VERIFIER_AD);
    Arrays.fill(canary, (byte) 0);
    @SuppressWarnings(
        "ArrayRecordComponent") // a row holder, read once; never compared, hashed or printed
    record Verifier(String scheme, byte[] ciphertext) {}
    Optional<Verifier> stored =
        StoreErrors.run(
            "check master key",
            () ->
                ctx.writer()
                    .inTransaction(
                        h -> {
                          h.createUpdate(
                                  "INSERT INTO key_encryption_verifier (id, scheme, ciphertext, created_at) "
                                      + "VALUES (1, :scheme, :ct, :at) ON CONFLICT (id) DO NOTHING")
                              .bind("scheme", enc.schemeId())
                              .bind("ct", ciphertext)
                              .bind("at", ctx.clock().millis())
                              .execute();
                          return h.createQuery(
                                  "SELECT scheme, ciphertext FROM key_encryption_verifier WHERE id = 1")
                              .map(
                                  (rs, c) ->
                                      new Verifier(
                                          rs.getString("scheme"), rs.getBytes("ciphertext")))
                              .findOne();
                        }));
    Verifier v =
        stored.orElseThrow(() -> new StoreException("key encryption verifier row is missing"));
    if (!v.scheme().equals(enc.schemeId())) {
      throw new KeyEncryptionException(
          "this database's keys are encrypted with scheme '"
              + v.scheme()
              + "' but '"
              + enc.schemeId()
              + "' is configured");
    }
    try {
      byte[] plain = enc.decrypt(v.ciphertext(), VERIFIER_AD);
      Arrays.fill(plain, (byte) 0);
    } catch (KeyEncryptionException e) {
      throw new KeyEncryptionException(
          "wrong master key: it is not the key this database was created with "
              + "(use the original master key file; stored keys cannot be decrypted without it)",
          e);
    }
  }
}
