package dev.keycast.nip46.relay;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket listener of one relay session: reassembles fragmented text frames into messages
 * (dropping those over the size cap and binary ones), records when anything last arrived, and
 * signals the end of the session. Not API.
 *
 * <p>Threads: the JDK calls the listener methods sequentially on the HttpClient's executor, so the
 * reassembly buffer is confined to them and needs no lock. {@link #ended}, {@link #closeReason()}
 * and {@link #lastReceivedNanos()} are read by the connect loop (volatile or a future).
 */
final class RelaySocketListener implements WebSocket.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(RelaySocketListener.class);

  /** Completes normally when the relay closes the socket, exceptionally when the socket fails. */
  final CompletableFuture<Void> ended = new CompletableFuture<>();

  private final String url;
  private final int maxMessageChars;
  private final Consumer<CharSequence> onMessage;
  private final Runnable onDropped;
  private volatile String closeReason = "";
  private volatile long lastReceivedNanos = System.nanoTime();
  // Confined to the listener callbacks, which the JDK calls sequentially.
  private final StringBuilder buffer = new StringBuilder();
  private boolean oversized;

  /**
   * @param url the relay URL, for log lines
   * @param maxMessageChars the longest message passed on, in chars after reassembly
   * @param onMessage receives each complete text message (on the I/O thread; must not block). The
   *     text is valid only during the call (a message in one frame is the JDK's decode buffer,
   *     passed without a copy; a reassembled one is this listener's buffer): read it, do not keep
   *     it.
   * @param onDropped called once per message dropped (oversized or binary)
   */
  RelaySocketListener(
      String url, int maxMessageChars, Consumer<CharSequence> onMessage, Runnable onDropped) {
    this.url = url;
    this.maxMessageChars = maxMessageChars;
    this.onMessage = onMessage;
    this.onDropped = onDropped;
  }

  /** Returns the relay's close code and reason, once {@link #ended} completed normally. */
  String closeReason() {
    return closeReason;
  }

  /**
   * Returns {@link System#nanoTime()} when the last frame (of any type) arrived, or when the
   * session opened.
   */
  long lastReceivedNanos() {
    return lastReceivedNanos;
  }

  /** Counts the session as alive now (it just opened). */
  void markAlive() {
    lastReceivedNanos = System.nanoTime();
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    markAlive();
    webSocket.request(1);
  }

  @Override
  public @Nullable CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    markAlive();
    if (last && !oversized && buffer.isEmpty() && data.length() <= maxMessageChars) {
      onMessage.accept(data); // a whole message in one part: no copy (issue 15)
      webSocket.request(1);
      return null;
    }
    if (!oversized) {
      if (buffer.length() + data.length() > maxMessageChars) {
        oversized = true;
        buffer.setLength(0);
      } else {
        buffer.append(data);
      }
    }
    if (last) {
      if (oversized) {
        onDropped.run();
        LOG.debug("relay {}: message over {} chars dropped", url, maxMessageChars);
      } else {
        onMessage.accept(buffer);
      }
      oversized = false;
      buffer.setLength(0);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public @Nullable CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    markAlive();
    if (last) {
      onDropped.run();
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public @Nullable CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
    markAlive();
    webSocket.request(1);
    return null;
  }

  @Override
  public @Nullable CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
    markAlive();
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
