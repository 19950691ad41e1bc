package dev.keycast.nip46.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TCP forwarder on a fixed local port that can be stopped (dropping every connection and refusing
 * new ones) and started again on the same port: a database "going away and coming back" without
 * touching the real server.
 */
public final class TcpProxy implements AutoCloseable {
  private final int targetPort;
  private final int port;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket server;
  private final ReentrantLock gate = new ReentrantLock();

  /** Signalled when traffic may flow again ({@link #resume}) or a connection was closed. */
  private final Condition reopened = gate.newCondition();

  private boolean paused; // guarded by gate

  /** Starts forwarding an ephemeral local port to {@code 127.0.0.1:targetPort}. */
  public TcpProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = bind(0);
    this.port = server.getLocalPort();
    acceptLoop(server);
  }

  /** The local port clients connect to. */
  public int port() {
    return port;
  }

  private static ServerSocket bind(int port) throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress("127.0.0.1", port));
    return s;
  }

  private void acceptLoop(ServerSocket s) {
    Thread.ofVirtual()
        .name("tcp-proxy-accept")
        .start(
            () -> {
              while (!s.isClosed()) {
                try {
                  Socket in = s.accept();
                  Socket out = new Socket("127.0.0.1", targetPort);
                  sockets.add(in);
                  sockets.add(out);
                  pump(in, out);
                  pump(out, in);
                } catch (IOException e) {
                  return;
                }
              }
            });
  }

  private void pump(Socket from, Socket to) {
    Thread.ofVirtual()
        .name("tcp-proxy-pump")
        .start(
            () -> {
              byte[] buf = new byte[16384];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                  awaitForwarding(
                      from); // black hole while paused: hold the bytes, keep the connection open
                  out.write(buf, 0, n);
                  out.flush();
                }
              } catch (IOException | InterruptedException ignored) {
                // connection dropped: close both ends below
              } finally {
                closeQuietly(from);
                closeQuietly(to);
                wakeHeldPumps(); // the other direction, if held by a pause, sees its socket closed
                // and ends
              }
            });
  }

  private void awaitForwarding(Socket from) throws InterruptedException {
    gate.lock();
    try {
      while (paused && !from.isClosed()) {
        reopened.await();
      }
    } finally {
      gate.unlock();
    }
  }

  /** Wakes pumps held by a pause so that those whose socket was closed end. */
  private void wakeHeldPumps() {
    gate.lock();
    try {
      reopened.signalAll();
    } finally {
      gate.unlock();
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  /**
   * Black-holes traffic: connections stay open but nothing is forwarded until {@link #resume()}.
   */
  public void pause() {
    gate.lock();
    try {
      paused = true;
    } finally {
      gate.unlock();
    }
  }

  /** Forwards traffic again. */
  public void resume() {
    gate.lock();
    try {
      paused = false;
      reopened.signalAll();
    } finally {
      gate.unlock();
    }
  }

  /** Stops listening and drops every open connection. */
  public void stop() throws IOException {
    server.close();
    for (Socket s : sockets) {
      closeQuietly(s);
    }
    sockets.clear();
    wakeHeldPumps();
  }

  /** Listens again on the same port. */
  public void start() throws IOException {
    server = bind(port);
    acceptLoop(server);
  }

  /** Rewrites a JDBC URL naming {@code :targetPort/} to go through this proxy. */
  public String rewrite(String jdbcUrl) {
    String from = ":" + targetPort + "/";
    if (!jdbcUrl.contains(from)) {
      throw new IllegalArgumentException("the URL does not name port " + targetPort);
    }
    return jdbcUrl.replace(from, ":" + port + "/");
  }

  @Override
  public void close() throws IOException {
    stop();
  }
}
