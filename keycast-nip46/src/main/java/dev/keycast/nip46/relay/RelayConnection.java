package dev.keycast.nip46.relay;

import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.ClientMessage;
import dev.keycast.nip46.Filter;
import dev.keycast.nip46.NostrFormatException;
import dev.keycast.nip46.RelayMessage;
import dev.keycast.nip46.RelayMessages;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One relay of a {@link RelayPool}: a connect loop on its own virtual thread, the WebSocket listener, the ordered
 * send chain and the pending publishes. Not API.
 *
 * <p>Locking: {@link #lock} guards the connection fields (state, socket, send chain, session subscriptions). It is
 * held only to read/modify them and to enqueue frames (which never blocks), never across a blocking wait.
 */
final class RelayConnection {
  private static final Logger LOG = LoggerFactory.getLogger(RelayConnection.class);
  /** A session that lasted this long resets the backoff. */
  private static final long STABLE_SESSION_NANOS = TimeUnit.SECONDS.toNanos(10);

  final String url;
  private final URI uri;
  private final RelayPool pool;
  private final RelayPoolConfig config;
  private final HttpClient http;
  private final RelayListener listener;

  private final ReentrantLock lock = new ReentrantLock();
  // Guarded by lock.
  private RelayState state = RelayState.CONNECTING;
  private @Nullable WebSocket socket;
  private @Nullable Session session;
  private CompletableFuture<?> sendTail = CompletableFuture.completedFuture(null);
  private final Set<String> sessionSubscriptions = new HashSet<>();
  private Set<String> previousSessionSubscriptions = Set.of();
  private long disconnectedAtSeconds = -1;
  private @Nullable Instant connectedSince;
  private @Nullable String lastError;
  private @Nullable Instant lastErrorAt;

  private final AtomicInteger queuedFrames = new AtomicInteger();
  private final Map<String, PendingPublish> pending = new ConcurrentHashMap<>();
  // One permit per publish that may wait for its OK (maxPendingPerRelay); taken before a publish is created,
  // returned when its future completes (OK, timeout or close).
  private final Semaphore publishRoom;
  /** Consecutive CLOSED answers per subscription, for the resubscribe backoff. */
  private final Map<String, Integer> closedRetries = new ConcurrentHashMap<>();
  private volatile boolean closed;
  /** Completes when close() has flushed and closed the socket (already complete when there was none). */
  private volatile CompletableFuture<?> closing = CompletableFuture.completedFuture(null);
  /** How long close() waits for queued frames before sending the close frame. */
  private static final long DRAIN_MILLIS = 2000;
  private volatile long lastReceivedNanos = System.nanoTime();
  private @Nullable Thread loop;

  private final AtomicLong connectAttempts = new AtomicLong();
  private final AtomicLong connects = new AtomicLong();
  private final AtomicLong eventsReceived = new AtomicLong();
  private final AtomicLong messagesDropped = new AtomicLong();
  private final AtomicLong eventsPublished = new AtomicLong();
  private final AtomicLong publishAccepted = new AtomicLong();
  private final AtomicLong publishRejected = new AtomicLong();
  private final AtomicLong publishTimedOut = new AtomicLong();

  private record PendingPublish(SignedEvent event, CompletableFuture<PublishResult.Ack> future) {}

  RelayConnection(String url, RelayPool pool, RelayPoolConfig config, HttpClient http, RelayListener listener) {
    this.url = url;
    this.uri = URI.create(url);
    this.pool = pool;
    this.config = config;
    this.publishRoom = new Semaphore(config.maxPendingPerRelay());
    this.http = http;
    this.listener = listener;
  }

  void start() {
    loop = Thread.ofVirtual().name("keycast-relay " + url).start(this::run);
  }

  // ---- the connect loop (its own virtual thread) ----

  private void run() {
    int failures = 0;
    while (!closed) {
      setState(RelayState.CONNECTING);
      connectAttempts.incrementAndGet();
      Session current = new Session();
      WebSocket ws;
      CompletableFuture<WebSocket> opening = http.newWebSocketBuilder()
          .connectTimeout(config.connectTimeout())
          .buildAsync(uri, current);
      try {
        ws = opening.get(config.connectTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        opening.thenAccept(WebSocket::abort);
        recordError("connect failed: " + describe(e instanceof ExecutionException ? e.getCause() : e));
        failures++;
        if (!backoff(failures)) {
          break;
        }
        continue;
      } catch (InterruptedException e) {
        // Closed while connecting: a socket that opens later is aborted.
        opening.thenAccept(WebSocket::abort);
        break;
      }
      long startNanos = System.nanoTime();
      if (!onConnected(ws, current)) {
        ws.abort();
        break;
      }
      try {
        awaitSessionEnd(ws, current);
      } catch (InterruptedException e) {
        // Interrupted by close(), which drains queued frames, sends a close frame and then aborts the socket.
        break;
      }
      ws.abort();
      onDisconnected();
      if (closed) {
        break;
      }
      failures = System.nanoTime() - startNanos > STABLE_SESSION_NANOS ? 1 : failures + 1;
      if (!backoff(failures)) {
        break;
      }
    }
    setState(RelayState.CLOSED);
  }

  /** Waits until the socket closes or fails, pinging it when idle and dropping it when silent for too long. */
  private void awaitSessionEnd(WebSocket ws, Session session) throws InterruptedException {
    long pingMillis = config.pingInterval().toMillis();
    while (!closed) {
      try {
        session.ended.get(pingMillis, TimeUnit.MILLISECONDS);
        recordError("disconnected: " + session.closeReason);
        return;
      } catch (ExecutionException e) {
        recordError("connection failed: " + describe(e.getCause()));
        return;
      } catch (TimeoutException e) {
        if (System.nanoTime() - lastReceivedNanos > TimeUnit.MILLISECONDS.toNanos(3 * pingMillis)) {
          recordError("no traffic for " + 3 * pingMillis + " ms; dropping the connection");
          return;
        }
        try {
          ws.sendPing(ByteBuffer.allocate(0));
        } catch (IllegalStateException busy) {
          // A previous ping is still outstanding: fine, the silence check above covers a dead peer.
        }
      }
    }
  }

  /** Sleeps before the next attempt. Returns false if the connection was closed meanwhile. */
  private boolean backoff(int failures) {
    if (closed) {
      return false;
    }
    setState(RelayState.BACKOFF);
    long base = config.initialBackoff().toMillis();
    long cap = config.maxBackoff().toMillis();
    long delay = cap;
    if (failures - 1 < 30) {
      delay = Math.min(cap, base << Math.max(0, failures - 1));
    }
    // Equal jitter: between half and all of the delay, so that many bunkers do not reconnect in lockstep.
    long sleep = delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
    try {
      Thread.sleep(sleep);
      return !closed;
    } catch (InterruptedException e) {
      return false;
    }
  }

  /** Marks the session open and sends subscriptions and pending publishes; false if closed meanwhile. */
  private boolean onConnected(WebSocket ws, Session s) {
    lock.lock();
    try {
      if (closed) {
        return false;
      }
      socket = ws;
      session = s;
      sendTail = CompletableFuture.completedFuture(null);
      queuedFrames.set(0);
      state = RelayState.CONNECTED;
      connectedSince = Instant.now();
      lastReceivedNanos = System.nanoTime();
      connects.incrementAndGet();
      sessionSubscriptions.clear();
      for (Map.Entry<String, List<Filter>> sub : pool.subscriptionsSnapshot().entrySet()) {
        enqueue(RelayMessages.toJson(new ClientMessage.Req(sub.getKey(), resumeFilters(sub.getKey(), sub.getValue()))));
        sessionSubscriptions.add(sub.getKey());
      }
      for (PendingPublish p : pending.values()) {
        if (!p.future.isDone()) {
          enqueue(RelayMessages.toJson(new ClientMessage.Event(p.event)));
        }
      }
    } finally {
      lock.unlock();
    }
    LOG.info("relay {} connected", url);
    notifyState(RelayState.CONNECTED);
    return true;
  }

  /**
   * Filters to send for a subscription on a new session. A subscription that was active on the previous session
   * resumes from the disconnect time minus the overlap, so that events published while away are fetched (from
   * relays that store them) without replaying everything since the original {@code since}. Caller holds lock.
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
   * Appends a frame to the ordered send chain (the JDK WebSocket allows one outstanding send). Never blocks.
   * Caller holds lock and the state is CONNECTED.
   */
  private void enqueue(String text) {
    WebSocket ws = socket;
    if (ws == null) {
      return;
    }
    // Publishes are bounded by publishRoom; the headroom keeps REQ/CLOSE frames from being refused behind them.
    if (queuedFrames.incrementAndGet() > 2 * config.maxPendingPerRelay()) {
      queuedFrames.decrementAndGet();
      messagesDropped.incrementAndGet();
      lastError = "send queue full; frame dropped";
      lastErrorAt = Instant.now();
      return;
    }
    sendTail = sendTail
        .handle((r, e) -> null)
        .thenCompose(v -> ws.sendText(text, true))
        .whenComplete((r, e) -> {
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
      List<Filter> filters = pool.subscriptionsSnapshot().get(subscriptionId);
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

  /** Publishes without waiting: {@code NOT_SENT} at once when maxPendingPerRelay publishes wait for their OK. */
  CompletableFuture<PublishResult.Ack> publish(SignedEvent event) {
    CompletableFuture<PublishResult.Ack> f = tryPublish(event);
    return f != null ? f : tooManyPending();
  }

  /**
   * Publishes if there is room; returns null (nothing counted) when maxPendingPerRelay publishes wait for their OK.
   * Never blocks.
   */
  @Nullable CompletableFuture<PublishResult.Ack> tryPublish(SignedEvent event) {
    if (closed) {
      return notSent("relay closed");
    }
    if (!publishRoom.tryAcquire()) {
      return null;
    }
    eventsPublished.incrementAndGet();
    return publishHoldingRoom(event);
  }

  /**
   * Publishes, waiting up to {@code maxWaitNanos} for room while the relay is connected and maxPendingPerRelay
   * publishes wait for their OK (flow control: the caller slows to the relay's pace instead of losing the event).
   * A relay that is not connected gets no wait. Blocks: call it from a virtual thread.
   */
  CompletableFuture<PublishResult.Ack> publishWaitingForRoom(SignedEvent event, long maxWaitNanos)
      throws InterruptedException {
    CompletableFuture<PublishResult.Ack> f = tryPublish(event);
    if (f != null) {
      return f;
    }
    if (!isConnected() || !publishRoom.tryAcquire(maxWaitNanos, TimeUnit.NANOSECONDS)) {
      return tooManyPending();
    }
    if (closed) {
      publishRoom.release();
      return notSent("relay closed");
    }
    eventsPublished.incrementAndGet();
    return publishHoldingRoom(event);
  }

  private boolean isConnected() {
    lock.lock();
    try {
      return state == RelayState.CONNECTED;
    } finally {
      lock.unlock();
    }
  }

  private CompletableFuture<PublishResult.Ack> tooManyPending() {
    eventsPublished.incrementAndGet();
    publishTimedOut.incrementAndGet();
    return notSent("too many pending publishes");
  }

  private static CompletableFuture<PublishResult.Ack> notSent(String why) {
    return CompletableFuture.completedFuture(new PublishResult.Ack(PublishResult.Outcome.NOT_SENT, why));
  }

  /** The caller holds one permit of publishRoom; it is returned when this publish completes. */
  private CompletableFuture<PublishResult.Ack> publishHoldingRoom(SignedEvent event) {
    boolean[] created = {false};
    PendingPublish p = pending.computeIfAbsent(event.id(), id -> {
      created[0] = true;
      CompletableFuture<PublishResult.Ack> f = new CompletableFuture<>();
      f.completeOnTimeout(
          new PublishResult.Ack(PublishResult.Outcome.TIMED_OUT, "no OK within " + config.publishTimeout()),
          config.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
      return new PendingPublish(event, f);
    });
    if (!created[0]) {
      publishRoom.release(); // the same event is already pending: share its outcome
      return p.future;
    }
    p.future.whenComplete((ack, e) -> {
      pending.remove(event.id(), p);
      publishRoom.release();
      if (ack != null) {
        switch (ack.outcome()) {
          case ACCEPTED -> publishAccepted.incrementAndGet();
          case REJECTED -> publishRejected.incrementAndGet();
          case TIMED_OUT, NOT_SENT -> publishTimedOut.incrementAndGet();
        }
      }
    });
    lock.lock();
    try {
      if (state == RelayState.CONNECTED) {
        enqueue(RelayMessages.toJson(new ClientMessage.Event(event)));
      }
      // Otherwise it is sent when the connection (re)opens, within the publish timeout.
    } finally {
      lock.unlock();
    }
    return p.future;
  }

  // ---- receiving (HttpClient executor threads; sequential per connection) ----

  private void onMessage(String text) {
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
      case RelayMessage.Ok ok -> {
        PendingPublish p = pending.get(ok.eventId());
        if (p != null) {
          p.future.complete(new PublishResult.Ack(
              ok.accepted() ? PublishResult.Outcome.ACCEPTED : PublishResult.Outcome.REJECTED, ok.message()));
        }
      }
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
   * A relay that ends a subscription we still want would leave us deaf on that relay: re-send it after a backoff
   * that grows with consecutive refusals (reset by an EOSE). The wait runs on its own virtual thread.
   */
  private void retryClosedSubscription(String subscriptionId) {
    lock.lock();
    try {
      sessionSubscriptions.remove(subscriptionId);
    } finally {
      lock.unlock();
    }
    if (closed || !pool.subscriptionsSnapshot().containsKey(subscriptionId)) {
      return;
    }
    int attempt = closedRetries.merge(subscriptionId, 1, Integer::sum);
    long base = config.initialBackoff().toMillis();
    long delay = Math.min(config.maxBackoff().toMillis(), base << Math.min(attempt - 1, 20));
    long sleep = delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
    Thread.ofVirtual().name("keycast-relay-resubscribe " + url).start(() -> {
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

  /** The WebSocket listener of one session: reassembles fragmented text frames, signals the end. */
  private final class Session implements WebSocket.Listener {
    final CompletableFuture<Void> ended = new CompletableFuture<>();
    volatile String closeReason = "";
    // Confined to the listener callbacks, which the JDK calls sequentially.
    private final StringBuilder buffer = new StringBuilder();
    private boolean oversized;

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(1);
    }

    @Override
    public @Nullable CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      lastReceivedNanos = System.nanoTime();
      if (!oversized) {
        if (buffer.length() + data.length() > config.maxMessageChars()) {
          oversized = true;
          buffer.setLength(0);
        } else {
          buffer.append(data);
        }
      }
      if (last) {
        if (oversized) {
          messagesDropped.incrementAndGet();
          LOG.debug("relay {}: message over {} chars dropped", url, config.maxMessageChars());
        } else {
          String text = buffer.toString();
          buffer.setLength(0);
          onMessage(text);
        }
        oversized = false;
        buffer.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public @Nullable CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      lastReceivedNanos = System.nanoTime();
      if (last) {
        messagesDropped.incrementAndGet();
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public @Nullable CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
      lastReceivedNanos = System.nanoTime();
      webSocket.request(1);
      return null;
    }

    @Override
    public @Nullable CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
      lastReceivedNanos = System.nanoTime();
      webSocket.request(1);
      return null;
    }

    @Override
    public @Nullable CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closeReason = "closed by relay (" + statusCode + (reason.isEmpty() ? "" : " " + reason) + ")";
      ended.complete(null);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      ended.completeExceptionally(error);
    }
  }

  // ---- status and shutdown ----

  RelayStatus status() {
    lock.lock();
    try {
      return new RelayStatus(url, state, connectedSince, lastError, lastErrorAt, connectAttempts.get(),
          connects.get(), eventsReceived.get(), messagesDropped.get(), eventsPublished.get(), publishAccepted.get(),
          publishRejected.get(), publishTimedOut.get());
    } finally {
      lock.unlock();
    }
  }

  /** Stops the loop, closes the socket, fails pending publishes as NOT_SENT. Does not wait. */
  void close() {
    WebSocket ws;
    Session s;
    CompletableFuture<?> tail;
    lock.lock();
    try {
      closed = true;
      state = RelayState.CLOSED;
      ws = socket;
      s = session;
      tail = sendTail;
      socket = null;
      session = null;
    } finally {
      lock.unlock();
    }
    if (ws != null) {
      // Frames already queued (a reply published just before shutdown) go out first, within a bound; then a close
      // frame; then we wait for the relay's close frame before aborting, because aborting a socket that still has
      // unread input resets the connection, and a reset can make the relay drop frames it has not read yet.
      CompletableFuture<Void> peerClosed = s == null ? CompletableFuture.completedFuture(null) : s.ended;
      closing = tail.handle((r, e) -> null)
          .completeOnTimeout(null, DRAIN_MILLIS, TimeUnit.MILLISECONDS)
          .thenCompose(v -> ws.sendClose(WebSocket.NORMAL_CLOSURE, ""))
          .thenCompose(v -> peerClosed.handle((r, e) -> null))
          .orTimeout(DRAIN_MILLIS + 1000, TimeUnit.MILLISECONDS)
          .handle((r, e) -> {
            ws.abort();
            return null;
          });
    }
    Thread t = loop;
    if (t != null) {
      t.interrupt();
    }
    for (PendingPublish p : pending.values()) {
      p.future.complete(new PublishResult.Ack(PublishResult.Outcome.NOT_SENT, "pool closed"));
    }
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
