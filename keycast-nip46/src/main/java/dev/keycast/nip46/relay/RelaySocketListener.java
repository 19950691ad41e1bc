package dev.keycast.nip46.relay;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one relay session does with what arrives: passes each text message on (dropping those over
 * the size cap, and binary ones), records when anything last arrived, and signals the end of the
 * session. Not API.
 *
 * <p>Threads: {@link RelayWebSocket} calls the handler methods sequentially on its reader loop.
 * {@link #ended}, {@link #closeReason()} and {@link #lastReceivedNanos()} are read by the connect
 * loop (volatile or a future).
 */
final class RelaySocketListener implements RelayWebSocket.Handler {
  private static final Logger LOG = LoggerFactory.getLogger(RelaySocketListener.class);

  /** Completes normally when the relay closes the socket, exceptionally when the socket fails. */
  final CompletableFuture<Void> ended = new CompletableFuture<>();

  private final String url;
  private final int maxMessageChars;
  private final Consumer<CharSequence> onMessage;
  private final Runnable onDropped;
  private volatile String closeReason = "";
  private volatile long lastReceivedNanos = System.nanoTime();

  /**
   * @param url the relay URL, for log lines
   * @param maxMessageChars the longest message passed on, in chars
   * @param onMessage receives each complete text message (on the reader loop; must not block long).
   *     The text is the socket's decode buffer, valid only during the call: read it, do not keep
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

  /**
   * The byte limit for the socket that feeds this listener: a message of {@code maxMessageChars}
   * chars is at most three UTF-8 bytes per char.
   */
  int maxMessageBytes() {
    return (int) Math.min(Integer.MAX_VALUE - 64, 3L * maxMessageChars);
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
  public void onFrame() {
    markAlive();
  }

  @Override
  public void onText(CharSequence text) {
    if (text.length() > maxMessageChars) {
      onDropped();
      return;
    }
    onMessage.accept(text); // the socket's decode buffer, no copy (issue 15)
  }

  @Override
  public void onDropped() {
    onDropped.run();
    LOG.debug("relay {}: a binary message or one over {} chars dropped", url, maxMessageChars);
  }

  @Override
  public void onEnd(int code, String reason, @Nullable Throwable error) {
    if (error != null) {
      ended.completeExceptionally(error);
      return;
    }
    closeReason = "closed by relay (" + code + (reason.isEmpty() ? "" : " " + reason) + ")";
    ended.complete(null);
  }
}
