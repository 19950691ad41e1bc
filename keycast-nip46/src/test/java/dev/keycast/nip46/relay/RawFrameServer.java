package dev.keycast.nip46.relay;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A one-connection WebSocket server over a plain server socket, for testing {@link RelayWebSocket}
 * frame by frame: the test writes exactly the bytes a relay would (or a broken one), and reads the
 * client's frames unmasked, checking that they were masked.
 */
final class RawFrameServer implements AutoCloseable {
  /** A frame as the client sent it. */
  record Frame(boolean fin, int opcode, boolean masked, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }
  }

  private final ServerSocket server;
  private final CompletableFuture<Socket> accepted = new CompletableFuture<>();
  private Socket socket;
  private DataInputStream in;
  private OutputStream out;

  RawFrameServer() throws IOException {
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                accepted.complete(server.accept());
              } catch (IOException e) {
                accepted.completeExceptionally(e);
              }
            });
  }

  String url() {
    return "ws://127.0.0.1:" + server.getLocalPort() + "/path?q=1";
  }

  /**
   * Reads the client's upgrade request and answers it with {@code responseHead} (its {@code
   * {accept}} replaced by the right Sec-WebSocket-Accept) followed by {@code extra} bytes in the
   * same write. Returns the request head.
   */
  String handshake(String responseHead, byte[] extra) throws Exception {
    socket = accepted.get(10, TimeUnit.SECONDS);
    socket.setSoTimeout(10_000);
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      head.append((char) in.readUnsignedByte());
    }
    String key = null;
    for (String line : head.toString().split("\r\n", -1)) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("sec-websocket-key:")) {
        key = line.substring(line.indexOf(':') + 1).trim();
      }
    }
    String response =
        responseHead.replace("{accept}", key == null ? "" : RelayWebSocket.expectedAccept(key));
    byte[] r = response.getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[r.length + extra.length];
    System.arraycopy(r, 0, all, 0, r.length);
    System.arraycopy(extra, 0, all, r.length, extra.length);
    out.write(all);
    out.flush();
    return head.toString();
  }

  /** The standard 101 answer. */
  static String accepting() {
    return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: {accept}\r\n\r\n";
  }

  /** An unmasked server frame. */
  static byte[] frame(boolean fin, int opcode, byte[] payload) {
    int n = payload.length;
    int header = n < 126 ? 2 : n < 65536 ? 4 : 10;
    byte[] f = new byte[header + n];
    f[0] = (byte) ((fin ? 0x80 : 0) | opcode);
    if (n < 126) {
      f[1] = (byte) n;
    } else if (n < 65536) {
      f[1] = 126;
      f[2] = (byte) (n >> 8);
      f[3] = (byte) n;
    } else {
      f[1] = 127;
      for (int i = 0; i < 8; i++) {
        f[2 + i] = (byte) ((long) n >> (56 - 8 * i));
      }
    }
    System.arraycopy(payload, 0, f, header, n);
    return f;
  }

  static byte[] text(String s) {
    return frame(true, 0x1, s.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] all = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, all, at, p.length);
      at += p.length;
    }
    return all;
  }

  void send(byte[]... frames) throws IOException {
    out.write(concat(frames));
    out.flush();
  }

  /** Reads the client's next frame, unmasked. */
  Frame read() throws IOException {
    int b0 = in.readUnsignedByte();
    int b1 = in.readUnsignedByte();
    long n = b1 & 0x7F;
    if (n == 126) {
      n = in.readUnsignedShort();
    } else if (n == 127) {
      n = in.readLong();
    }
    boolean masked = (b1 & 0x80) != 0;
    byte[] mask = new byte[4];
    if (masked) {
      in.readFully(mask);
    }
    byte[] payload = new byte[(int) n];
    in.readFully(payload);
    if (masked) {
      for (int i = 0; i < payload.length; i++) {
        payload[i] ^= mask[i & 3];
      }
    }
    return new Frame((b0 & 0x80) != 0, b0 & 0x0F, masked, payload);
  }

  /**
   * True once the client closed its side (end of stream, or a reset), within the socket timeout;
   * false if it stays open that long or sends a byte.
   */
  boolean clientClosed() {
    try {
      return in.read() < 0;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    if (socket != null) {
      socket.close();
    }
    server.close();
  }
}
