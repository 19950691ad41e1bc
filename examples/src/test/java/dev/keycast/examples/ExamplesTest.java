package dev.keycast.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.BunkerUri;
import dev.keycast.nip46.EventTemplate;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.client.Nip46Client;
import dev.keycast.nip46.relay.DevRelay;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The examples run, not only compile: each main is executed and its output checked. */
class ExamplesTest {
  private static String run(ThrowingRunnable main) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      main.run();
    } finally {
      System.setOut(original);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void cryptoExample_signsVerifiesAndRoundTrips() throws Exception {
    String out = run(() -> CryptoExample.main(new String[0]));
    assertThat(out)
        .contains("signed and verified: {\"id\":")
        .contains("decrypted by bob: meet at noon");
  }

  @Test
  void embeddedSignerExample_servesUntilStoppedAndFindsItsKeyOnTheSecondRun(@TempDir Path home)
      throws Exception {
    try (DevRelay relay = DevRelay.start("127.0.0.1", 0)) {
      String first =
          serveOnce(
              home,
              relay.url(),
              uri -> {
                try (Nip46Client client =
                    Nip46Client.builder(BunkerUri.parse(uri), SecretKey.generate())
                        .timeout(Duration.ofSeconds(20))
                        .build()) {
                  client.awaitConnected(Duration.ofSeconds(20));
                  long now = Instant.now().getEpochSecond();
                  assertThat(client.connect(PermissionSet.all()).get())
                      .hasToString("Success[result=ack]");
                  assertThat(
                          client
                              .signEvent(new EventTemplate(1, "hello", List.of(), now))
                              .get()
                              .toString())
                      .startsWith("Success[result={\"id\"");
                  assertThat(
                          client
                              .signEvent(new EventTemplate(7, "+", List.of(), now))
                              .get()
                              .toString())
                      .startsWith("Failure[error=");
                  assertThat(
                          client
                              .signEvent(
                                  new EventTemplate(1, "my password is hunter2", List.of(), now))
                              .get()
                              .toString())
                      .startsWith("Failure[error=");
                  assertThat(
                          client
                              .nip44Encrypt(SecretKey.generate().publicKey(), "hi")
                              .get()
                              .toString())
                      .startsWith("Failure[error=");
                }
              });
      // a second run on the same data: the same key and authorization, no DuplicateEntryException;
      // the store keeps only the secret's hash, so the reused authorization gets a fresh secret
      String second = serveOnce(home, relay.url(), uri -> {});
      assertThat(withoutSecret(second)).isEqualTo(withoutSecret(first));
      assertThat(second).isNotEqualTo(first);
      assertThat(home.resolve("master.key")).exists();
    }
  }

  /**
   * Runs EmbeddedSignerExample.serve on a thread, gives its URI to the check, stops it, returns the
   * URI.
   */
  private static String serveOnce(Path home, String relay, ThrowingConsumer<String> check)
      throws Exception {
    CompletableFuture<String> uri = new CompletableFuture<>();
    CountDownLatch stop = new CountDownLatch(1);
    CompletableFuture<Void> served = new CompletableFuture<>();
    // its own thread, not the common pool: the client completes its futures there, and it may have
    // one thread
    Thread.ofPlatform()
        .name("example-serve")
        .start(
            () -> {
              try {
                EmbeddedSignerExample.serve(home, relay, uri::complete, stop);
                served.complete(null);
              } catch (Exception e) {
                uri.completeExceptionally(e);
                served.completeExceptionally(e);
              }
            });
    String u = uri.get(60, TimeUnit.SECONDS);
    try {
      check.accept(u);
    } finally {
      stop.countDown();
    }
    served.get(60, TimeUnit.SECONDS); // closed cleanly
    return u;
  }

  interface ThrowingConsumer<T> {
    void accept(T value) throws Exception;
  }

  /** The bunker URI without its {@code secret} parameter. */
  private static String withoutSecret(String uri) {
    return uri.replaceAll("[&?]secret=[0-9a-f]+", "");
  }
}
