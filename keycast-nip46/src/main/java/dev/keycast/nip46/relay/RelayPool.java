package dev.keycast.nip46.relay;

import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.Filter;
import dev.keycast.nip46.RelayException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client to several Nostr relays over WebSockets ({@code ws://} and {@code wss://}).
 *
 * <p>Each relay gets its own connection, kept open by a loop on a virtual thread: a dropped
 * connection is retried with exponential backoff and jitter (capped), and an idle one is pinged and
 * dropped when silent. Subscriptions ({@link #subscribe}) apply to every relay of the pool;
 * replacing one re-sends its {@code REQ}; after a reconnect every subscription is re-sent, resuming
 * from the disconnect time minus an overlap so that nothing published while away is missed (from
 * relays that store it). Incoming events go to the {@link RelayListener} with the relay URL they
 * came from; duplicates across relays are <em>not</em> removed (that is the consumer's job). {@link
 * #publish} sends an event and reports each relay's {@code OK}, waiting for relays that are
 * reconnecting up to the publish timeout.
 *
 * <p>Relay URLs are normalised ({@link #normalizeUrl}): scheme and host lower-case, a bare trailing
 * {@code /} removed. Maps returned by this class are keyed by the normalised form.
 *
 * <p>Threads: each relay has a connect loop and a publish-timeout sweeper, each on its own virtual
 * thread, and while connected a reader and a writer loop on the pool's executor (two platform
 * threads, {@code keycast-relay-io-N}, unless configured otherwise). Listener calls happen on those
 * threads (events on the reader loop, state changes mostly on the connect loop). Methods of this
 * class never block (except {@link #close()}, briefly) and are safe to call from any thread; a
 * {@link ReentrantLock} (never {@code synchronized}) guards membership changes, and no lock is held
 * across I/O.
 */
public final class RelayPool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RelayPool.class);

  private final RelayPoolConfig config;
  private final RelayListener listener;
  private final @Nullable ExecutorService ownedExecutor;
  private final ExecutorService io;
  private final ReentrantLock lock = new ReentrantLock();

  /** Guarded by lock for writes; read lock-free. */
  private final Map<String, RelayConnection> relays = new ConcurrentHashMap<>();

  /** Subscriptions; values are immutable lists. */
  private final Map<String, List<Filter>> subscriptions = new ConcurrentHashMap<>();

  /**
   * What the connections read on connect and subscribe: a live, read-only, weakly consistent view.
   */
  private final Map<String, List<Filter>> subscriptionsView =
      Collections.unmodifiableMap(subscriptions);

  private volatile boolean closed;

  private RelayPool(RelayPoolConfig config, RelayListener listener) {
    this.config = config;
    this.listener = listener;
    ExecutorService executor = config.executor();
    if (executor == null) {
      // Platform threads: two per connected relay, each blocked in its socket or its queue for the
      // connection's life. A virtual thread's read went through the JDK's poller threads on every
      // message (a wake-up of the poller, then of the reader's carrier): measured 70-90 us of the
      // daemon's CPU per request more (docs/BENCHMARKS.md, issue 15).
      ownedExecutor =
          Executors.newThreadPerTaskExecutor(
              Thread.ofPlatform().daemon().name("keycast-relay-io-", 0).factory());
      executor = ownedExecutor;
    } else {
      ownedExecutor = null;
    }
    this.io = executor;
  }

  /**
   * Creates a pool with no relays. Add relays with {@link #addRelay} or {@link #setRelays}; nothing
   * connects before.
   *
   * @param config the settings
   * @param listener receives incoming events (must be fast and non-blocking)
   * @return the pool
   */
  public static RelayPool create(RelayPoolConfig config, RelayListener listener) {
    return new RelayPool(config, listener);
  }

  /**
   * Normalises a relay URL: checks it is a {@code ws://} or {@code wss://} URL with a host,
   * lower-cases the scheme and host, removes a bare trailing {@code /}.
   *
   * @param url the URL
   * @return the normalised URL
   * @throws IllegalArgumentException if the URL is not a valid {@code ws(s)://} URL
   */
  public static String normalizeUrl(String url) {
    URI u;
    try {
      u = new URI(url.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("relay URL is not a valid URI", e);
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("ws") && !scheme.equals("wss")) {
      throw new IllegalArgumentException("relay URL must start with ws:// or wss://");
    }
    if (u.getHost() == null || u.getHost().isEmpty()) {
      throw new IllegalArgumentException("relay URL has no host");
    }
    String path = u.getRawPath() == null || u.getRawPath().equals("/") ? "" : u.getRawPath();
    String query = u.getRawQuery() == null ? "" : "?" + u.getRawQuery();
    String port = u.getPort() < 0 ? "" : ":" + u.getPort();
    return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + port + path + query;
  }

  /**
   * Adds a relay and starts connecting to it (in the background). Adding a relay already in the
   * pool does nothing. Never blocks.
   *
   * @param url a {@code ws://} or {@code wss://} URL
   * @return the normalised URL
   * @throws IllegalArgumentException if the URL is invalid
   * @throws RelayException if the pool is closed
   */
  public String addRelay(String url) {
    if (relays.containsKey(url)) { // the normalised form of a relay already in the pool
      if (closed) {
        throw new RelayException("relay pool is closed");
      }
      return url; // as every publish to a known relay: no parse, no lock (issue 15)
    }
    String normalized = normalizeUrl(url);
    RelayConnection started = null;
    lock.lock();
    try {
      if (closed) {
        throw new RelayException("relay pool is closed");
      }
      if (!relays.containsKey(normalized)) {
        started = new RelayConnection(normalized, () -> subscriptionsView, config, io, listener);
        relays.put(normalized, started);
      }
    } finally {
      lock.unlock();
    }
    if (started != null) {
      started.start();
    }
    return normalized;
  }

  /**
   * Removes a relay: closes its connection and completes its pending publishes as not sent. Never
   * blocks.
   *
   * @param url the relay URL (normalised or not)
   * @return true if it was in the pool
   * @throws IllegalArgumentException if the URL is invalid
   */
  public boolean removeRelay(String url) {
    String normalized = normalizeUrl(url);
    RelayConnection removed;
    lock.lock();
    try {
      removed = relays.remove(normalized);
    } finally {
      lock.unlock();
    }
    if (removed != null) {
      removed.close();
    }
    return removed != null;
  }

  /**
   * Makes the pool's relays exactly {@code urls}: adds the missing ones, removes the others. Never
   * blocks.
   *
   * @param urls the relay URLs
   * @throws IllegalArgumentException if a URL is invalid (nothing is changed then)
   * @throws RelayException if the pool is closed
   */
  public void setRelays(Collection<String> urls) {
    Set<String> wanted = new LinkedHashSet<>();
    for (String u : urls) {
      wanted.add(normalizeUrl(u));
    }
    for (String existing : List.copyOf(relays.keySet())) {
      if (!wanted.contains(existing)) {
        removeRelay(existing);
      }
    }
    wanted.forEach(this::addRelay);
  }

  /**
   * The relays in the pool.
   *
   * @return a snapshot of the normalised URLs
   */
  public Set<String> relays() {
    return Set.copyOf(relays.keySet());
  }

  /**
   * Opens or replaces a subscription on every relay (present and future). Connected relays get the
   * {@code REQ} now, the others when they connect. Never blocks.
   *
   * @param subscriptionId the id, 1–64 characters
   * @param filters the filters (OR-ed), at least one
   * @throws IllegalArgumentException if the id or filters are invalid
   */
  public void subscribe(String subscriptionId, List<Filter> filters) {
    if (subscriptionId.isEmpty() || subscriptionId.length() > 64) {
      throw new IllegalArgumentException("subscription id must be 1-64 characters");
    }
    if (filters.isEmpty()) {
      throw new IllegalArgumentException("a subscription needs at least one filter");
    }
    // Write the map first: a connection that opens concurrently reads it under its own lock, so
    // every relay ends up
    // with the latest filters (see RelayConnection.subscribe).
    subscriptions.put(subscriptionId, List.copyOf(filters));
    for (RelayConnection c : relays.values()) {
      c.subscribe(subscriptionId);
    }
  }

  /**
   * Closes a subscription on every relay. Never blocks.
   *
   * @param subscriptionId the id
   * @return true if the subscription existed
   */
  public boolean unsubscribe(String subscriptionId) {
    boolean existed = subscriptions.remove(subscriptionId) != null;
    for (RelayConnection c : relays.values()) {
      c.unsubscribe(subscriptionId);
    }
    return existed;
  }

  /**
   * The current subscriptions.
   *
   * @return an immutable snapshot, id to filters
   */
  public Map<String, List<Filter>> subscriptions() {
    return Map.copyOf(subscriptions);
  }

  /**
   * Publishes an event to the given relays, adding those not yet in the pool. Never blocks.
   *
   * <p>The future completes when every relay has answered {@code OK}, or when the publish timeout
   * has passed for the rest (they report {@link PublishResult.Outcome#TIMED_OUT}); it never
   * completes exceptionally. A relay that is reconnecting receives the event when it is back,
   * within the timeout.
   *
   * @param event the signed event (not verified here)
   * @param relayUrls the relays, at least one
   * @return the per-relay result
   * @throws IllegalArgumentException if a URL is invalid or none is given
   * @throws RelayException if the pool is closed
   */
  public CompletableFuture<PublishResult> publish(SignedEvent event, Collection<String> relayUrls) {
    if (relayUrls.isEmpty()) {
      throw new IllegalArgumentException("publish needs at least one relay");
    }
    Map<String, CompletableFuture<PublishResult.Ack>> acks = new LinkedHashMap<>();
    for (String url : relayUrls) {
      String normalized = addRelay(url);
      RelayConnection c = relays.get(normalized);
      acks.put(normalized, c == null ? relayRemoved() : c.publish(event));
    }
    return combine(event, acks);
  }

  /**
   * Publishes like {@link #publish(SignedEvent, Collection)}, but with flow control. When
   * <em>no</em> relay of {@code relayUrls} has room (each already has {@link
   * RelayPoolConfig#maxPendingPerRelay()} publishes waiting for their {@code OK}), waits up to
   * {@code maxWaitForRoom} on a connected one for room instead of reporting {@link
   * PublishResult.Outcome#NOT_SENT} everywhere at once. A producer faster than its relays (a
   * signer's replies under a burst) thus slows to their pace rather than losing events, while one
   * slow relay among several never holds the caller back (the others take the event; the slow one
   * reports {@code NOT_SENT}). Relays that are not connected get no wait. Blocks up to {@code
   * maxWaitForRoom} per full relay, only while no relay has taken the event: call it from a virtual
   * thread, never from a relay I/O thread.
   *
   * @param event the signed event (not verified here)
   * @param relayUrls the relays, at least one
   * @param maxWaitForRoom the longest wait for room on each relay
   * @return the per-relay result, completing as for {@code publish}
   * @throws InterruptedException if interrupted while waiting for room (nothing more is published)
   * @throws IllegalArgumentException if a URL is invalid or none is given
   * @throws RelayException if the pool is closed
   */
  public CompletableFuture<PublishResult> publishWaitingForRoom(
      SignedEvent event, Collection<String> relayUrls, Duration maxWaitForRoom)
      throws InterruptedException {
    if (relayUrls.isEmpty()) {
      throw new IllegalArgumentException("publish needs at least one relay");
    }
    long waitNanos = maxWaitForRoom.toNanos();
    Map<String, CompletableFuture<PublishResult.Ack>> acks = new LinkedHashMap<>();
    Map<String, RelayConnection> full = new LinkedHashMap<>();
    boolean taken = false;
    for (String url : relayUrls) {
      String normalized = addRelay(url);
      RelayConnection c = relays.get(normalized);
      CompletableFuture<PublishResult.Ack> f = c == null ? relayRemoved() : c.tryPublish(event);
      acks.put(normalized, f); // a null placeholder keeps the order of relayUrls
      if (f == null) {
        full.put(normalized, c);
      } else if (c != null) {
        taken = true;
      }
    }
    for (Map.Entry<String, RelayConnection> e : full.entrySet()) {
      RelayConnection c = e.getValue();
      CompletableFuture<PublishResult.Ack> f =
          taken ? c.publish(event) : c.publishWaitingForRoom(event, waitNanos);
      acks.put(e.getKey(), f);
      taken |= !f.isDone() || f.join().outcome() != PublishResult.Outcome.NOT_SENT;
    }
    return combine(event, acks);
  }

  private static CompletableFuture<PublishResult.Ack> relayRemoved() {
    return CompletableFuture.completedFuture(
        new PublishResult.Ack(PublishResult.Outcome.NOT_SENT, "relay removed"));
  }

  private static CompletableFuture<PublishResult> combine(
      SignedEvent event, Map<String, CompletableFuture<PublishResult.Ack>> acks) {
    if (acks.size() == 1) { // the common case: one future and one map less
      Map.Entry<String, CompletableFuture<PublishResult.Ack>> only =
          acks.entrySet().iterator().next();
      String url = only.getKey();
      return only.getValue().thenApply(ack -> new PublishResult(event.id(), Map.of(url, ack)));
    }
    return CompletableFuture.allOf(acks.values().toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              Map<String, PublishResult.Ack> result = new LinkedHashMap<>();
              acks.forEach((url, f) -> result.put(url, f.join()));
              return new PublishResult(event.id(), result);
            });
  }

  /**
   * Publishes an event to every relay of the pool. Never blocks.
   *
   * @param event the signed event
   * @return the per-relay result, as {@link #publish(SignedEvent, Collection)}
   * @throws RelayException if the pool is closed or has no relays
   */
  public CompletableFuture<PublishResult> publish(SignedEvent event) {
    List<String> all = new ArrayList<>(relays.keySet());
    if (all.isEmpty()) {
      throw new RelayException("relay pool has no relays");
    }
    return publish(event, all);
  }

  /**
   * A snapshot of every relay's state and counters, for health checks. Never blocks for long.
   *
   * @return normalised URL to status, sorted by URL
   */
  public Map<String, RelayStatus> status() {
    Map<String, RelayStatus> out = new TreeMap<>();
    for (RelayConnection c : relays.values()) {
      out.put(c.url, c.status());
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Closes every connection, completes pending publishes as not sent, and shuts down the I/O
   * executor if the pool owns it. Frames already queued on a connected relay (an event published
   * just before) are sent before the close frame. Blocks up to about four seconds in total.
   * Idempotent.
   */
  @Override
  public void close() {
    List<RelayConnection> all;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      all = new ArrayList<>(relays.values());
      relays.clear();
    } finally {
      lock.unlock();
    }
    all.forEach(RelayConnection::close);
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(4).toNanos();
      for (RelayConnection c : all) {
        c.awaitTermination(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (ownedExecutor != null) {
      ownedExecutor.shutdownNow();
    }
    LOG.debug("relay pool closed");
  }
}
