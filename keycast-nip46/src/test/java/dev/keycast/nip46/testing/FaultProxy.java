package dev.keycast.nip46.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on loopback that a test can break: in front of a real server (PostgreSQL), it
 * forwards bytes both ways until told to fail.
 *
 * <ul>
 *   <li>{@link #cut()}: closes every open connection and closes new ones at once (a proxy killed, a
 *       server restarting);
 *   <li>{@link #hang()}: keeps connections open but forwards nothing (a network that silently drops
 *       packets);
 *   <li>{@link #restore()}: forwards again (new connections work; cut ones stay closed).
 * </ul>
 *
 * <p>Thread-safe. Each connection runs on two virtual threads.
 */
public final class FaultProxy implements AutoCloseable {
  private enum Mode {
    FORWARD,
    CUT,
    HANG
  }

  private final ServerSocket server;
  private final InetSocketAddress target;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile Mode mode = Mode.FORWARD;

  private FaultProxy(ServerSocket server, InetSocketAddress target) {
    this.server = server;
    this.target = target;
  }

  /** Starts a proxy on an ephemeral loopback port forwarding to {@code host:port}. */
  public static FaultProxy start(String host, int port) throws IOException {
    ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    FaultProxy p = new FaultProxy(s, new InetSocketAddress(host, port));
    Thread.ofVirtual().name("fault-proxy-accept").start(p::acceptLoop);
    return p;
  }

  /** Returns the port clients connect to. */
  public int port() {
    return server.getLocalPort();
  }

  /** Rewrites a JDBC URL for {@code host:port} to go through this proxy. */
  public String rewrite(String jdbcUrl) {
    String from = target.getHostString() + ":" + target.getPort();
    if (!jdbcUrl.contains(from)) {
      throw new IllegalArgumentException("URL does not name " + from + ": " + jdbcUrl);
    }
    return jdbcUrl.replace(from, "127.0.0.1:" + port());
  }

  /** Drops every connection now and every new one until {@link #restore()}. */
  public void cut() {
    mode = Mode.CUT;
    closeAll();
  }

  /** Stops forwarding without closing anything, until {@link #restore()}. */
  public void hang() {
    mode = Mode.HANG;
  }

  /** Forwards again. Connections dropped by {@link #cut()} stay closed. */
  public void restore() {
    mode = Mode.FORWARD;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return;
      }
      if (mode == Mode.CUT) {
        closeQuietly(client);
        continue;
      }
      Thread.ofVirtual().name("fault-proxy-conn").start(() -> connect(client));
    }
  }

  private void connect(Socket client) {
    Socket upstream = new Socket();
    try {
      upstream.connect(target, 2_000);
    } catch (IOException e) {
      closeQuietly(client);
      closeQuietly(upstream);
      return;
    }
    open.add(client);
    open.add(upstream);
    Thread.ofVirtual().name("fault-proxy-up").start(() -> pump(client, upstream));
    pump(upstream, client);
  }

  private void pump(Socket from, Socket to) {
    byte[] buf = new byte[16 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        while (mode == Mode.HANG && !from.isClosed()) {
          Thread.sleep(10); // hold the bytes: the peer sees a silent network
        }
        if (mode == Mode.CUT) {
          break;
        }
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side closed: close both below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      open.remove(from);
      open.remove(to);
    }
  }

  private void closeAll() {
    for (Socket s : open) {
      closeQuietly(s);
    }
    open.clear();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  /** Stops accepting and drops every connection. */
  @Override
  public void close() throws IOException {
    server.close();
    closeAll();
  }
}
