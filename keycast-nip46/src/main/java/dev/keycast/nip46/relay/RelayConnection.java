package dev.keycast.nip46.relay;

import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.ClientMessage;
import dev.keycast.nip46.Filter;
import dev.keycast.nip46.NostrFormatException;
import dev.keycast.nip46.RelayMessage;
import dev.keycast.nip46.RelayMessages;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One relay of a {@link RelayPool}: a connect loop on its own virtual thread, the session's
 * subscriptions and the dispatch of incoming messages. Not API. Its parts: {@link RelayWebSocket}
 * is one session's socket, {@link RelaySocketListener} takes what arrives on it, {@link
 * PendingPublishes} holds the publishes waiting for their {@code OK} (flow control), {@link
 * ReconnectBackoff} spaces reconnects and re-sent subscriptions. The pool's subscriptions come from
 * a supplier (no pointer back to the pool).
 *
 * <p>Threads: the connect loop (its own virtual thread) opens, pings and drops the socket; the
 * socket's reader loop delivers messages ({@link #onMessage}, sequential per session) and its
 * writer loop sends what {@link #enqueue} queued ({@link RelayWebSocket}); callers of the pool
 * subscribe and publish from any thread; a virtual thread times out publishes without their {@code
 * OK} ({@link PendingPublishes#expire}); a short-lived virtual thread waits before re-sending a
 * subscription the relay closed.
 *
 * <p>Locking: {@link #lock} guards the connection fields (state, socket, session subscriptions). It
 * is held only to read/modify them and to enqueue frames (which never blocks), never across a
 * blocking wait.
 */
final class RelayConnection {
  private static final Logger LOG = LoggerFactory.getLogger(RelayConnection.class);

  /** A session that lasted this long resets the backoff. */
  private static final long STABLE_SESSION_NANOS = TimeUnit.SECONDS.toNanos(10);

  final String url;
  private final URI uri;
  private final Supplier<Map<String, List<Filter>>> subscriptions;
  private final RelayPoolConfig config;
  private final ReconnectBackoff backoff;
  private final Executor io;
  private final RelayListener listener;

  private final ReentrantLock lock = new ReentrantLock();
  // Guarded by lock.
  private RelayState state = RelayState.CONNECTING;
  private @Nullable RelayWebSocket socket;
  private @Nullable RelaySocketListener session;
  private final Set<String> sessionSubscriptions = new HashSet<>();
  private Set<String> previousSessionSubscriptions = Set.of();
  private long disconnectedAtSeconds = -1;
  private @Nullable Instant connectedSince;
  private @Nullable String lastError;
  private @Nullable Instant lastErrorAt;

  private final AtomicInteger queuedFrames = new AtomicInteger();
  private final PendingPublishes publishes;

  /** Consecutive CLOSED answers per subscription, for the resubscribe backoff. */
  private final Map<String, Integer> closedRetries = new ConcurrentHashMap<>();

  private volatile boolean closed;

  /**
   * Completes when close() has flushed and closed the socket (already complete when there was
   * none).
   */
  private volatile CompletableFuture<?> closing = CompletableFuture.completedFuture(null);

  /** About how long close() waits for queued frames to go out before it stops waiting. */
  private static final long DRAIN_MILLIS = 2000;

  private @Nullable Thread loop;
  private @Nullable Thread sweeper;

  private final AtomicLong connectAttempts = new AtomicLong();
  private final AtomicLong connects = new AtomicLong();
  private final AtomicLong eventsReceived = new AtomicLong();
  private final AtomicLong messagesDropped = new AtomicLong();

  /**
   * @param url the normalised relay URL
   * @param subscriptions the pool's current subscriptions, id to filters (read on every connect and
   *     subscribe)
   * @param config the pool settings
   * @param io runs each session's reader and writer loops (virtual threads); {@code wss} relays use
   *     the JVM's default TLS context
   * @param listener receives incoming events and state changes
   */
  RelayConnection(
      String url,
      Supplier<Map<String, List<Filter>>> subscriptions,
      RelayPoolConfig config,
      Executor io,
      RelayListener listener) {
    this.url = url;
    this.uri = URI.create(url);
    this.subscriptions = subscriptions;
    this.config = config;
    this.backoff = new ReconnectBackoff(config.initialBackoff(), config.maxBackoff());
    this.publishes =
        new PendingPublishes(config.maxPendingPerRelay(), config.publishTimeout(), new Link());
    this.io = io;
    this.listener = listener;
  }

  void start() {
    loop = Thread.ofVirtual().name("keycast-relay " + url).start(this::run);
    sweeper = Thread.ofVirtual().name("keycast-relay-timeouts " + url).start(this::sweep);
  }

  /**
   * Times out publishes without their {@code OK} ({@link PendingPublishes#expire}) until closed.
   */
  private void sweep() {
    long interval = publishes.sweepInterval();
    while (!closed) {
      try {
        TimeUnit.NANOSECONDS.sleep(interval);
      } catch (InterruptedException e) {
        return; // close(), which fails what is still pending
      }
      publishes.expire(System.nanoTime());
    }
  }

  // ---- the connect loop (its own virtual thread) ----

  private void run() {
    int failures = 0;
    while (!closed) {
      setState(RelayState.CONNECTING);
      connectAttempts.incrementAndGet();
      RelaySocketListener current =
          new RelaySocketListener(
              url, config.maxMessageChars(), this::onMessage, messagesDropped::incrementAndGet);
      RelayWebSocket ws;
      try {
        ws =
            RelayWebSocket.connect(
                uri, config.connectTimeout(), null, current.maxMessageBytes(), io, current);
      } catch (IOException e) {
        if (closed) {
          break; // close() interrupted the connect, which closed its socket
        }
        recordError("connect failed: " + describe(e));
        failures++;
        if (!sleepBeforeRetry(failures)) {
          break;
        }
        continue;
      }
      long startNanos = System.nanoTime();
      if (!onConnected(ws, current)) {
        ws.abort();
        break;
      }
      try {
        awaitSessionEnd(ws, current);
      } catch (InterruptedException e) {
        // Interrupted by close(), which drains queued frames, sends a close frame and then aborts
        // the socket.
        break;
      }
      ws.abort();
      onDisconnected();
      if (closed) {
        break;
      }
      failures = System.nanoTime() - startNanos > STABLE_SESSION_NANOS ? 1 : failures + 1;
      if (!sleepBeforeRetry(failures)) {
        break;
      }
    }
    setState(RelayState.CLOSED);
  }

  /**
   * Waits until the socket closes or fails, pinging it when idle and dropping it when silent for
   * too long.
   */
  private void awaitSessionEnd(RelayWebSocket ws, RelaySocketListener session)
      throws InterruptedException {
    long pingMillis = config.pingInterval().toMillis();
    while (!closed) {
      try {
        session.ended.get(pingMillis, TimeUnit.MILLISECONDS);
        recordError("disconnected: " + session.closeReason());
        return;
      } catch (ExecutionException e) {
        recordError("connection failed: " + describe(e.getCause()));
        return;
      } catch (TimeoutException e) {
        if (System.nanoTime() - session.lastReceivedNanos()
            > TimeUnit.MILLISECONDS.toNanos(3 * pingMillis)) {
          recordError("no traffic for " + 3 * pingMillis + " ms; dropping the connection");
          return;
        }
        // Not awaited: a failed write ends the session, and the silence check above covers the
        // rest.
        var unused = ws.sendPing();
      }
    }
  }

  /** Sleeps before the next attempt. Returns false if the connection was closed meanwhile. */
  private boolean sleepBeforeRetry(int failures) {
    if (closed) {
      return false;
    }
    setState(RelayState.BACKOFF);
    try {
      Thread.sleep(backoff.delayMillis(failures));
      return !closed;
    } catch (InterruptedException e) {
      return false;
    }
  }

  /**
   * Marks the session open and sends subscriptions and pending publishes; false if closed
   * meanwhile.
   */
  private boolean onConnected(RelayWebSocket ws, RelaySocketListener s) {
    lock.lock();
    try {
      if (closed) {
        return false;
      }
      socket = ws;
      session = s;
      queuedFrames.set(0);
      state = RelayState.CONNECTED;
      connectedSince = Instant.now();
      s.markAlive();
      connects.incrementAndGet();
      sessionSubscriptions.clear();
      for (Map.Entry<String, List<Filter>> sub : subscriptions.get().entrySet()) {
        enqueue(
            RelayMessages.toJson(
                new ClientMessage.Req(sub.getKey(), resumeFilters(sub.getKey(), sub.getValue()))));
        sessionSubscriptions.add(sub.getKey());
      }
      publishes.forEachAwaitingOk(this::enqueueEvent);
    } finally {
      lock.unlock();
    }
    LOG.info("relay {} connected", url);
    notifyState(RelayState.CONNECTED);
    return true;
  }

  /**
   * Filters to send for a subscription on a new session. A subscription that was active on the
   * previous session resumes from the disconnect time minus the overlap, so that events published
   * while away are fetched (from relays that store them) without replaying everything since the
   * original {@code since}. Caller holds lock.
   */
  private List<Filter> resumeFilters(String subscriptionId, List<Filter> filters) {
    if (disconnectedAtSeconds < 0 || !previousSessionSubscriptions.contains(subscriptionId)) {
      return filters;
    }
    long since = Math.max(0, disconnectedAtSeconds - config.resubscribeOverlap().toSeconds());
    List<Filter> out = new ArrayList<>(filters.size());
    for (Filter f : filters) {
      out.add(f.withSince(since));
    }
    return out;
  }

  private void onDisconnected() {
    lock.lock();
    try {
      socket = null;
      session = null;
      connectedSince = null;
      previousSessionSubscriptions = Set.copyOf(sessionSubscriptions);
      sessionSubscriptions.clear();
      disconnectedAtSeconds = Instant.now().getEpochSecond();
      if (!closed) {
        state = RelayState.BACKOFF;
      }
    } finally {
      lock.unlock();
    }
    if (!closed) {
      LOG.warn("relay {}: {}", url, lastError);
      notifyState(RelayState.BACKOFF);
    }
  }

  private void setState(RelayState s) {
    boolean changed;
    lock.lock();
    try {
      changed = state != s && state != RelayState.CLOSED;
      if (changed) {
        state = s;
      }
    } finally {
      lock.unlock();
    }
    if (changed) {
      notifyState(s);
    }
  }

  private void notifyState(RelayState s) {
    try {
      listener.onStateChange(url, s);
    } catch (RuntimeException e) {
      LOG.warn("relay listener failed on a state change", e);
    }
  }

  private void recordError(String message) {
    lock.lock();
    try {
      lastError = message;
      lastErrorAt = Instant.now();
    } finally {
      lock.unlock();
    }
    LOG.debug("relay {}: {}", url, message);
  }

  private static String describe(@Nullable Throwable t) {
    if (t == null) {
      return "unknown";
    }
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  // ---- sending ----

  /**
   * Queues a frame on the socket, which sends frames in order. Never blocks. Caller holds lock and
   * the state is CONNECTED.
   */
  private void enqueue(CharSequence text) {
    RelayWebSocket ws = socket;
    if (ws != null && reserveFrame()) {
      sent(ws.sendText(text));
    }
  }

  /** {@link #enqueue} of the event's {@code EVENT} message, written straight into the frame. */
  private void enqueueEvent(SignedEvent event) {
    RelayWebSocket ws = socket;
    if (ws != null && reserveFrame()) {
      sent(ws.sendEvent(event));
    }
  }

  /**
   * Takes room for one more queued frame; false (the frame dropped and counted) when full.
   * Publishes are bounded by their room; the headroom keeps REQ/CLOSE frames from being refused
   * behind them.
   */
  private boolean reserveFrame() {
    if (queuedFrames.incrementAndGet() > 2 * config.maxPendingPerRelay()) {
      queuedFrames.decrementAndGet();
      messagesDropped.incrementAndGet();
      lastError = "send queue full; frame dropped";
      lastErrorAt = Instant.now();
      return false;
    }
    return true;
  }

  /** Returns the frame's room once it is written or failed. */
  private void sent(CompletableFuture<Void> written) {
    var unused =
        written.whenComplete(
            (r, e) -> {
              queuedFrames.decrementAndGet();
              if (e != null) {
                LOG.debug("relay {}: send failed: {}", url, describe(e));
              }
            });
  }

  void subscribe(String subscriptionId) {
    lock.lock();
    try {
      if (state != RelayState.CONNECTED) {
        return; // sent on connect
      }
      List<Filter> filters = subscriptions.get().get(subscriptionId);
      if (filters == null) {
        return;
      }
      enqueue(RelayMessages.toJson(new ClientMessage.Req(subscriptionId, filters)));
      sessionSubscriptions.add(subscriptionId);
    } finally {
      lock.unlock();
    }
  }

  void unsubscribe(String subscriptionId) {
    lock.lock();
    try {
      if (state == RelayState.CONNECTED && sessionSubscriptions.remove(subscriptionId)) {
        enqueue(RelayMessages.toJson(new ClientMessage.Close(subscriptionId)));
      }
    } finally {
      lock.unlock();
    }
  }

  /** See {@link PendingPublishes#publish}. Never blocks. */
  CompletableFuture<PublishResult.Ack> publish(SignedEvent event) {
    return publishes.publish(event);
  }

  /** See {@link PendingPublishes#tryPublish}. Never blocks. */
  @Nullable CompletableFuture<PublishResult.Ack> tryPublish(SignedEvent event) {
    return publishes.tryPublish(event);
  }

  /** See {@link PendingPublishes#publishWaitingForRoom}. Blocks: call it from a virtual thread. */
  CompletableFuture<PublishResult.Ack> publishWaitingForRoom(SignedEvent event, long maxWaitNanos)
      throws InterruptedException {
    return publishes.publishWaitingForRoom(event, maxWaitNanos);
  }

  /** The connection as its pending publishes see it. */
  private final class Link implements PendingPublishes.Link {
    @Override
    public boolean isConnected() {
      lock.lock();
      try {
        return state == RelayState.CONNECTED;
      } finally {
        lock.unlock();
      }
    }

    @Override
    public boolean isClosed() {
      return closed;
    }

    @Override
    public void sendIfConnected(SignedEvent event) {
      lock.lock();
      try {
        if (state == RelayState.CONNECTED) {
          enqueueEvent(event);
        }
        // Otherwise it is sent when the connection (re)opens, within the publish timeout.
      } finally {
        lock.unlock();
      }
    }
  }

  // ---- receiving (the socket's reader loop; sequential per connection) ----

  private void onMessage(CharSequence text) {
    RelayMessage msg;
    try {
      msg = RelayMessages.parseRelayMessage(text);
    } catch (NostrFormatException e) {
      messagesDropped.incrementAndGet();
      LOG.debug("relay {}: malformed message dropped: {}", url, e.getMessage());
      return;
    }
    switch (msg) {
      case RelayMessage.Event ev -> {
        eventsReceived.incrementAndGet();
        try {
          listener.onEvent(url, ev.subscriptionId(), ev.event());
        } catch (RuntimeException e) {
          messagesDropped.incrementAndGet();
          LOG.warn("relay listener threw on an event from {}", url, e);
        }
      }
      case RelayMessage.Ok ok -> publishes.acknowledge(ok.eventId(), ok.accepted(), ok.message());
      case RelayMessage.Eose eose -> {
        closedRetries.remove(eose.subscriptionId());
        try {
          listener.onEose(url, eose.subscriptionId());
        } catch (RuntimeException e) {
          LOG.warn("relay listener threw on EOSE from {}", url, e);
        }
      }
      case RelayMessage.Closed c -> {
        recordError("subscription " + c.subscriptionId() + " closed by relay: " + c.message());
        LOG.warn("relay {} closed subscription {}: {}", url, c.subscriptionId(), c.message());
        retryClosedSubscription(c.subscriptionId());
      }
      case RelayMessage.Notice n -> LOG.debug("relay {} notice: {}", url, n.message());
      case RelayMessage.Auth a -> LOG.debug("relay {} asks for NIP-42 auth; not supported", url);
    }
  }

  /**
   * A relay that ends a subscription we still want would leave us deaf on that relay: re-send it
   * after a backoff that grows with consecutive refusals (reset by an EOSE). The wait runs on its
   * own virtual thread.
   */
  private void retryClosedSubscription(String subscriptionId) {
    lock.lock();
    try {
      sessionSubscriptions.remove(subscriptionId);
    } finally {
      lock.unlock();
    }
    if (closed || !subscriptions.get().containsKey(subscriptionId)) {
      return;
    }
    int attempt = closedRetries.merge(subscriptionId, 1, Integer::sum);
    long sleep = backoff.delayMillis(attempt);
    Thread.ofVirtual()
        .name("keycast-relay-resubscribe " + url)
        .start(
            () -> {
              try {
                Thread.sleep(sleep);
              } catch (InterruptedException e) {
                return;
              }
              if (!closed) {
                subscribe(subscriptionId);
              }
            });
  }

  // ---- status and shutdown ----

  RelayStatus status() {
    lock.lock();
    try {
      return new RelayStatus(
          url,
          state,
          connectedSince,
          lastError,
          lastErrorAt,
          connectAttempts.get(),
          connects.get(),
          eventsReceived.get(),
          messagesDropped.get(),
          publishes.published(),
          publishes.accepted(),
          publishes.rejected(),
          publishes.timedOut());
    } finally {
      lock.unlock();
    }
  }

  /** Stops the loop, closes the socket, fails pending publishes as NOT_SENT. Does not wait. */
  void close() {
    RelayWebSocket ws;
    @Nullable RelaySocketListener s;
    lock.lock();
    try {
      closed = true;
      state = RelayState.CLOSED;
      ws = socket;
      s = session;
      socket = null;
      session = null;
    } finally {
      lock.unlock();
    }
    if (ws != null) {
      // Frames already queued (a reply published just before shutdown) go out first, then a close
      // frame (the socket sends in order), within a bound; then we wait for the relay's close frame
      // before aborting, because aborting a socket that still has unread input resets the
      // connection, and a reset can make the relay drop frames it has not read yet.
      CompletableFuture<Void> peerClosed =
          s == null ? CompletableFuture.completedFuture(null) : s.ended;
      closing =
          ws.sendClose(RelayWebSocket.NORMAL_CLOSURE, "")
              .handle((r, e) -> null)
              .thenCompose(v -> peerClosed.handle((r, e) -> null))
              .orTimeout(DRAIN_MILLIS + 1000, TimeUnit.MILLISECONDS)
              .handle(
                  (r, e) -> {
                    ws.abort();
                    return null;
                  });
    }
    Thread t = loop;
    if (t != null) {
      t.interrupt();
    }
    Thread sw = sweeper;
    if (sw != null) {
      sw.interrupt();
    }
    publishes.failAll("pool closed");
    notifyState(RelayState.CLOSED);
  }

  /** Waits (bounded) for the loop thread to end and the socket to be closed. */
  void awaitTermination(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Thread t = loop;
    if (t != null) {
      t.join(timeout);
    }
    try {
      closing.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // Bounded wait: the abort in the closing chain runs regardless.
    }
  }
}
