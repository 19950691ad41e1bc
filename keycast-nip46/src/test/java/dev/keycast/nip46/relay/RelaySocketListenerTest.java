package dev.keycast.nip46.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The listener's reassembly: a message in one part is passed as it came (no copy), parts are
 * joined, oversized messages are dropped whole, and it always asks for the next part. What the
 * consumer is given is read during the call, as the contract says.
 */
class RelaySocketListenerTest {
  private final List<String> messages = new ArrayList<>();
  private final List<CharSequence> given = new ArrayList<>();
  private final AtomicInteger dropped = new AtomicInteger();
  private final RequestCounter socket = new RequestCounter();
  private final RelaySocketListener listener =
      new RelaySocketListener(
          "ws://test",
          16,
          text -> {
            given.add(text);
            messages.add(text.toString());
          },
          dropped::incrementAndGet);

  @Test
  void wholeMessage_passedWithoutCopy() {
    CharBuffer frame = CharBuffer.wrap("[\"OK\"]".toCharArray());
    listener.onText(socket, frame, true);
    assertThat(given).containsExactly(frame);
    assertThat(messages).containsExactly("[\"OK\"]");
    assertThat(socket.requested.get()).isEqualTo(1);
  }

  @Test
  void parts_joined_thenBufferReused() {
    listener.onText(socket, "[\"EO", false);
    listener.onText(socket, "SE\",", false);
    listener.onText(socket, "\"s\"]", true);
    listener.onText(socket, "[1]", true);
    assertThat(messages).containsExactly("[\"EOSE\",\"s\"]", "[1]");
    assertThat(dropped.get()).isZero();
    assertThat(socket.requested.get()).isEqualTo(4);
  }

  @Test
  void oversized_droppedWhole_inOnePartOrMany() {
    listener.onText(socket, "x".repeat(17), true);
    listener.onText(socket, "x".repeat(9), false);
    listener.onText(socket, "x".repeat(9), false);
    listener.onText(socket, "x", true);
    listener.onText(socket, "x".repeat(16), true);
    assertThat(messages).containsExactly("x".repeat(16));
    assertThat(dropped.get()).isEqualTo(2);
    assertThat(socket.requested.get()).isEqualTo(5);
  }

  /** Counts what the listener asks of the socket; the listener uses nothing else of it. */
  private static final class RequestCounter implements WebSocket {
    final AtomicInteger requested = new AtomicInteger();

    @Override
    public void request(long n) {
      requested.addAndGet((int) n);
    }

    @Override
    public CompletableFuture<WebSocket> sendText(CharSequence data, boolean last) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<WebSocket> sendBinary(ByteBuffer data, boolean last) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<WebSocket> sendPing(ByteBuffer message) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<WebSocket> sendPong(ByteBuffer message) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<WebSocket> sendClose(int statusCode, String reason) {
      throw new UnsupportedOperationException();
    }

    @Override
    public String getSubprotocol() {
      return "";
    }

    @Override
    public boolean isOutputClosed() {
      return false;
    }

    @Override
    public boolean isInputClosed() {
      return false;
    }

    @Override
    public void abort() {}
  }
}
