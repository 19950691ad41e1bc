package dev.keycast.nip46.relay;

import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.internal.Utf8EventMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;

/**
 * A WebSocket client connection (RFC 6455) to one relay, over a blocking socket: {@code ws://} or
 * {@code wss://} (TLS with host name verification), no extensions, text messages in and out. Not
 * API; {@link RelayConnection} runs one per session.
 *
 * <p>It replaces the JDK's {@code java.net.http.WebSocket}, which allocates a decode buffer and a
 * task per received message and copies every sent frame (issue 15): here one reader loop reads
 * frames into a buffer kept for the session and decodes each message into a reused {@code
 * CharBuffer}; one writer loop encodes queued messages straight into a reused, masked frame buffer
 * and writes whatever is queued in one socket write.
 *
 * <p>Threads: {@link #connect} blocks the caller (interruptible: interrupting it closes the
 * socket). The reader and writer loops run on the given executor (two long-running tasks per
 * connection: use virtual threads). The {@link Handler} is called on the reader loop only,
 * sequentially; what it is handed is valid only during the call. {@link #sendText}, {@link
 * #sendPing}, {@link #sendClose} and {@link #abort} may be called from any thread and never block:
 * frames are queued (in order) for the writer loop. The queue's lock is never held across I/O.
 */
final class RelayWebSocket {
  /** What the reader loop reports, sequentially, on its thread. */
  interface Handler {
    /** A frame of any type arrived (for liveness). */
    void onFrame();

    /**
     * A complete text message; {@code text} is a buffer reused for the next one: read it, do not
     * keep it.
     */
    void onText(CharSequence text);

    /** A message was dropped: binary, or longer than the connection's byte limit. */
    void onDropped();

    /**
     * The session ended: the relay closed it ({@code error} null, with its close code and reason)
     * or it failed ({@code error} set: I/O error, protocol violation, abort). Called exactly once,
     * last.
     */
    void onEnd(int code, String reason, @Nullable Throwable error);
  }

  static final int NORMAL_CLOSURE = 1000;
  private static final int PROTOCOL_ERROR = 1002;
  private static final int INVALID_PAYLOAD = 1007;
  private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  private static final int MAX_RESPONSE_HEAD = 16 * 1024;

  /** Queued frames are written together up to about this many bytes per socket write. */
  private static final int WRITE_CHUNK = 64 * 1024;

  private static final int OP_CONTINUATION = 0x0;
  private static final int OP_TEXT = 0x1;
  private static final int OP_BINARY = 0x2;
  private static final int OP_CLOSE = 0x8;
  private static final int OP_PING = 0x9;
  private static final int OP_PONG = 0xA;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final Handler handler;
  private final int maxMessageBytes;
  private final SecureRandom maskSource;

  // Reader state, confined to the reader loop (the handshake fills the buffer first).
  private final byte[] readBuf = new byte[16 * 1024];
  private int readPos;
  private int readLimit;
  private byte[] message = new byte[4 * 1024];
  private CharBuffer decoded = CharBuffer.allocate(4 * 1024);
  private final CharsetDecoder utf8 =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);

  // The send queue, guarded by lock; the writer loop takes everything queued at once.
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition queued = lock.newCondition();
  private ArrayDeque<Frame> queue = new ArrayDeque<>();
  private ArrayDeque<Frame> writing = new ArrayDeque<>();
  private boolean outputClosed; // a close frame was queued, or the output failed
  private boolean stopped; // the writer loop ends once the queue is empty
  // Writer state, confined to the writer loop.
  private byte[] frameBuf = new byte[16 * 1024];
  private boolean closeWritten;
  // Reader state, confined to the reader loop: the message being read (OP_TEXT or OP_BINARY while
  // a fragmented one is open, else -1), its length so far, whether it is being skipped.
  private int messageOpcode = -1;
  private int messageLength;
  private boolean oversized;
  private final byte[] mask = new byte[4];

  private volatile boolean aborted;

  private RelayWebSocket(
      Socket socket, InputStream in, OutputStream out, Handler handler, int maxMessageBytes) {
    this.socket = socket;
    this.in = in;
    this.out = out;
    this.handler = handler;
    this.maxMessageBytes = maxMessageBytes;
    this.maskSource = new SecureRandom();
  }

  /**
   * Opens a connection: TCP (and TLS for {@code wss}), then the opening handshake, then starts the
   * reader and writer loops on {@code executor}. Blocks for at most about {@code timeout} per step;
   * interrupting the caller closes the socket.
   *
   * @param uri a {@code ws://} or {@code wss://} URL
   * @param timeout the connect timeout, also the limit for the TLS and WebSocket handshakes
   * @param tls the TLS context for {@code wss}, or null for the JVM's default (the usual CAs)
   * @param maxMessageBytes the longest message passed to the handler, in UTF-8 bytes; longer ones
   *     are skipped and reported as dropped
   * @param executor runs the reader and writer loops (two long-running tasks)
   * @param handler gets what arrives
   * @return the open connection
   * @throws IOException if the connection or a handshake fails (also when interrupted), or the
   *     executor refuses the loops
   */
  static RelayWebSocket connect(
      URI uri,
      Duration timeout,
      @Nullable SSLContext tls,
      int maxMessageBytes,
      Executor executor,
      Handler handler)
      throws IOException {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean secure =
        switch (scheme) {
          case "wss" -> true;
          case "ws" -> false;
          default -> throw new IOException("not a ws:// or wss:// URL: " + uri);
        };
    String host = uri.getHost();
    if (host == null) {
      throw new IOException("no host in " + uri);
    }
    String bareHost =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    int port = uri.getPort() >= 0 ? uri.getPort() : secure ? 443 : 80;
    int timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(bareHost, port), timeoutMillis);
      socket.setSoTimeout(timeoutMillis);
      if (secure) {
        SSLContext context = tls != null ? tls : defaultTls();
        SSLSocket ssl =
            (SSLSocket) context.getSocketFactory().createSocket(socket, bareHost, port, true);
        SSLParameters params = ssl.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        ssl.setSSLParameters(params);
        ssl.startHandshake();
        socket = ssl;
      }
      RelayWebSocket ws =
          new RelayWebSocket(
              socket, socket.getInputStream(), socket.getOutputStream(), handler, maxMessageBytes);
      ws.handshake(uri, host, port, secure);
      socket.setSoTimeout(0);
      try {
        executor.execute(ws::readLoop);
        executor.execute(ws::writeLoop);
      } catch (RejectedExecutionException e) {
        // a closed pool's executor: the socket is closed below, which ends a reader already started
        throw new IOException("the executor refused the socket's loops (shut down?)", e);
      }
      return ws;
    } catch (IOException | RuntimeException e) {
      closeQuietly(socket);
      throw e;
    }
  }

  private static SSLContext defaultTls() throws IOException {
    try {
      return SSLContext.getDefault();
    } catch (NoSuchAlgorithmException e) {
      throw new IOException("no default TLS context", e);
    }
  }

  // ---- the opening handshake (on the connecting thread) ----

  private void handshake(URI uri, String host, int port, boolean secure) throws IOException {
    byte[] nonce = new byte[16];
    maskSource.nextBytes(nonce);
    String key = Base64.getEncoder().encodeToString(nonce);
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      path += "?" + uri.getRawQuery();
    }
    boolean defaultPort = port == (secure ? 443 : 80);
    String request =
        "GET "
            + path
            + " HTTP/1.1\r\nHost: "
            + host
            + (defaultPort ? "" : ":" + port)
            + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
            + key
            + "\r\nSec-WebSocket-Version: 13\r\nUser-Agent: keycast\r\n\r\n";
    out.write(request.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();

    String head = readResponseHead();
    String[] lines = head.split("\r\n", -1);
    String[] status = lines[0].split(" ", 3);
    if (status.length < 2 || !status[0].startsWith("HTTP/1.") || !status[1].equals("101")) {
      throw new ProtocolException("relay refused the WebSocket upgrade: " + printable(lines[0]));
    }
    String accept = null;
    boolean upgrade = false;
    boolean connection = false;
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = lines[i].substring(colon + 1).trim();
      switch (name) {
        case "sec-websocket-accept" -> accept = value;
        case "upgrade" -> upgrade = value.equalsIgnoreCase("websocket");
        case "connection" -> connection = value.toLowerCase(Locale.ROOT).contains("upgrade");
        case "sec-websocket-extensions", "sec-websocket-protocol" -> {
          if (!value.isEmpty()) {
            throw new ProtocolException("relay chose " + name + " we did not offer");
          }
        }
        default -> {}
      }
    }
    if (!upgrade || !connection) {
      throw new ProtocolException("relay's 101 lacks Upgrade: websocket / Connection: Upgrade");
    }
    if (!expectedAccept(key).equals(accept)) {
      throw new ProtocolException("relay's Sec-WebSocket-Accept does not match our key");
    }
  }

  /** The response head up to the blank line; bytes after it stay in the read buffer (frames). */
  private String readResponseHead() throws IOException {
    StringBuilder head = new StringBuilder(256);
    while (!endsWithBlankLine(head)) {
      if (head.length() == MAX_RESPONSE_HEAD) {
        throw new ProtocolException("relay's HTTP response head is over " + MAX_RESPONSE_HEAD);
      }
      head.append((char) readByte());
    }
    return head.substring(0, head.length() - 4);
  }

  private static boolean endsWithBlankLine(StringBuilder s) {
    int n = s.length();
    return n >= 4
        && s.charAt(n - 4) == '\r'
        && s.charAt(n - 3) == '\n'
        && s.charAt(n - 2) == '\r'
        && s.charAt(n - 1) == '\n';
  }

  static String expectedAccept(String key) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-1")
              .digest((key + ACCEPT_GUID).getBytes(StandardCharsets.ISO_8859_1));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every JVM", e);
    }
  }

  private static String printable(String s) {
    String cut = s.length() > 120 ? s.substring(0, 120) : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }

  // ---- sending (any thread; never blocks) ----

  private static final byte[] NO_PAYLOAD = new byte[0];

  /**
   * One queued frame: a text message (given as text, or as an event whose {@code EVENT} message is
   * written straight into the frame), or a control frame with its payload (never changed).
   */
  private static final class Frame {
    final int opcode;
    final @Nullable CharSequence text;
    final @Nullable SignedEvent event;
    final byte[] payload;
    final CompletableFuture<Void> sent;

    Frame(
        int opcode,
        @Nullable CharSequence text,
        @Nullable SignedEvent event,
        byte[] payload,
        CompletableFuture<Void> sent) {
      this.opcode = opcode;
      this.text = text;
      this.event = event;
      this.payload = payload;
      this.sent = sent;
    }
  }

  /**
   * Queues a text message (one frame). The future completes once it was written to the socket, or
   * fails if the connection closes first. Never blocks; the text must not change until then.
   */
  CompletableFuture<Void> sendText(CharSequence text) {
    return enqueue(OP_TEXT, text, null, NO_PAYLOAD, false);
  }

  /**
   * Queues the text message {@code ["EVENT",event]}, written as UTF-8 straight into the frame (the
   * same bytes as {@code sendText(RelayMessages.eventMessage(event))}, without that text). Never
   * blocks; completes as {@link #sendText} does.
   */
  CompletableFuture<Void> sendEvent(SignedEvent event) {
    return enqueue(OP_TEXT, null, event, NO_PAYLOAD, false);
  }

  /** Queues an empty ping. Never blocks. */
  CompletableFuture<Void> sendPing() {
    return enqueue(OP_PING, null, null, NO_PAYLOAD, false);
  }

  /**
   * Queues a close frame after everything queued; nothing can be sent after it. The future
   * completes once it was written. Never blocks.
   */
  CompletableFuture<Void> sendClose(int code, String reason) {
    byte[] r = reason.getBytes(StandardCharsets.UTF_8);
    byte[] payload = new byte[2 + Math.min(r.length, 123)];
    payload[0] = (byte) (code >> 8);
    payload[1] = (byte) code;
    System.arraycopy(r, 0, payload, 2, payload.length - 2);
    return enqueue(OP_CLOSE, null, null, payload, true);
  }

  private CompletableFuture<Void> enqueue(
      int opcode,
      @Nullable CharSequence text,
      @Nullable SignedEvent event,
      byte[] payload,
      boolean closing) {
    CompletableFuture<Void> sent = new CompletableFuture<>();
    lock.lock();
    try {
      if (outputClosed) {
        return CompletableFuture.failedFuture(new IOException("WebSocket output closed"));
      }
      queue.add(new Frame(opcode, text, event, payload, sent));
      if (closing) {
        outputClosed = true;
      }
      queued.signal();
    } finally {
      lock.unlock();
    }
    return sent;
  }

  /** Closes the socket now: both loops end, queued frames fail. Never blocks. */
  void abort() {
    aborted = true;
    stopWriter();
    closeQuietly(socket);
  }

  private void stopWriter() {
    lock.lock();
    try {
      outputClosed = true;
      stopped = true;
      queued.signal();
    } finally {
      lock.unlock();
    }
  }

  // ---- the writer loop ----

  private void writeLoop() {
    IOException failure = null;
    try {
      for (ArrayDeque<Frame> batch; (batch = nextBatch()) != null; ) {
        failure = writeBatch(batch);
        if (failure != null || closeWritten) {
          break;
        }
      }
    } catch (InterruptedException e) {
      failure = new IOException("WebSocket writer interrupted");
    }
    IOException cause = failure != null ? failure : new IOException("WebSocket output closed");
    lock.lock();
    try {
      outputClosed = true;
      stopped = true;
      for (Frame f; (f = queue.poll()) != null; ) {
        f.sent.completeExceptionally(cause);
      }
    } finally {
      lock.unlock();
    }
    if (failure != null) {
      closeQuietly(socket); // the reader loop ends and reports it
    }
  }

  /**
   * Waits for queued frames and takes them all (swapping the two queues); null once stopped with
   * nothing queued. The loop's steps are methods of their own, so that the JIT compiles them as
   * methods, once, instead of recompiling the long-running loop around them (it did, three times in
   * a 12-s window, about half a second of C2 time: issue 15).
   */
  private @Nullable ArrayDeque<Frame> nextBatch() throws InterruptedException {
    lock.lock();
    try {
      while (queue.isEmpty() && !stopped) {
        queued.await();
      }
      if (queue.isEmpty()) {
        return null;
      }
      ArrayDeque<Frame> batch = queue;
      queue = writing;
      writing = batch;
      return batch;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Writes a batch in as few socket writes as {@link #WRITE_CHUNK} allows, then completes its
   * frames' futures and empties it. Sets {@link #closeWritten} when it held the close frame.
   *
   * @return the write's failure, or null
   */
  private @Nullable IOException writeBatch(ArrayDeque<Frame> batch) {
    IOException failure = null;
    try {
      int n = 0;
      for (Frame f : batch) {
        if (n > WRITE_CHUNK) {
          out.write(frameBuf, 0, n);
          n = 0;
        }
        n = encode(f, n);
        closeWritten |= f.opcode == OP_CLOSE;
      }
      out.write(frameBuf, 0, n);
      out.flush();
    } catch (IOException e) {
      failure = e;
    }
    for (Frame f; (f = batch.poll()) != null; ) {
      if (failure == null) {
        f.sent.complete(null);
      } else {
        f.sent.completeExceptionally(failure);
      }
    }
    if (frameBuf.length > 4 * WRITE_CHUNK) {
      frameBuf = new byte[16 * 1024]; // after a rare large message: do not keep its buffer
    }
    return failure;
  }

  /** Writes one masked frame into {@link #frameBuf} at {@code at}; returns the new end. */
  private int encode(Frame f, int at) {
    CharSequence text = f.text;
    SignedEvent event = f.event;
    byte[] payload = f.payload;
    int length =
        text != null
            ? utf8Length(text)
            : event != null ? Utf8EventMessage.length(event) : payload.length;
    ensureFrameRoom(at, 14 + length);
    byte[] b = frameBuf;
    b[at++] = (byte) (0x80 | f.opcode);
    if (length < 126) {
      b[at++] = (byte) (0x80 | length);
    } else if (length < 65536) {
      b[at++] = (byte) (0x80 | 126);
      b[at++] = (byte) (length >> 8);
      b[at++] = (byte) length;
    } else {
      b[at++] = (byte) (0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        b[at++] = (byte) ((long) length >> shift);
      }
    }
    int key = maskSource.nextInt();
    mask[0] = (byte) (key >> 24);
    mask[1] = (byte) (key >> 16);
    mask[2] = (byte) (key >> 8);
    mask[3] = (byte) key;
    System.arraycopy(mask, 0, b, at, 4);
    at += 4;
    int start = at;
    if (text != null) {
      at = encodeUtf8(text, b, at);
    } else if (event != null) {
      at = Utf8EventMessage.write(event, b, at);
    } else {
      System.arraycopy(payload, 0, b, at, length);
      at += length;
    }
    for (int i = start; i < at; i++) {
      b[i] ^= mask[(i - start) & 3];
    }
    return at;
  }

  /** Grows {@link #frameBuf}, keeping its first {@code used} bytes, to hold {@code more}. */
  private void ensureFrameRoom(int used, int more) {
    if (frameBuf.length - used < more) {
      byte[] bigger = new byte[Math.max(frameBuf.length * 2, used + more)];
      System.arraycopy(frameBuf, 0, bigger, 0, used);
      frameBuf = bigger;
    }
  }

  /** UTF-8 length of {@code s}, a lone surrogate counting as the {@code '?'} it is sent as. */
  static int utf8Length(CharSequence s) {
    int n = s.length();
    int bytes = n;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        if (c < 0x800) {
          bytes += 1;
        } else if (Character.isHighSurrogate(c)
            && i + 1 < n
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          bytes += 2; // 4 bytes for 2 chars
          i++;
        } else if (Character.isSurrogate(c)) {
          // a lone surrogate: one '?'
        } else {
          bytes += 2;
        }
      }
    }
    return bytes;
  }

  /** Encodes {@code s} as UTF-8 at {@code at} (lone surrogates as {@code '?'}); returns the end. */
  static int encodeUtf8(CharSequence s, byte[] b, int at) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        b[at++] = (byte) c;
      } else if (c < 0x800) {
        b[at++] = (byte) (0xC0 | (c >> 6));
        b[at++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        b[at++] = (byte) (0xF0 | (cp >> 18));
        b[at++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        b[at++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        b[at++] = (byte) (0x80 | (cp & 0x3F));
      } else if (Character.isSurrogate(c)) {
        b[at++] = '?';
      } else {
        b[at++] = (byte) (0xE0 | (c >> 12));
        b[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        b[at++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    return at;
  }

  // ---- the reader loop ----

  private void readLoop() {
    int code = 1006;
    String reason = "";
    Throwable error = null;
    try {
      CloseFrame close = readFrames();
      code = close.code();
      reason = close.reason();
      // Answer the relay's close (unless we sent ours first), then let the writer finish.
      var unused = enqueue(OP_CLOSE, null, null, closePayload(code), true);
      stopWriter();
    } catch (ProtocolException e) {
      error = e;
      var unused = enqueue(OP_CLOSE, null, null, closePayload(protocolCode(e)), true);
      stopWriter();
    } catch (IOException | RuntimeException e) {
      error = aborted ? new IOException("WebSocket aborted", e) : e;
      stopWriter();
      closeQuietly(socket);
    }
    handler.onEnd(code, reason, error);
  }

  private record CloseFrame(int code, String reason) {}

  /** The code our close frame answers a protocol violation with. */
  private static int protocolCode(ProtocolException e) {
    return e instanceof PayloadException p ? p.code : PROTOCOL_ERROR;
  }

  /** A violation answered with a specific close code (invalid UTF-8: 1007). */
  private static final class PayloadException extends ProtocolException {
    private static final long serialVersionUID = 1L;
    final int code;

    PayloadException(int code, String message) {
      super(message);
      this.code = code;
    }
  }

  private static byte[] closePayload(int code) {
    if (code == 1005 || code == 1006) {
      return NO_PAYLOAD; // "no status" codes are never sent
    }
    return new byte[] {(byte) (code >> 8), (byte) code};
  }

  /** Reads frames until the relay's close frame; throws on I/O errors and protocol violations. */
  private CloseFrame readFrames() throws IOException {
    // One frame per call (as nextBatch and writeBatch for the writer: the JIT compiles the step
    // once as a method instead of recompiling the long-running loop)
    while (true) {
      CloseFrame close = readFrame();
      if (close != null) {
        return close;
      }
    }
  }

  /**
   * Reads one frame and does what it asks (a message delivered once complete, a ping answered).
   *
   * @return the relay's close frame, or null for any other frame
   */
  private @Nullable CloseFrame readFrame() throws IOException {
    int b0 = readByte();
    int b1 = readByte();
    handler.onFrame();
    boolean fin = (b0 & 0x80) != 0;
    int opcode = b0 & 0x0F;
    if ((b0 & 0x70) != 0) {
      throw new ProtocolException("reserved bits set (no extension was negotiated)");
    }
    if ((b1 & 0x80) != 0) {
      throw new ProtocolException("masked frame from the relay");
    }
    long length = b1 & 0x7F;
    if (length == 126) {
      length = ((long) readByte() << 8) | readByte();
    } else if (length == 127) {
      length = 0;
      for (int i = 0; i < 8; i++) {
        length = (length << 8) | readByte();
      }
      if (length < 0) {
        throw new ProtocolException("frame length over 2^63");
      }
    }
    if (opcode >= 0x8) {
      if (!fin || length > 125) {
        throw new ProtocolException("fragmented or long control frame");
      }
      byte[] payload = new byte[(int) length];
      readFully(payload, 0, payload.length);
      switch (opcode) {
        case OP_CLOSE -> {
          return closeFrame(payload);
        }
        case OP_PING -> {
          var unused = enqueue(OP_PONG, null, null, payload, false);
        }
        case OP_PONG -> {}
        default -> throw new ProtocolException("unknown control opcode " + opcode);
      }
      return null;
    }
    if (opcode == OP_CONTINUATION) {
      if (messageOpcode < 0) {
        throw new ProtocolException("continuation frame without a message");
      }
    } else if (opcode == OP_TEXT || opcode == OP_BINARY) {
      if (messageOpcode >= 0) {
        throw new ProtocolException("new message inside a fragmented one");
      }
      messageOpcode = opcode;
      messageLength = 0;
      oversized = false;
    } else {
      throw new ProtocolException("unknown opcode " + opcode);
    }
    if (oversized || messageOpcode == OP_BINARY || length > maxMessageBytes - messageLength) {
      oversized = true;
      skip(length);
    } else {
      int len = (int) length;
      if (message.length - messageLength < len) {
        byte[] bigger =
            new byte
                [(int)
                    Math.min(
                        maxMessageBytes,
                        Math.max(2L * message.length, messageLength + (long) len))];
        System.arraycopy(message, 0, bigger, 0, messageLength);
        message = bigger;
      }
      readFully(message, messageLength, len);
      messageLength += len;
    }
    if (fin) {
      if (oversized) {
        handler.onDropped();
      } else {
        handler.onText(decode(messageLength));
      }
      messageOpcode = -1;
    }
    return null;
  }

  private CloseFrame closeFrame(byte[] payload) throws ProtocolException {
    if (payload.length == 0) {
      return new CloseFrame(1005, "");
    }
    if (payload.length == 1) {
      throw new ProtocolException("close frame with a one-byte payload");
    }
    int code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
    String reason = new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
    return new CloseFrame(code, reason);
  }

  /** Decodes the message buffer's first {@code length} bytes into the reused char buffer. */
  private CharBuffer decode(int length) throws PayloadException {
    if (decoded.capacity() < length) {
      decoded = CharBuffer.allocate(Math.max(length, 2 * decoded.capacity()));
    }
    decoded.clear();
    utf8.reset();
    var result = utf8.decode(ByteBuffer.wrap(message, 0, length), decoded, true);
    if (result.isError()) {
      throw new PayloadException(INVALID_PAYLOAD, "text message is not valid UTF-8");
    }
    utf8.flush(decoded);
    return decoded.flip();
  }

  private int readByte() throws IOException {
    if (readPos == readLimit) {
      fill();
    }
    return readBuf[readPos++] & 0xFF;
  }

  private void fill() throws IOException {
    int n = in.read(readBuf, 0, readBuf.length);
    if (n < 0) {
      throw new IOException("connection closed by the relay without a close frame");
    }
    readPos = 0;
    readLimit = n;
  }

  private void readFully(byte[] dst, int off, int len) throws IOException {
    while (len > 0) {
      if (readPos == readLimit) {
        if (len >= readBuf.length) { // large: straight into the destination
          int n = in.read(dst, off, len);
          if (n < 0) {
            throw new IOException("connection closed by the relay without a close frame");
          }
          off += n;
          len -= n;
          continue;
        }
        fill();
      }
      int n = Math.min(len, readLimit - readPos);
      System.arraycopy(readBuf, readPos, dst, off, n);
      readPos += n;
      off += n;
      len -= n;
    }
  }

  private void skip(long len) throws IOException {
    while (len > 0) {
      if (readPos == readLimit) {
        fill();
      }
      int n = (int) Math.min(len, readLimit - readPos);
      readPos += n;
      len -= n;
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing: nothing to do
    }
  }
}
