package dev.keycast.nip46.relay;

import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.ClientMessage;
import dev.keycast.nip46.RelayMessage;
import dev.keycast.nip46.RelayMessages;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.enums.Opcode;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * A test relay that records every REQ it receives and, on each REQ, answers with a scripted event
 * sent as three fragmented text frames, then an oversized message, then EOSE.
 */
final class ScriptedRelay extends WebSocketServer implements AutoCloseable {
  final BlockingQueue<ClientMessage.Req> reqs = new LinkedBlockingQueue<>();
  private final CompletableFuture<Void> started = new CompletableFuture<>();
  private final SignedEvent scripted;
  private final int oversizedChars;

  /** How many REQs to refuse with CLOSED before answering normally. */
  private final java.util.concurrent.atomic.AtomicInteger refusals =
      new java.util.concurrent.atomic.AtomicInteger();

  private ScriptedRelay(int port, SignedEvent scripted, int oversizedChars) {
    super(new InetSocketAddress("127.0.0.1", port));
    this.scripted = scripted;
    this.oversizedChars = oversizedChars;
    setReuseAddr(true);
    setDaemon(true);
  }

  static ScriptedRelay start(int port, SignedEvent scripted, int oversizedChars) throws Exception {
    ScriptedRelay r = new ScriptedRelay(port, scripted, oversizedChars);
    r.start();
    r.started.get(10, TimeUnit.SECONDS);
    return r;
  }

  /** When set, pings are not answered and nothing is sent: a black hole behind an open socket. */
  private volatile boolean silent;

  /** Stops answering pings (and everything else). */
  ScriptedRelay silent() {
    silent = true;
    return this;
  }

  @Override
  public void onWebsocketPing(WebSocket conn, org.java_websocket.framing.Framedata f) {
    if (!silent) {
      super.onWebsocketPing(conn, f);
    }
  }

  /** Refuses the next {@code n} REQs with CLOSED. */
  ScriptedRelay refuse(int n) {
    refusals.set(n);
    return this;
  }

  String url() {
    return "ws://127.0.0.1:" + getPort();
  }

  @Override
  public void onOpen(WebSocket conn, ClientHandshake handshake) {}

  @Override
  public void onClose(WebSocket conn, int code, String reason, boolean remote) {}

  /**
   * When set, OKs for EVENTs are held back until {@link #releaseOks()}: a relay slower than its
   * publisher.
   */
  private boolean holdOks; // guarded by okLock, with heldOks

  private final java.util.List<Runnable> heldOks = new java.util.ArrayList<>();
  private final java.util.concurrent.locks.ReentrantLock okLock =
      new java.util.concurrent.locks.ReentrantLock();
  final java.util.concurrent.atomic.AtomicInteger eventsReceived =
      new java.util.concurrent.atomic.AtomicInteger();

  /** Holds back the OK of every EVENT from now on. */
  ScriptedRelay holdOks() {
    okLock.lock();
    try {
      holdOks = true;
    } finally {
      okLock.unlock();
    }
    return this;
  }

  /** Sends the OKs held so far and answers later EVENTs at once. */
  void releaseOks() {
    okLock.lock();
    try {
      holdOks = false;
      heldOks.forEach(Runnable::run);
      heldOks.clear();
    } finally {
      okLock.unlock();
    }
  }

  @Override
  public void onMessage(WebSocket conn, String message) {
    ClientMessage parsed = RelayMessages.parseClientMessage(message);
    if (parsed instanceof ClientMessage.Event ev) {
      eventsReceived.incrementAndGet();
      String ok = RelayMessages.toJson(new RelayMessage.Ok(ev.event().id(), true, ""));
      okLock.lock();
      try {
        if (holdOks) {
          heldOks.add(() -> conn.send(ok));
          return;
        }
      } finally {
        okLock.unlock();
      }
      conn.send(ok);
      return;
    }
    if (!(parsed instanceof ClientMessage.Req req)) {
      return;
    }
    reqs.add(req);
    if (silent) {
      return;
    }
    if (refusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      conn.send(
          RelayMessages.toJson(new RelayMessage.Closed(req.subscriptionId(), "error: try again")));
      return;
    }
    String json = RelayMessages.toJson(new RelayMessage.Event(req.subscriptionId(), scripted));
    int third = json.length() / 3;
    conn.sendFragmentedFrame(Opcode.TEXT, utf8(json.substring(0, third)), false);
    conn.sendFragmentedFrame(Opcode.TEXT, utf8(json.substring(third, 2 * third)), false);
    conn.sendFragmentedFrame(Opcode.TEXT, utf8(json.substring(2 * third)), true);
    conn.send(RelayMessages.toJson(new RelayMessage.Notice("x".repeat(oversizedChars))));
    conn.send(RelayMessages.toJson(new RelayMessage.Eose(req.subscriptionId())));
  }

  private static ByteBuffer utf8(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void onError(WebSocket conn, Exception ex) {
    if (conn == null) {
      started.completeExceptionally(ex);
    }
  }

  @Override
  public void onStart() {
    started.complete(null);
  }

  @Override
  public void close() throws InterruptedException {
    stop(1000);
  }
}
