package dev.keycast.nip46.relay;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A bare WebSocket client that records every text message, for testing the relay wire protocol directly. */
final class RawClient implements AutoCloseable {
  private final HttpClient http = HttpClient.newHttpClient();
  private final WebSocket ws;
  private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

  RawClient(String url) throws Exception {
    StringBuilder buf = new StringBuilder();
    ws = http.newWebSocketBuilder().buildAsync(URI.create(url), new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        buf.append(data);
        if (last) {
          received.add(buf.toString());
          buf.setLength(0);
        }
        webSocket.request(1);
        return null;
      }
    }).get(10, TimeUnit.SECONDS);
  }

  void send(String text) throws Exception {
    ws.sendText(text, true).get(10, TimeUnit.SECONDS);
  }

  /** The next message; fails the test after a generous bound. */
  String next() throws InterruptedException {
    String m = received.poll(30, TimeUnit.SECONDS);
    if (m == null) {
      throw new AssertionError("no message from the relay within 30 s");
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
