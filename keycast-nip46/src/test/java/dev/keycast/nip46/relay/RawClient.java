package dev.keycast.nip46.relay;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bare WebSocket client that records every text message, for testing the relay wire protocol
 * directly.
 */
final class RawClient implements AutoCloseable {
  private final HttpClient http = HttpClient.newHttpClient();
  private final WebSocket ws;
  private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
  private final StringBuffer events = new StringBuffer();

  RawClient(String url) throws Exception {
    StringBuilder buf = new StringBuilder();
    ws =
        http.newWebSocketBuilder()
            .buildAsync(
                URI.create(url),
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(
                      WebSocket webSocket, CharSequence data, boolean last) {
                    buf.append(data);
                    if (last) {
                      received.add(buf.toString());
                      buf.setLength(0);
                    }
                    webSocket.request(1);
                    return null;
                  }

                  @Override
                  public CompletionStage<?> onClose(
                      WebSocket webSocket, int statusCode, String reason) {
                    events
                        .append("closed ")
                        .append(statusCode)
                        .append(' ')
                        .append(reason)
                        .append("; ");
                    return null;
                  }

                  @Override
                  public void onError(WebSocket webSocket, Throwable error) {
                    events.append("error ").append(error).append("; ");
                  }
                })
            .get(10, TimeUnit.SECONDS);
  }

  void send(String text) throws Exception {
    ws.sendText(text, true).get(10, TimeUnit.SECONDS);
  }

  /** The next message; fails the test after a generous bound. */
  String next() throws InterruptedException {
    String m = received.poll(30, TimeUnit.SECONDS);
    if (m == null) {
      throw new AssertionError("no message from the relay within 30 s; socket events: " + events);
    }
    return m;
  }

  @Override
  public void close() {
    ws.abort();
    http.shutdownNow();
  }

  static Duration generous() {
    return Duration.ofSeconds(30);
  }
}
