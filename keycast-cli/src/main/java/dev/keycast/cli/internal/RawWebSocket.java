package dev.keycast.cli.internal;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A minimal RFC 6455 WebSocket client over a plain socket, for a load generator: frames are encoded
 * (masked) by the caller ahead of time with {@link #textFrame}, so that {@link #send} is one
 * blocking write; one reader (a virtual thread) reads frames and hands each complete text message
 * to the receiver with its receive time. Answers pings; no extensions; {@code ws://} only.
 *
 * <p>Used by {@code keycast loadtest} and by {@code bench/e2e/OfferedLoad.java}.
 *
 * <p>Thread-safety: {@link #send} may be called from any thread (writes are serialized by a lock,
 * never held but for the write); the receiver runs on the reader thread only.
 */
public final class RawWebSocket implements AutoCloseable {
  /** Receives one complete text message (UTF-8) with its receive time. */
  @FunctionalInterface
  public interface Receiver {
    /**
     * Called on the reader thread for each text message; must be quick.
     *
     * @param atNanos the receive time ({@link System#nanoTime()})
     * @param utf8 the message, owned by the receiver from now on
     */
    void onText(long atNanos, byte[] utf8);
  }

  private static final SecureRandom RANDOM = new SecureRandom();
  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;
  private final ReentrantLock writeLock = new ReentrantLock();

  private RawWebSocket(Socket socket, DataInputStream in) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.in = in;
  }

  /**
   * Connects and completes the opening handshake, then starts the reader. Blocks.
   *
   * @param uri a {@code ws://} URL
   * @param receiver gets each text message
   * @return the open socket
   * @throws IOException if the connection or the handshake fails
   */
  public static RawWebSocket connect(URI uri, Receiver receiver) throws IOException {
    if (!"ws".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IOException("only ws:// URLs: " + uri);
    }
    int port = uri.getPort() < 0 ? 80 : uri.getPort();
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      s.connect(new InetSocketAddress(uri.getHost(), port), 10_000);
      byte[] nonce = new byte[16];
      RANDOM.nextBytes(nonce);
      String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
      String request =
          "GET "
              + path
              + " HTTP/1.1\r\nHost: "
              + uri.getHost()
              + ":"
              + port
              + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
              + Base64.getEncoder().encodeToString(nonce)
              + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      DataInputStream in =
          new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
      StringBuilder head = new StringBuilder();
      while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
        int c = in.read();
        if (c < 0) {
          throw new IOException("connection closed during the handshake");
        }
        head.append((char) c);
        if (head.length() > 16_384) {
          throw new IOException("handshake response too long");
        }
      }
      if (!head.toString().startsWith("HTTP/1.1 101")) {
        throw new IOException(
            "handshake refused: " + head.toString().lines().findFirst().orElse(""));
      }
      RawWebSocket ws = new RawWebSocket(s, in);
      Thread.ofVirtual().name("raw-ws-reader").start(() -> ws.read(receiver));
      return ws;
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /**
   * Encodes a final, masked text frame. CPU only: call it before the clock.
   *
   * @param text the message
   * @return the frame's bytes, ready for {@link #send}
   */
  public static byte[] textFrame(String text) {
    return frame(0x1, text.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] frame(int opcode, byte[] payload) {
    int n = payload.length;
    int header = n < 126 ? 2 : n < 65536 ? 4 : 10;
    byte[] f = new byte[header + 4 + n];
    f[0] = (byte) (0x80 | opcode);
    if (n < 126) {
      f[1] = (byte) (0x80 | n);
    } else if (n < 65536) {
      f[1] = (byte) (0x80 | 126);
      f[2] = (byte) (n >>> 8);
      f[3] = (byte) n;
    } else {
      f[1] = (byte) (0x80 | 127);
      for (int i = 0; i < 8; i++) {
        f[2 + i] = (byte) ((long) n >>> (56 - 8 * i));
      }
    }
    byte[] mask = new byte[4];
    RANDOM.nextBytes(mask);
    System.arraycopy(mask, 0, f, header, 4);
    for (int i = 0; i < n; i++) {
      f[header + 4 + i] = (byte) (payload[i] ^ mask[i & 3]);
    }
    return f;
  }

  /**
   * Whether {@code message} begins with {@code prefix}.
   *
   * @param message a message's bytes
   * @param prefix the expected start
   * @return true if it does
   */
  public static boolean startsWith(byte[] message, byte[] prefix) {
    return message.length >= prefix.length
        && Arrays.equals(message, 0, prefix.length, prefix, 0, prefix.length);
  }

  /**
   * Writes one encoded frame. Blocks while the socket's send buffer is full.
   *
   * @param frame from {@link #textFrame}
   * @throws IOException if the socket is closed or the write fails
   */
  public void send(byte[] frame) throws IOException {
    writeLock.lock();
    try {
      out.write(frame);
    } finally {
      writeLock.unlock();
    }
  }

  private void read(Receiver receiver) {
    ByteArrayOutputStream message = new ByteArrayOutputStream();
    try {
      while (true) {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long len = b1 & 0x7f;
        if (len == 126) {
          len = in.readUnsignedShort();
        } else if (len == 127) {
          len = in.readLong();
        }
        if (len < 0 || len > (64 << 20)) {
          return; // not a frame a relay sends: drop the connection
        }
        byte[] mask = (b1 & 0x80) != 0 ? in.readNBytes(4) : null;
        byte[] payload = new byte[(int) len];
        in.readFully(payload);
        if (mask != null) {
          for (int i = 0; i < payload.length; i++) {
            payload[i] ^= mask[i & 3];
          }
        }
        boolean fin = (b0 & 0x80) != 0;
        switch (b0 & 0x0f) {
          case 0x0, 0x1 -> { // continuation, text
            if (fin && message.size() == 0) {
              receiver.onText(System.nanoTime(), payload);
            } else {
              message.write(payload);
              if (fin) {
                receiver.onText(System.nanoTime(), message.toByteArray());
                message.reset();
              }
            }
          }
          case 0x8 -> {
            return; // close
          }
          case 0x9 -> pongLater(payload);
          default -> {} // pong, binary: ignored
        }
      }
    } catch (IOException e) {
      // closed by us or by the relay: the missing replies count as timeouts
    } finally {
      close();
    }
  }

  /**
   * Answers a ping from another thread: the reader must never wait for the write lock, which a
   * sender holds while the relay is slow to read (the reader would stop reading meanwhile).
   */
  private void pongLater(byte[] payload) {
    byte[] pong = frame(0xA, payload);
    Thread.ofVirtual()
        .name("raw-ws-pong")
        .start(
            () -> {
              try {
                send(pong);
              } catch (IOException e) {
                // the connection is closing: nothing to answer
              }
            });
  }

  /** Closes the socket (idempotent); the reader ends. */
  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing to do
    }
  }
}
