package dev.keycast.nip46.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.DefaultSSLWebSocketServerFactory;
import org.java_websocket.server.WebSocketServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wss://}: a real TLS WebSocket server (Java-WebSocket, a certificate made by the JDK's
 * keytool for {@code localhost}) echoes what the client sends; the client verifies the host name,
 * so the same certificate reached as {@code 127.0.0.1} is refused.
 */
class RelayWebSocketTlsTest {
  private static final char[] PASSWORD = "changeit".toCharArray();
  @TempDir static Path dir;
  private static SSLContext serverTls;
  private static SSLContext clientTls;
  private static EchoServer server;
  private final ExecutorService io = Executors.newVirtualThreadPerTaskExecutor();

  /** Echoes every text message back. */
  static final class EchoServer extends WebSocketServer {
    final CompletableFuture<Void> started = new CompletableFuture<>();

    EchoServer() {
      super(new InetSocketAddress("127.0.0.1", 0));
      setDaemon(true);
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {}

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {}

    @Override
    public void onMessage(WebSocket conn, String message) {
      conn.send("echo " + message);
    }

    @Override
    public void onError(WebSocket conn, Exception ex) {}

    @Override
    public void onStart() {
      started.complete(null);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    Path store = dir.resolve("relay.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "relay",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost",
                "-validity",
                "2",
                "-keystore",
                store.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                "changeit",
                "-keypass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    String out = new String(keytool.getInputStream().readAllBytes());
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(out).isZero();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, PASSWORD);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PASSWORD);
    serverTls = SSLContext.getInstance("TLS");
    serverTls.init(kmf.getKeyManagers(), null, null);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    clientTls = SSLContext.getInstance("TLS");
    clientTls.init(null, tmf.getTrustManagers(), null);
    server = new EchoServer();
    server.setWebSocketFactory(new DefaultSSLWebSocketServerFactory(serverTls));
    server.start();
    server.started.get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    server.stop(1000);
  }

  @Test
  void wss_echoesOverTls_andClosesCleanly() throws Exception {
    RelayWebSocketTest.Recorder rec = new RelayWebSocketTest.Recorder();
    RelayWebSocket ws =
        RelayWebSocket.connect(
            URI.create("wss://localhost:" + server.getPort() + "/"),
            Duration.ofSeconds(10),
            clientTls,
            1 << 20,
            io,
            rec);
    String big = "€".repeat(30_000);
    ws.sendText("[\"REQ\",\"s\",{}]");
    ws.sendText(big);
    for (int i = 0; i < 500 && rec.texts.size() < 2; i++) {
      Thread.sleep(10);
    }
    assertThat(rec.texts).containsExactly("echo [\"REQ\",\"s\",{}]", "echo " + big);
    ws.sendClose(RelayWebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
    assertThat(rec.awaitEnd()).startsWith("1000");
    assertThat(rec.error).isNull();
    ws.abort();
    io.shutdownNow();
  }

  @Test
  void wss_hostNameNotInTheCertificate_refused() {
    RelayWebSocketTest.Recorder rec = new RelayWebSocketTest.Recorder();
    assertThatThrownBy(
            () ->
                RelayWebSocket.connect(
                    URI.create("wss://127.0.0.1:" + server.getPort() + "/"),
                    Duration.ofSeconds(10),
                    clientTls,
                    1 << 20,
                    io,
                    rec))
        .isInstanceOf(SSLHandshakeException.class);
    io.shutdownNow();
  }
}
