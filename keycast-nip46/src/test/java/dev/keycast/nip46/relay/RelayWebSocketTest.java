package dev.keycast.nip46.relay;

import static dev.keycast.nip46.relay.RawFrameServer.accepting;
import static dev.keycast.nip46.relay.RawFrameServer.frame;
import static dev.keycast.nip46.relay.RawFrameServer.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.RelayMessages;
import java.io.IOException;
import java.net.ProtocolException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The WebSocket client frame by frame against a server socket that writes exactly what a relay (or
 * a broken one) would: the handshake's checks, reassembly, control frames, limits, protocol
 * violations, the close handshake, and what the client sends (masked, UTF-8, every length form).
 */
class RelayWebSocketTest {
  private final ExecutorService io = Executors.newVirtualThreadPerTaskExecutor();
  private final Recorder rec = new Recorder();

  @AfterEach
  void stop() {
    io.shutdownNow();
  }

  /** What the reader loop reported. */
  static final class Recorder implements RelayWebSocket.Handler {
    final List<String> texts = new CopyOnWriteArrayList<>();
    final AtomicInteger frames = new AtomicInteger();
    final AtomicInteger dropped = new AtomicInteger();
    final CompletableFuture<String> end = new CompletableFuture<>();
    volatile @Nullable Throwable error;

    @Override
    public void onFrame() {
      frames.incrementAndGet();
    }

    @Override
    public void onText(CharSequence text) {
      texts.add(text.toString());
    }

    @Override
    public void onDropped() {
      dropped.incrementAndGet();
    }

    @Override
    public void onEnd(int code, String reason, @Nullable Throwable error) {
      this.error = error;
      end.complete(code + " " + reason);
    }

    String awaitEnd() throws Exception {
      return end.get(10, TimeUnit.SECONDS);
    }
  }

  /** Connects to {@code server} on a virtual thread (the server's handshake runs on the test's). */
  private CompletableFuture<RelayWebSocket> connecting(
      RawFrameServer server, int maxBytes, Recorder recorder) {
    return connecting(server, maxBytes, recorder, io);
  }

  /** The same, with the socket's loops on {@code loops}. */
  private CompletableFuture<RelayWebSocket> connecting(
      RawFrameServer server, int maxBytes, Recorder recorder, ExecutorService loops) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return RelayWebSocket.connect(
                URI.create(server.url()), Duration.ofSeconds(5), null, maxBytes, loops, recorder);
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        },
        io);
  }

  private RelayWebSocket open(RawFrameServer server, int maxBytes, byte[] afterHandshake)
      throws Exception {
    CompletableFuture<RelayWebSocket> ws = connecting(server, maxBytes, rec);
    String request = server.handshake(accepting(), afterHandshake);
    assertThat(request)
        .startsWith("GET /path?q=1 HTTP/1.1\r\n")
        .contains("Host: 127.0.0.1:")
        .contains("Upgrade: websocket\r\n")
        .contains("Sec-WebSocket-Version: 13\r\n");
    return ws.get(10, TimeUnit.SECONDS);
  }

  private void awaitTexts(int n) throws InterruptedException {
    for (int i = 0; i < 500 && rec.texts.size() < n; i++) {
      Thread.sleep(10);
    }
  }

  @Test
  void framesRightAfterThe101_fragments_controlFramesBetween_allDelivered() throws Exception {
    try (RawFrameServer server = new RawFrameServer()) {
      byte[] early = text("[\"EOSE\",\"s\"]"); // in the same TCP write as the 101
      RelayWebSocket ws = open(server, 1000, early);
      server.send(
          frame(false, 0x1, "[\"NOT".getBytes(StandardCharsets.UTF_8)),
          frame(true, 0x9, "p1".getBytes(StandardCharsets.UTF_8)), // a ping between fragments
          frame(false, 0x0, "ICE\",\"h".getBytes(StandardCharsets.UTF_8)),
          // a 3-byte character split across fragments
          frame(false, 0x0, new byte[] {(byte) 0xE2, (byte) 0x82}),
          frame(
              true, 0x0, concat(new byte[] {(byte) 0xAC}, "\"]".getBytes(StandardCharsets.UTF_8))),
          frame(true, 0xA, new byte[0])); // an unsolicited pong: only liveness
      awaitTexts(2);
      assertThat(rec.texts).containsExactly("[\"EOSE\",\"s\"]", "[\"NOTICE\",\"h€\"]");
      RawFrameServer.Frame pong = server.read();
      assertThat(pong.opcode()).isEqualTo(0xA);
      assertThat(pong.masked()).isTrue();
      assertThat(pong.text()).isEqualTo("p1");
      assertThat(rec.frames.get()).isEqualTo(7);
      ws.abort();
    }
  }

  @Test
  void oversizedAndBinaryMessages_droppedWhole_nextOneDelivered() throws Exception {
    try (RawFrameServer server = new RawFrameServer()) {
      RelayWebSocket ws = open(server, 100, new byte[0]);
      server.send(
          text("x".repeat(101)), // over the limit in one frame
          frame(false, 0x1, "y".repeat(60).getBytes(StandardCharsets.UTF_8)),
          frame(true, 0x0, "y".repeat(60).getBytes(StandardCharsets.UTF_8)), // over it in two
          frame(true, 0x2, new byte[] {1, 2, 3}),
          text("z".repeat(100)), // exactly the limit
          text("x".repeat(70_000))); // a 64-bit length, skipped without buffering
      server.send(text("last"));
      awaitTexts(2);
      assertThat(rec.texts).containsExactly("z".repeat(100), "last");
      assertThat(rec.dropped.get()).isEqualTo(4);
      ws.abort();
    }
  }

  @Test
  void relayClose_answeredWithItsCode_endReportsCodeAndReason() throws Exception {
    try (RawFrameServer server = new RawFrameServer()) {
      open(server, 1000, new byte[0]);
      server.send(frame(true, 0x8, concat(new byte[] {0x03, (byte) 0xE9}, "going".getBytes())));
      assertThat(rec.awaitEnd()).isEqualTo("1001 going");
      assertThat(rec.error).isNull();
      RawFrameServer.Frame answer = server.read();
      assertThat(answer.opcode()).isEqualTo(0x8);
      assertThat(answer.payload()).containsExactly(0x03, (byte) 0xE9);
    }
  }

  @Test
  void invalidUtf8_closes1007_andEndsWithAnError() throws Exception {
    try (RawFrameServer server = new RawFrameServer()) {
      open(server, 1000, new byte[0]);
      server.send(frame(true, 0x1, new byte[] {'[', (byte) 0xC3, '"', ']'}));
      rec.awaitEnd();
      assertThat(rec.error).isInstanceOf(ProtocolException.class).hasMessageContaining("UTF-8");
      RawFrameServer.Frame close = server.read();
      assertThat(close.opcode()).isEqualTo(0x8);
      assertThat(close.payload()).containsExactly(0x03, (byte) 0xEF); // 1007
      assertThat(rec.texts).isEmpty();
    }
  }

  @Test
  void protocolViolations_closeWith1002() throws Exception {
    byte[] masked = text("[]");
    masked[1] |= (byte) 0x80; // a masked server frame (the mask key is then read from the payload)
    byte[][] violations = {
      masked,
      frame(true, 0x0, "x".getBytes()), // a continuation without a message
      frame(true, 0x3, new byte[0]), // a reserved opcode
      frame(false, 0x9, new byte[0]), // a fragmented ping
      concat(frame(false, 0x1, "a".getBytes()), text("b")), // a new message inside one
      new byte[] {(byte) 0xC1, 0x00}, // RSV1 without an extension
    };
    for (byte[] violation : violations) {
      Recorder r = new Recorder();
      try (RawFrameServer server = new RawFrameServer()) {
        CompletableFuture<RelayWebSocket> ws = connecting(server, 1000, r);
        server.handshake(accepting(), violation);
        ws.get(10, TimeUnit.SECONDS);
        r.awaitEnd();
        assertThat(r.error).isInstanceOf(ProtocolException.class);
        RawFrameServer.Frame close = server.read();
        assertThat(close.opcode()).isEqualTo(0x8);
        assertThat(close.payload()).containsExactly(0x03, (byte) 0xEA); // 1002
      }
    }
  }

  @Test
  void sentMessages_maskedUtf8_everyLengthForm_inOrder_thenClose() throws Exception {
    try (RawFrameServer server = new RawFrameServer()) {
      RelayWebSocket ws = open(server, 1000, new byte[0]);
      String small = "[\"EVENT\",{\"content\":\"é€😀\"}]";
      String medium = "m".repeat(300);
      String large = "L".repeat(70_000);
      String loneSurrogate = "a\uD800b";
      List<CompletableFuture<Void>> sent =
          List.of(
              ws.sendText(small),
              ws.sendText(medium),
              ws.sendText(large),
              ws.sendText(loneSurrogate));
      for (String expected : List.of(small, medium, large, "a?b")) {
        RawFrameServer.Frame f = server.read();
        assertThat(f.fin()).isTrue();
        assertThat(f.opcode()).isEqualTo(0x1);
        assertThat(f.masked()).isTrue();
        assertThat(f.text()).isEqualTo(expected);
      }
      for (CompletableFuture<Void> s : sent) {
        s.get(5, TimeUnit.SECONDS);
      }
      ws.sendClose(RelayWebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
      RawFrameServer.Frame close = server.read();
      assertThat(close.opcode()).isEqualTo(0x8);
      assertThat(new String(close.payload(), 2, 3, StandardCharsets.UTF_8)).isEqualTo("bye");
      assertThatThrownBy(() -> ws.sendText("late").get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(IOException.class);
      server.send(frame(true, 0x8, new byte[] {0x03, (byte) 0xE8}));
      assertThat(rec.awaitEnd()).isEqualTo("1000 ");
      ws.abort();
    }
  }

  @Test
  void sentEvents_framedAsTheirEventMessage_betweenTexts_inOrder() throws Exception {
    try (RawFrameServer server = new RawFrameServer()) {
      RelayWebSocket ws = open(server, 1000, new byte[0]);
      SignedEvent small =
          new SignedEvent(
              "a".repeat(64),
              "b".repeat(64),
              1_700_000_000L,
              24133,
              List.of(List.of("p", "c".repeat(64)), List.of("e", "d".repeat(64))),
              "é€😀 \"quoted\" \n\u0001 \uD800",
              "e".repeat(128));
      SignedEvent large =
          new SignedEvent(
              "1".repeat(64), "2".repeat(64), 0, 1, List.of(), "x".repeat(70_000), "3".repeat(128));
      List<CompletableFuture<Void>> sent =
          List.of(ws.sendEvent(small), ws.sendText("between"), ws.sendEvent(large));
      for (String expected :
          List.of(
              RelayMessages.eventMessage(small).toString(),
              "between",
              RelayMessages.eventMessage(large).toString())) {
        RawFrameServer.Frame f = server.read();
        assertThat(f.opcode()).isEqualTo(0x1);
        assertThat(f.masked()).isTrue();
        assertThat(f.payload()).isEqualTo(expected.getBytes(StandardCharsets.UTF_8));
      }
      for (CompletableFuture<Void> s : sent) {
        s.get(5, TimeUnit.SECONDS);
      }
      ws.abort();
    }
  }

  @Test
  void utf8Length_matchesTheEncoder() {
    for (String s : List.of("", "abc", "é", "€", "😀", "a\uD800", "\uDC00x", "x\uD83D\uDE00y€é")) {
      byte[] b = new byte[4 * s.length()];
      assertThat(RelayWebSocket.encodeUtf8(s, b, 0)).as(s).isEqualTo(RelayWebSocket.utf8Length(s));
      String lenient = new String(b, 0, RelayWebSocket.utf8Length(s), StandardCharsets.UTF_8);
      assertThat(lenient)
          .isEqualTo(new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
    }
  }

  @Test
  void abort_endsTheSession_withAnError_andFailsQueuedSends() throws Exception {
    try (RawFrameServer server = new RawFrameServer()) {
      RelayWebSocket ws = open(server, 1000, new byte[0]);
      ws.abort();
      rec.awaitEnd();
      assertThat(rec.error).isInstanceOf(IOException.class);
      assertThatThrownBy(() -> ws.sendText("x").get(5, TimeUnit.SECONDS))
          .hasCauseInstanceOf(IOException.class);
      assertThat(server.clientClosed()).isTrue();
    }
  }

  @Test
  void relayVanishes_withoutCloseFrame_endsWithAnError() throws Exception {
    try (RawFrameServer server = new RawFrameServer()) {
      open(server, 1000, new byte[0]);
      server.close();
      rec.awaitEnd();
      assertThat(rec.error).isInstanceOf(IOException.class);
    }
  }

  @Test
  void refusedUpgrade_andWrongAccept_failTheConnect() throws Exception {
    String[] answers = {
      "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Accept: d3JvbmcK\r\n\r\n",
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Accept: {accept}\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n",
    };
    String[] messages = {
      "refused the WebSocket upgrade: HTTP/1.1 403 Forbidden", "Accept", "extensions"
    };
    for (int i = 0; i < answers.length; i++) {
      try (RawFrameServer server = new RawFrameServer()) {
        CompletableFuture<RelayWebSocket> ws = connecting(server, 1000, rec);
        server.handshake(answers[i], new byte[0]);
        assertThatThrownBy(() -> ws.get(10, TimeUnit.SECONDS))
            .hasRootCauseInstanceOf(ProtocolException.class)
            .rootCause()
            .hasMessageContaining(messages[i]);
      }
    }
  }

  @Test
  void notAWebSocketUrl_orNobodyListening_failTheConnect() {
    assertThatThrownBy(
            () ->
                RelayWebSocket.connect(
                    URI.create("http://127.0.0.1:1/"), Duration.ofSeconds(1), null, 10, io, rec))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a ws://");
    assertThatThrownBy(
            () ->
                RelayWebSocket.connect(
                    URI.create("ws://127.0.0.1:1/"), Duration.ofSeconds(1), null, 10, io, rec))
        .isInstanceOf(IOException.class);
  }

  @Test
  void executorThatRefusesTheLoops_failsTheConnect_andClosesTheSocket() throws Exception {
    try (RawFrameServer server = new RawFrameServer()) {
      ExecutorService closed = Executors.newVirtualThreadPerTaskExecutor();
      closed.shutdown();
      CompletableFuture<RelayWebSocket> ws = connecting(server, 1000, rec, closed);
      server.handshake(accepting(), new byte[0]);
      assertThatThrownBy(() -> ws.get(10, TimeUnit.SECONDS))
          .hasRootCauseInstanceOf(java.util.concurrent.RejectedExecutionException.class)
          .hasMessageContaining("refused the socket's loops");
      assertThat(server.clientClosed()).isTrue();
    }
  }

  private static byte[] concat(byte[]... parts) {
    return RawFrameServer.concat(parts);
  }
}
