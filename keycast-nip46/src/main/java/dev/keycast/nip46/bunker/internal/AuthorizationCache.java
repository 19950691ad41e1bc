package dev.keycast.nip46.bunker.internal;

import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SchnorrSigner;
import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.policy.Policies;
import dev.keycast.nip46.policy.Policy;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.AuthorizationChanges;
import dev.keycast.nip46.store.AuthorizationStore;
import dev.keycast.nip46.store.ConnectedClient;
import dev.keycast.nip46.store.KeyStore;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signer's read-through cache over the stores: authorizations by bunker key (with the decrypted
 * bunker key), connected clients, user signing keys and policies.
 *
 * <ul>
 *   <li><b>Single flight:</b> concurrent misses for one key run one store load; the others wait for
 *       it.
 *   <li><b>Negative caching:</b> "not found" is cached for a short TTL (default 10 s), so events
 *       addressed to unknown keys or from unconnected clients cost one query per key per TTL.
 *   <li><b>Invalidation:</b> {@link #refreshIfChanged()} reads the store's change version (cheap);
 *       when it moved, it reads what changed and drops those authorizations' entries (everything,
 *       for changes it cannot attribute: deletions, policies, keys). Lookups call it themselves at
 *       most once per {@code refreshInterval} (default 1 s); in the bunker, the {@link
 *       AuthorizationWatcher} reads the changes instead, once per poll, and hands them to the cache
 *       ({@link Builder#watched()}), so a change made by another process (the CLI) is seen within
 *       about a poll interval. Entries also expire after {@code positiveTtl} (default 60 s) as a
 *       safety net.
 *   <li><b>Failures</b> (database down) are not cached: they propagate to the caller and the next
 *       lookup retries.
 *   <li><b>Bunker keys in a watched cache</b> are not loaded on demand: the watcher keeps every
 *       served authorization and its decrypted bunker key in a {@link SignerDirectory}, loaded at
 *       start, so {@link #signer} never does I/O and answers while the database is away.
 *   <li><b>Nothing outlives its entry:</b> a dropped entry (invalidated, expired, deleted) leaves
 *       no copy behind; {@link #evictExpired()} drops expired user keys even if nobody asks again.
 * </ul>
 *
 * <p>Thread-safe. Lookups may block on store I/O: call them from workers (virtual threads), never
 * from relay listener threads. No lock is held during I/O except the refresh lock, which is only
 * try-locked by lookups.
 */
public final class AuthorizationCache {
  private static final Logger LOG = LoggerFactory.getLogger(AuthorizationCache.class);

  /**
   * A user's key, with a signer prepared on first use (on the CPU executor, where signing runs).
   */
  static final class UserKey {
    private final SecretKey secretKey;
    private final LazySigner signer;

    UserKey(SecretKey secretKey) {
      this.secretKey = secretKey;
      this.signer = new LazySigner(secretKey);
    }

    SecretKey secretKey() {
      return secretKey;
    }

    /** CPU-bound the first time: call it on the CPU executor. */
    SchnorrSigner signer() {
      return signer.get();
    }

    @Override
    public String toString() {
      return "UserKey[redacted]";
    }
  }

  private record ClientKey(long authorizationId, PublicKey client) {}

  /**
   * How long a watched cache keeps a connected client (a safety net: the watcher keeps it fresh).
   */
  private static final Duration WATCHED_CLIENT_TTL = Duration.ofHours(1);

  /** The soft bound on a watched cache's client entries (about 150 bytes each). */
  private static final int WATCHED_CLIENT_ENTRIES = 1_000_000;

  private final AuthorizationStore authorizations;
  private final SingleFlightCache<PublicKey, AuthorizedSigner> signers;
  private final SingleFlightCache<ClientKey, ConnectedClient> clients;
  private final SingleFlightCache<String, UserKey> userKeys;
  private final SingleFlightCache<String, Policy> policies;
  private final Function<String, Optional<Policy>> policyResolver;
  private final long refreshIntervalNanos;
  private final LongSupplier nanoClock;
  private final ReentrantLock refreshLock = new ReentrantLock();
  private final AtomicLong lastRefreshNanos;
  private volatile long seenVersion = Long.MIN_VALUE;
  private final boolean watched;
  private final @Nullable SignerDirectory directory;
  private final Consumer<PublicKey> onSignerDropped;

  private AuthorizationCache(Builder b) {
    this.authorizations = b.authorizations;
    this.nanoClock = b.nanoClock;
    this.refreshIntervalNanos = b.refreshInterval.toNanos();
    this.watched = b.watched;
    this.directory = b.watched ? new SignerDirectory() : null;
    this.onSignerDropped = b.onSignerDropped;
    this.lastRefreshNanos = new AtomicLong(nanoClock.getAsLong() - refreshIntervalNanos);
    this.signers =
        new SingleFlightCache<>(
            pk ->
                authorizations
                    .findByBunkerPublicKey(pk)
                    .flatMap(
                        a ->
                            authorizations
                                .loadBunkerSecret(a.id())
                                .map(sk -> new AuthorizedSigner(a, sk))),
            b.positiveTtl,
            b.negativeTtl,
            b.maxEntries,
            nanoClock);
    // A watched cache holds every connected client from start (preloadClients) and the watcher
    // re-reads the clients of every authorization that changed: its entries need no short TTL, and
    // its bound leaves room for every connected client of a large deployment.
    this.clients =
        new SingleFlightCache<>(
            ck -> authorizations.findClient(ck.authorizationId(), ck.client()),
            b.watched ? WATCHED_CLIENT_TTL : b.positiveTtl,
            b.negativeTtl,
            b.watched ? Math.max(b.maxEntries, WATCHED_CLIENT_ENTRIES) : b.maxEntries,
            nanoClock);
    KeyStore keys = b.keys;
    this.userKeys =
        new SingleFlightCache<>(
            name -> keys.loadSecret(name).map(UserKey::new),
            b.positiveTtl,
            b.negativeTtl,
            b.maxEntries,
            nanoClock);
    this.policyResolver = b.policyResolver;
    this.policies =
        new SingleFlightCache<>(b.policyResolver, b.positiveTtl, b.negativeTtl, 10_000, nanoClock);
  }

  /**
   * Returns a builder.
   *
   * @param authorizations the authorization store
   * @param keys the key store
   * @return a builder with the defaults
   */
  public static Builder builder(AuthorizationStore authorizations, KeyStore keys) {
    return new Builder(authorizations, keys);
  }

  /**
   * Looks up the authorization holding a bunker key. May block on store I/O.
   *
   * @param bunkerPublicKey the signer key a request was addressed to
   * @return the authorization and its bunker key (possibly revoked or expired), or empty if none
   *     holds it
   * @throws dev.keycast.nip46.store.StoreException if the store fails (not cached)
   */
  public Optional<AuthorizedSigner> signer(PublicKey bunkerPublicKey) {
    SignerDirectory d = directory;
    if (d != null) {
      return Optional.ofNullable(d.get(bunkerPublicKey)); // in memory: never blocks, never fails
    }
    maybeRefresh();
    return signers.get(bunkerPublicKey);
  }

  /**
   * Returns the directory of every served bunker key, kept by the {@link AuthorizationWatcher}
   * ({@link Builder#watched()} caches only).
   *
   * @throws IllegalStateException if this cache is not watched
   */
  SignerDirectory directory() {
    SignerDirectory d = directory;
    if (d == null) {
      throw new IllegalStateException("not a watched cache");
    }
    return d;
  }

  /** Called by the watcher when a bunker key left the directory (deleted or no longer served). */
  void signerDropped(PublicKey bunkerPublicKey) {
    try {
      onSignerDropped.accept(bunkerPublicKey);
    } catch (RuntimeException e) {
      LOG.warn("signer-dropped hook failed", e);
    }
  }

  /**
   * Drops the entries (connected clients, user keys, policies) whose TTL has passed, so that no
   * decrypted user key outlives its TTL in memory. Never blocks.
   */
  public void evictExpired() {
    signers.evictExpired();
    clients.evictExpired();
    userKeys.evictExpired();
    policies.evictExpired();
  }

  /**
   * Looks up a connected client. May block on store I/O.
   *
   * @param authorizationId the authorization
   * @param client the client key
   * @return the connection (with granted perms), or empty when not connected
   * @throws dev.keycast.nip46.store.StoreException if the store fails (not cached)
   */
  public Optional<ConnectedClient> client(long authorizationId, PublicKey client) {
    maybeRefresh();
    return clients.get(new ClientKey(authorizationId, client));
  }

  /**
   * The client's connection if this (watched) cache holds it fresh, for a caller that must not
   * block (the request path's one-call front on the CPU executor, {@link FrontStage}): null when
   * only {@link #client} could answer (not cached, loading, expired, or a cache that is not watched
   * and so would first check for changes). Never blocks.
   */
  SingleFlightCache.@Nullable Timed<ConnectedClient> peekClient(
      long authorizationId, PublicKey client) {
    return watched ? clients.peek(new ClientKey(authorizationId, client)) : null;
  }

  /**
   * The policy as {@link #peekClient} peeks a connection: null when only {@link #policy} could
   * answer.
   */
  SingleFlightCache.@Nullable Timed<Policy> peekPolicy(String name) {
    return watched ? policies.peek(name) : null;
  }

  /**
   * Whether {@link #userKey} answers from memory (a watched cache holds the key's entry fresh, or
   * its absence): never blocks.
   */
  boolean userKeyInMemory(String keyName) {
    return watched && userKeys.peek(keyName) != null;
  }

  /** Whether {@link #signer} answers from memory (a watched cache's directory): never blocks. */
  boolean signersInMemory() {
    return directory != null;
  }

  /**
   * Resolves a policy by name (built-in or stored). May block on store I/O.
   *
   * @param name the policy name an authorization refers to
   * @return the policy, or empty if none has that name
   * @throws dev.keycast.nip46.store.StoreException if the store fails (not cached)
   */
  public Optional<Policy> policy(String name) {
    maybeRefresh();
    return policies.get(name);
  }

  /**
   * Reads an authorization, one connected client and a policy straight from the store, bypassing
   * the cache (and dropping the client's cached entry, which may be stale): for the re-check of a
   * request approved minutes after it arrived. Blocks on store I/O (three queries at most).
   *
   * @param authorizationId the authorization
   * @param client the client key
   * @return the authorization (empty if deleted), with the client's connection (null when not
   *     connected) and its policy (null when unknown)
   * @throws dev.keycast.nip46.store.StoreException if the store fails
   */
  Optional<Fresh> readFresh(long authorizationId, PublicKey client) {
    clients.invalidate(new ClientKey(authorizationId, client));
    Optional<Authorization> auth = authorizations.find(authorizationId);
    if (auth.isEmpty()) {
      return Optional.empty();
    }
    ConnectedClient connection = authorizations.findClient(authorizationId, client).orElse(null);
    Policy policy = policyResolver.apply(auth.get().policyName()).orElse(null);
    return Optional.of(new Fresh(auth.get(), connection, policy));
  }

  /**
   * What {@link #readFresh} read.
   *
   * @param authorization the authorization as stored now
   * @param connection the client's connection, or null when not connected (logged out)
   * @param policy the authorization's policy, or null when unknown
   */
  record Fresh(
      Authorization authorization,
      @org.jspecify.annotations.Nullable ConnectedClient connection,
      @org.jspecify.annotations.Nullable Policy policy) {}

  /** Looks up a user key by name, for the default handler. May block on store I/O. */
  Optional<UserKey> userKey(String keyName) {
    maybeRefresh();
    return userKeys.get(keyName);
  }

  /**
   * Decrypts and derives every bunker key of a watched cache's directory (see {@link
   * SignerDirectory#warm}); nothing for a cache that is not watched. CPU-bound: run it on a
   * platform thread of its own.
   *
   * @param stop checked between keys: true ends early
   * @return how many keys were warmed
   */
  public int warmSigners(BooleanSupplier stop) {
    SignerDirectory d = directory;
    return d == null ? 0 : d.warm(stop);
  }

  /**
   * Derives the NIP-44 conversation key of every cached connected client with its bunker key (a
   * watched cache: after {@link #warmSigners}), at most {@code max} of them, so that a client's
   * first request after start costs what its later ones do. CPU-bound (one ECDH each): run it on a
   * platform thread of its own.
   *
   * @param derive derives (and caches) the key for a bunker secret key and a client public key
   * @param max how many to derive at most (the conversation key cache's room)
   * @param stop checked between clients: true ends early
   * @return how many were derived
   */
  public int warmConversations(
      java.util.function.BiConsumer<dev.keycast.crypto.SecretKey, PublicKey> derive,
      int max,
      BooleanSupplier stop) {
    SignerDirectory d = directory;
    if (d == null) {
      return 0;
    }
    Map<Long, AuthorizedSigner> signers = d.byAuthorization();
    int n = 0;
    for (ClientKey k : clients.keys()) {
      if (n >= max || stop.getAsBoolean()) {
        break;
      }
      AuthorizedSigner s = signers.get(k.authorizationId());
      if (s == null) {
        continue;
      }
      try {
        derive.accept(s.bunkerKey(), k.client());
        n++;
      } catch (RuntimeException e) { // a key that does not decrypt: its requests report it
      }
    }
    return n;
  }

  /**
   * Puts connected clients read in bulk (the watcher's first poll) into the cache, so that a first
   * request finds its client in memory. Never blocks.
   *
   * @param all the connected clients
   */
  void preloadClients(List<ConnectedClient> all) {
    for (ConnectedClient c : all) {
      clients.put(new ClientKey(c.authorizationId(), c.clientPublicKey()), Optional.of(c));
    }
  }

  /**
   * Drops one client's cached connection (after connect or logout through this process). Never
   * blocks.
   */
  public void invalidateClient(long authorizationId, PublicKey client) {
    clients.invalidate(new ClientKey(authorizationId, client));
  }

  /** Drops every entry. Never blocks. */
  public void invalidateAll() {
    signers.invalidateAll();
    clients.invalidateAll();
    userKeys.invalidateAll();
    policies.invalidateAll();
  }

  /**
   * Reads the store's change version and drops every entry if it moved since the last call. Blocks
   * for one cheap query. Concurrent callers do not wait: if a refresh is running, they return
   * {@code false} at once.
   *
   * @return {@code true} if the version moved and the cache was cleared
   * @throws dev.keycast.nip46.store.StoreException if the store fails
   */
  public boolean refreshIfChanged() {
    long before = seenVersion;
    return refresh() != before;
  }

  /**
   * Reads the store's change version and, if it moved, drops the entries the changes touched;
   * returns the version. Blocks for one cheap query (two when it moved). If another thread is
   * refreshing, returns the last version seen without waiting.
   *
   * @return the store's change version as last seen
   * @throws dev.keycast.nip46.store.StoreException if the store fails
   */
  public long refresh() {
    if (!refreshLock.tryLock()) {
      return seenVersion;
    }
    try {
      lastRefreshNanos.set(nanoClock.getAsLong());
      long v = authorizations.changeVersion();
      if (v != seenVersion) {
        if (seenVersion == Long.MIN_VALUE) {
          seenVersion =
              v; // the first read only sets the baseline: entries loaded so far are as fresh as it
        } else {
          AuthorizationChanges changes = authorizations.changesSince(seenVersion);
          apply(changes);
          seenVersion = Math.max(v, changes.version());
        }
      }
      return seenVersion;
    } finally {
      refreshLock.unlock();
    }
  }

  /**
   * Drops what a change touched: the changed authorizations' bunker keys and connected clients.
   * Anything the change set does not describe (deletions, policy or key changes, a bare version
   * bump) clears everything.
   */
  private void apply(AuthorizationChanges changes) {
    if (changes.isEmpty() || !changes.deletedIds().isEmpty()) {
      invalidateAll();
      LOG.debug("store changed (version {}): cache cleared", changes.version());
      return;
    }
    Set<Long> ids = new HashSet<>();
    for (Authorization a : changes.changed()) {
      ids.add(a.id());
      signers.invalidate(a.bunkerPublicKey());
    }
    Set<ClientKey> warm = new HashSet<>();
    for (ClientKey k : clients.keys()) {
      if (ids.contains(k.authorizationId())) {
        warm.add(k);
      }
    }
    clients.invalidateIf(k -> ids.contains(k.authorizationId()));
    if (watched) {
      rewarm(warm);
    }
    LOG.debug(
        "store changed (version {}): {} authorization(s) dropped from the cache",
        changes.version(),
        ids.size());
  }

  /**
   * Reloads the connected clients that were cached for the changed authorizations, one query per
   * authorization, right after the change was read (the database answered a moment ago): a change
   * to an authorization (its own connects included) must not leave its warm clients cold, or a
   * database outage that follows would stop serving them. A failure leaves them dropped (loaded on
   * demand, as before).
   */
  private void rewarm(Set<ClientKey> warm) {
    Set<Long> ids = new HashSet<>();
    for (ClientKey k : warm) {
      ids.add(k.authorizationId());
    }
    try {
      for (long id : ids) {
        java.util.Map<PublicKey, ConnectedClient> now = new java.util.HashMap<>();
        for (ConnectedClient c : authorizations.listClients(id)) {
          now.put(c.clientPublicKey(), c);
        }
        for (ClientKey k : warm) {
          if (k.authorizationId() == id) {
            clients.put(k, Optional.ofNullable(now.get(k.client())));
          }
        }
      }
    } catch (RuntimeException e) {
      LOG.debug("re-warming connected clients failed; they load on demand: {}", e.toString());
    }
  }

  /** Returns how many store loads all lookups have run (for tests and metrics). */
  public long loadCount() {
    return signerLoadCount() + clients.loadCount() + userKeys.loadCount();
  }

  /**
   * Returns how many authorization (bunker key) loads ran: one per key for a watched cache (its
   * directory loads each served key once), one per miss otherwise.
   */
  public long signerLoadCount() {
    SignerDirectory d = directory;
    return signers.loadCount() + (d == null ? 0 : d.loadCount());
  }

  /**
   * Drops what a change the {@link AuthorizationWatcher} read touched, for a cache whose lookups do
   * not read the change version themselves ({@link Builder#watched()}). Never blocks.
   *
   * @param changes what changed since the watcher's previous read
   */
  void changed(AuthorizationChanges changes) {
    apply(changes);
  }

  private void maybeRefresh() {
    if (watched) {
      return;
    }
    long now = nanoClock.getAsLong();
    long last = lastRefreshNanos.get();
    if (now - last >= refreshIntervalNanos && lastRefreshNanos.compareAndSet(last, now)) {
      try {
        refreshIfChanged();
      } catch (RuntimeException e) {
        // The lookup that follows reports the store failure to its caller; nothing to add here.
        LOG.debug("change version check failed", e);
      }
    }
  }

  /** Builds an {@link AuthorizationCache}. Not thread-safe. */
  public static final class Builder {
    private final AuthorizationStore authorizations;
    private final KeyStore keys;
    private Duration positiveTtl = Duration.ofSeconds(60);
    private Duration negativeTtl = Duration.ofSeconds(10);
    private Duration refreshInterval = Duration.ofSeconds(1);
    private int maxEntries = 100_000;
    private LongSupplier nanoClock = System::nanoTime;
    private Function<String, Optional<Policy>> policyResolver = Policies::builtIn;
    private boolean watched;
    private Consumer<PublicKey> onSignerDropped = k -> {};

    private Builder(AuthorizationStore authorizations, KeyStore keys) {
      this.authorizations = Objects.requireNonNull(authorizations, "authorizations");
      this.keys = Objects.requireNonNull(keys, "keys");
    }

    /**
     * Sets how long a found entry is kept at most.
     *
     * @param ttl how long a found entry is kept at most (a safety net behind change detection)
     */
    public Builder positiveTtl(Duration ttl) {
      this.positiveTtl = ttl;
      return this;
    }

    /**
     * Sets how long a miss is kept.
     *
     * @param ttl how long a miss is kept
     */
    public Builder negativeTtl(Duration ttl) {
      this.negativeTtl = ttl;
      return this;
    }

    /**
     * Sets how often lookups check the change version at most.
     *
     * @param interval how often lookups check the change version at most
     */
    public Builder refreshInterval(Duration interval) {
      this.refreshInterval = interval;
      return this;
    }

    /**
     * Sets how policy names resolve.
     *
     * @param resolver resolves policy names (default: built-in policies only; with a database, pass
     *     {@code db.policies()::resolve}); may block on I/O, results are cached like everything
     *     else
     */
    public Builder policies(Function<String, Optional<Policy>> resolver) {
      this.policyResolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    /**
     * Lookups never read the change version: an {@link AuthorizationWatcher} reads the store's
     * changes once per poll and hands them to {@link #changed}, so the store is not read twice for
     * the same changes.
     */
    public Builder watched() {
      this.watched = true;
      return this;
    }

    /**
     * Sets what runs when a watched cache drops a bunker key (its authorization deleted, or revoked
     * or expired over a day ago), e.g. to forget the conversation keys derived from it. Fast, never
     * blocks.
     *
     * @param hook receives the dropped key's public key
     */
    public Builder onSignerDropped(Consumer<PublicKey> hook) {
      this.onSignerDropped = Objects.requireNonNull(hook, "hook");
      return this;
    }

    /**
     * Sets the soft bound on entries per map.
     *
     * @param max soft bound on entries per map
     */
    public Builder maxEntries(int max) {
      this.maxEntries = max;
      return this;
    }

    /** Builds. @throws IllegalArgumentException on negative durations or a non-positive size */
    public AuthorizationCache build() {
      if (positiveTtl.isNegative()
          || negativeTtl.isNegative()
          || refreshInterval.isNegative()
          || maxEntries < 1) {
        throw new IllegalArgumentException("durations must be >= 0 and maxEntries >= 1");
      }
      return new AuthorizationCache(this);
    }
  }
}
