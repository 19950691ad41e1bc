package dev.keycast.nip46.relay;

import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.ClientMessage;
import dev.keycast.nip46.Filter;
import dev.keycast.nip46.NostrFormatException;
import dev.keycast.nip46.RelayException;
import dev.keycast.nip46.RelayMessage;
import dev.keycast.nip46.RelayMessages;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.java_websocket.WebSocket;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small NIP-01 relay for development and tests, on Java-WebSocket.
 *
 * <p>What it does: {@code EVENT} is parsed and its id and signature verified, then answered with
 * {@code ["OK",id,true,""]} or {@code ["OK",id,false,"invalid: …"]}; {@code REQ} (filters {@code
 * ids}, {@code authors}, {@code kinds}, single-letter tags such as {@code #e}/{@code #p}, {@code
 * since}, {@code until}, {@code limit}; several filters are OR-ed) sends the matching stored events
 * newest first, then {@code EOSE}, then matching live events; a {@code REQ} with an existing id
 * replaces it; {@code CLOSE} ends a subscription. Ephemeral kinds (20000–29999, so NIP-46's 24133)
 * are broadcast and never stored. At most {@code maxStoredEvents} events are kept; the oldest
 * received is evicted first. Duplicates are accepted ({@code "duplicate: …"}) but stored and
 * broadcast once. What it does not do: replaceable/addressable kinds, deletion, NIP-42 auth, rate
 * limits.
 *
 * <p>Threads: Java-WebSocket's selector and decoder threads (platform, daemon) parse, verify and
 * fan out; one {@link ReentrantLock} guards the store and the subscriptions, so that a live event
 * is delivered to a new subscription exactly once (either in its stored batch or live). Sends only
 * enqueue frames, so the lock is never held across socket I/O.
 *
 * <p>Thread-safety: all public methods are thread-safe.
 */
public final class DevRelay implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DevRelay.class);

  /** The default bound on stored events. */
  public static final int DEFAULT_MAX_STORED_EVENTS = 10_000;

  /** The largest accepted WebSocket frame, in bytes. */
  private static final int MAX_FRAME_BYTES = 1 << 20;

  private static final int MAX_SUBSCRIPTIONS_PER_CONNECTION = 64;

  /** How often queued frames are pushed again (see {@code Server.flusher}), in milliseconds. */
  private static final long FLUSH_PERIOD_MILLIS = 5;

  private final Server server;
  private final String host;
  private final int port;

  private DevRelay(Server server, String host, int port) {
    this.server = server;
    this.host = host;
    this.port = port;
  }

  /**
   * Starts a relay storing at most {@link #DEFAULT_MAX_STORED_EVENTS} events. Blocks until the port
   * is bound.
   *
   * @param host the address to bind, for example {@code "127.0.0.1"}
   * @param port the port, or 0 for an ephemeral port (see {@link #port()})
   * @return the running relay
   * @throws RelayException if the address cannot be bound (within 10 seconds)
   */
  public static DevRelay start(String host, int port) {
    return start(host, port, DEFAULT_MAX_STORED_EVENTS);
  }

  /**
   * Starts a relay. Blocks until the port is bound.
   *
   * @param host the address to bind, for example {@code "127.0.0.1"}
   * @param port the port, or 0 for an ephemeral port
   * @param maxStoredEvents the most (non-ephemeral) events kept, at least 1
   * @return the running relay
   * @throws IllegalArgumentException if {@code maxStoredEvents < 1} or the port is out of range
   * @throws RelayException if the address cannot be bound (within 10 seconds)
   */
  public static DevRelay start(String host, int port, int maxStoredEvents) {
    if (maxStoredEvents < 1) {
      throw new IllegalArgumentException(
          "maxStoredEvents must be at least 1, got " + maxStoredEvents);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    Server server = new Server(new InetSocketAddress(host, port), maxStoredEvents);
    server.start();
    try {
      server.started.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      stopQuietly(server);
      throw new RelayException("dev relay cannot bind " + host + ":" + port, e.getCause());
    } catch (TimeoutException e) {
      stopQuietly(server);
      throw new RelayException(
          "dev relay did not start on " + host + ":" + port + " within 10 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopQuietly(server);
      throw new RelayException("interrupted while starting the dev relay", e);
    }
    int bound = server.getPort();
    LOG.info("dev relay listening on {}:{}", host, bound);
    return new DevRelay(server, host, bound);
  }

  private static void stopQuietly(Server server) {
    server.flusher.shutdownNow();
    try {
      server.stop(0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The bound port (the actual one when started with port 0).
   *
   * @return the TCP port
   */
  public int port() {
    return port;
  }

  /**
   * The URL clients connect to: {@code ws://host:port}. A wildcard bind address ({@code 0.0.0.0},
   * {@code ::}) is given as {@code 127.0.0.1}.
   *
   * @return the relay URL
   */
  public String url() {
    String h = host;
    if (h.equals("0.0.0.0") || h.equals("::") || h.equals("[::]")) {
      h = "127.0.0.1";
    } else if (h.contains(":") && !h.startsWith("[")) {
      h = "[" + h + "]";
    }
    return "ws://" + h + ":" + port;
  }

  /**
   * The number of stored (non-ephemeral) events. Never blocks for long.
   *
   * @return the count, at most {@code maxStoredEvents}
   */
  public int storedEventCount() {
    server.lock.lock();
    try {
      return server.store.size();
    } finally {
      server.lock.unlock();
    }
  }

  /**
   * The number of open client connections.
   *
   * @return the count
   */
  public int connectionCount() {
    return server.getConnections().size();
  }

  /**
   * Waits until some client holds a subscription with a filter that {@code filter} accepts: the
   * signal that a subscription is live, so that a test can publish an ephemeral event (never
   * stored, delivered only to live subscriptions) without guessing how long the {@code REQ} takes.
   * The relay registers a {@code REQ} before it answers with the stored events and {@code EOSE},
   * and under the lock that delivers live events: once this returns true, every later event
   * matching that filter reaches the subscription (until it is closed or replaced). A subscription
   * that already exists counts at once. To wait for a subscription that would receive a given
   * event, pass {@code f -> f.matches(event)}.
   *
   * <p>Blocks until such a subscription exists or the timeout passes. Thread-safe.
   *
   * @param filter tested against each filter of each open subscription, under the relay's lock
   *     (must be fast and must not call back into the relay)
   * @param timeout the longest wait
   * @return true once a matching subscription exists, false if none appeared within the timeout
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitSubscription(Predicate<? super Filter> filter, Duration timeout)
      throws InterruptedException {
    long remaining = timeout.toNanos();
    server.lock.lock();
    try {
      while (!server.hasSubscription(filter)) {
        if (remaining <= 0) {
          return false;
        }
        remaining = server.subscriptionsChanged.awaitNanos(remaining);
      }
      return true;
    } finally {
      server.lock.unlock();
    }
  }

  /**
   * Whether accepted connections have Nagle's algorithm off (they do: see the server's
   * constructor).
   */
  boolean tcpNoDelay() {
    return server.isTcpNoDelay();
  }

  /**
   * Stops the relay: closes every connection (with a close frame) and releases the port. Blocks up
   * to about a second. Idempotent.
   */
  @Override
  public void close() {
    server.flusher.shutdownNow();
    try {
      server.stop(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("dev relay on {}:{} stopped", host, port);
  }

  /** Per-connection state: the subscriptions by id, guarded by {@link Server#lock}. */
  private static final class Conn {
    final Map<String, Sub> subscriptions = new HashMap<>();
  }

  /**
   * One subscription: its filters, the start of the {@code EVENT} messages it receives, and where
   * the fan-out index keeps it. Guarded by {@link Server#lock}.
   */
  private static final class Sub {
    final WebSocket conn;
    final List<Filter> filters;

    /** {@code ["EVENT","<id>",}: an event's message is this, the event's JSON and {@code ]}. */
    final String messagePrefix;

    /**
     * The {@code #p} values it is indexed under, or null when a filter has no {@code #p} constraint
     * (then it is checked against every event).
     */
    final @Nullable Set<String> pValues;

    /** The broadcast that last considered it: each event is matched once per subscription. */
    long seen;

    Sub(WebSocket conn, String id, List<Filter> filters) {
      this.conn = conn;
      this.filters = filters;
      this.messagePrefix = "[\"EVENT\"," + NostrEvents.jsonString(id) + ",";
      Set<String> ps = new HashSet<>();
      for (Filter f : filters) {
        List<String> p = f.tags().get('p');
        if (p == null) {
          ps = null;
          break;
        }
        ps.addAll(p);
      }
      this.pValues = ps;
    }
  }

  private static final class Server extends WebSocketServer {
    final CompletableFuture<Void> started = new CompletableFuture<>();
    final ReentrantLock lock = new ReentrantLock();

    /**
     * Signalled (under {@link #lock}) whenever a subscription is opened or replaced; see
     * awaitSubscription.
     */
    final Condition subscriptionsChanged = lock.newCondition();

    /** Stored events by id in arrival order, guarded by {@link #lock}. */
    final LinkedHashMap<String, SignedEvent> store = new LinkedHashMap<>();

    /** Connections and their subscriptions, guarded by {@link #lock}. */
    final Map<WebSocket, Conn> conns = new HashMap<>();

    /**
     * The fan-out index, guarded by {@link #lock}: subscriptions whose every filter requires a
     * {@code #p} value, by each such value; the others in {@link #unindexed}. A NIP-46 relay
     * carries one subscription per client key ({@code #p} = that key) and one per signer: an event
     * is matched against the few subscriptions naming its {@code p} tags, not against all.
     */
    final Map<String, Set<Sub>> byP = new HashMap<>();

    /** Subscriptions with a filter that has no {@code #p} constraint, guarded by {@link #lock}. */
    final Set<Sub> unindexed = new LinkedHashSet<>();

    /** Counts broadcasts (for {@link Sub#seen}), guarded by {@link #lock}. */
    long broadcasts;

    /**
     * Ids of recently seen ephemeral events, to broadcast duplicates once; guarded by {@link
     * #lock}.
     */
    final LinkedHashMap<String, Boolean> recentEphemeral = new LinkedHashMap<>();

    final int maxStored;

    Server(InetSocketAddress address, int maxStored) {
      super(address, 2, List.of(new Draft_6455(List.of(), MAX_FRAME_BYTES)));
      this.maxStored = maxStored;
      setReuseAddr(true);
      setDaemon(true);
      // Relay traffic is small frames in both directions (EVENT, OK): with Nagle's algorithm on, a
      // frame written
      // while the previous one is unacknowledged waits for the peer's delayed ACK (about 40 ms on
      // Linux), which
      // put a ~50 ms floor under every NIP-46 round trip (bench/e2e/throughput.sh at concurrency
      // 1).
      setTcpNoDelay(true);
    }

    /**
     * Works around a lost-write race in Java-WebSocket 1.6.0's server: a send (on a decoder thread)
     * queues its frame and sets the connection's interest to read+write, but the selector thread,
     * finishing the previous write with the queue seen empty a moment before, then sets the
     * interest back to read only. The new frame then waits for the connection's next send, or for
     * the library's 60 s ping: a relay's last message to a quiet connection (an {@code EOSE}, a
     * NIP-46 reply, an {@code OK}) stalled about once in 20,000 (the cause of DevRelayTest's "no
     * relay message within 30 s" and of long tails under load). Every {@link #FLUSH_PERIOD_MILLIS}
     * ms, any connection with frames still queued has its write interest set again.
     */
    final ScheduledExecutorService flusher =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("dev-relay-flush").factory());

    @Override
    public void onStart() {
      var unused =
          flusher.scheduleWithFixedDelay(
              this::rearmWrites, FLUSH_PERIOD_MILLIS, FLUSH_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
      started.complete(null);
    }

    /** Sets the write interest again of every connection with queued frames. On the flusher. */
    private void rearmWrites() {
      try {
        for (WebSocket conn : getConnections()) {
          if (conn.hasBufferedData()) {
            onWriteDemand(conn);
          }
        }
      } catch (RuntimeException e) {
        LOG.debug("dev relay flush: {}", e.toString()); // a connection closing meanwhile
      }
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
      lock.lock();
      try {
        conns.put(conn, new Conn());
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
      lock.lock();
      try {
        Conn c = conns.remove(conn);
        if (c != null) {
          c.subscriptions.values().forEach(this::unindex);
        }
      } finally {
        lock.unlock();
      }
    }

    /** Adds a subscription to the fan-out index. Caller holds {@link #lock}. */
    private void index(Sub sub) {
      if (sub.pValues == null) {
        unindexed.add(sub);
      } else {
        for (String p : sub.pValues) {
          byP.computeIfAbsent(p, k -> new LinkedHashSet<>()).add(sub);
        }
      }
    }

    /** Removes a subscription from the fan-out index. Caller holds {@link #lock}. */
    private void unindex(Sub sub) {
      if (sub.pValues == null) {
        unindexed.remove(sub);
      } else {
        for (String p : sub.pValues) {
          Set<Sub> subs = byP.get(p);
          if (subs != null && subs.remove(sub) && subs.isEmpty()) {
            byP.remove(p);
          }
        }
      }
    }

    @Override
    public void onError(@Nullable WebSocket conn, Exception ex) {
      if (conn == null) {
        // A server-level failure: before start, a bind failure.
        if (!started.completeExceptionally(ex)) {
          LOG.warn("dev relay server error", ex);
        }
      } else {
        LOG.debug("dev relay connection error: {}", ex.toString());
      }
    }

    @Override
    public void onMessage(WebSocket conn, ByteBuffer message) {
      send(
          conn,
          RelayMessages.toJson(
              new RelayMessage.Notice("error: binary messages are not supported")));
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
      ClientMessage msg;
      try {
        msg = RelayMessages.parseClientMessage(message);
      } catch (NostrFormatException e) {
        send(conn, RelayMessages.toJson(new RelayMessage.Notice("error: " + e.getMessage())));
        return;
      }
      switch (msg) {
        case ClientMessage.Event ev -> onEvent(conn, ev.event());
        case ClientMessage.Req req -> onReq(conn, req);
        case ClientMessage.Close close -> {
          lock.lock();
          try {
            Conn c = conns.get(conn);
            Sub closed = c == null ? null : c.subscriptions.remove(close.subscriptionId());
            if (closed != null) {
              unindex(closed);
            }
          } finally {
            lock.unlock();
          }
        }
      }
    }

    private void onEvent(WebSocket conn, SignedEvent event) {
      try {
        NostrEvents.verify(event);
      } catch (GeneralSecurityException e) {
        send(conn, ok(event, false, "invalid: bad event id or signature"));
        return;
      }
      boolean ephemeral = event.kind() >= 20000 && event.kind() < 30000;
      boolean duplicate;
      lock.lock();
      try {
        if (ephemeral) {
          duplicate = recentEphemeral.putIfAbsent(event.id(), Boolean.TRUE) != null;
          trim(recentEphemeral, maxStored);
        } else {
          duplicate = store.putIfAbsent(event.id(), event) != null;
          trim(store, maxStored);
        }
        if (!duplicate) {
          broadcast(event);
        }
      } finally {
        lock.unlock();
      }
      send(conn, ok(event, true, duplicate ? "duplicate: already have this event" : ""));
    }

    private static void trim(SequencedMap<String, ?> map, int max) {
      Iterator<String> it = map.keySet().iterator();
      while (map.size() > max && it.hasNext()) {
        it.next();
        it.remove();
      }
    }

    /**
     * Sends a live event to every matching subscription: those indexed under one of its {@code p}
     * tags and the unindexed ones, each matched once; the event's JSON is written once. Caller
     * holds {@link #lock}.
     */
    private void broadcast(SignedEvent event) {
      long stamp = ++broadcasts;
      String json = null;
      for (List<String> tag : event.tags()) {
        if (tag.size() >= 2 && tag.get(0).equals("p")) {
          Set<Sub> subs = byP.get(tag.get(1));
          if (subs != null) {
            for (Sub sub : subs) {
              json = deliver(sub, event, stamp, json);
            }
          }
        }
      }
      for (Sub sub : unindexed) {
        json = deliver(sub, event, stamp, json);
      }
    }

    /**
     * Sends the event to {@code sub} if it matches and was not considered yet; returns its JSON.
     */
    private static @Nullable String deliver(
        Sub sub, SignedEvent event, long stamp, @Nullable String json) {
      if (sub.seen == stamp) {
        return json;
      }
      sub.seen = stamp;
      if (!matchesAny(sub.filters, event)) {
        return json;
      }
      String j = json == null ? event.toJson() : json;
      send(sub.conn, sub.messagePrefix + j + "]");
      return j;
    }

    /**
     * Whether an open subscription has a filter that {@code filter} accepts. Caller holds {@link
     * #lock}.
     */
    boolean hasSubscription(Predicate<? super Filter> filter) {
      for (Conn c : conns.values()) {
        for (Sub sub : c.subscriptions.values()) {
          for (Filter f : sub.filters) {
            if (filter.test(f)) {
              return true;
            }
          }
        }
      }
      return false;
    }

    private static boolean matchesAny(List<Filter> filters, SignedEvent event) {
      for (Filter f : filters) {
        if (f.matches(event)) {
          return true;
        }
      }
      return false;
    }

    private void onReq(WebSocket conn, ClientMessage.Req req) {
      // Registration and the stored snapshot happen under the lock that broadcast holds, so each
      // event reaches the
      // subscription exactly once: in the stored batch or live.
      lock.lock();
      try {
        Conn c = conns.get(conn);
        if (c == null) {
          return;
        }
        if (!c.subscriptions.containsKey(req.subscriptionId())
            && c.subscriptions.size() >= MAX_SUBSCRIPTIONS_PER_CONNECTION) {
          send(
              conn,
              RelayMessages.toJson(
                  new RelayMessage.Closed(req.subscriptionId(), "error: too many subscriptions")));
          return;
        }
        Sub sub = new Sub(conn, req.subscriptionId(), req.filters());
        Sub replaced = c.subscriptions.put(req.subscriptionId(), sub);
        if (replaced != null) {
          unindex(replaced);
        }
        index(sub);
        subscriptionsChanged.signalAll();
        Set<String> sent = new HashSet<>();
        List<SignedEvent> batch = new ArrayList<>();
        for (Filter f : req.filters()) {
          List<SignedEvent> matching = new ArrayList<>();
          for (SignedEvent ev : store.values()) {
            if (f.matches(ev)) {
              matching.add(ev);
            }
          }
          matching.sort(Comparator.comparingLong(SignedEvent::createdAt).reversed());
          int limit = f.limit() == null ? matching.size() : Math.min(f.limit(), matching.size());
          for (SignedEvent ev : matching.subList(0, limit)) {
            if (sent.add(ev.id())) {
              batch.add(ev);
            }
          }
        }
        batch.sort(Comparator.comparingLong(SignedEvent::createdAt).reversed());
        for (SignedEvent ev : batch) {
          send(conn, sub.messagePrefix + ev.toJson() + "]");
        }
        send(conn, RelayMessages.toJson(new RelayMessage.Eose(req.subscriptionId())));
      } finally {
        lock.unlock();
      }
    }

    /** {@code ["OK",id,accepted,message]}, as RelayMessages writes it, without a JSON tree. */
    private static String ok(SignedEvent event, boolean accepted, String message) {
      return "[\"OK\","
          + NostrEvents.jsonString(event.id())
          + (accepted ? ",true," : ",false,")
          + NostrEvents.jsonString(message)
          + "]";
    }

    /** Enqueues a frame; never blocks on the socket. */
    private static void send(WebSocket conn, String text) {
      try {
        conn.send(text);
      } catch (WebsocketNotConnectedException e) {
        // The client went away; its close callback removes it.
      }
    }
  }
}
