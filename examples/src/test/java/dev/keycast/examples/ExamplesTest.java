package dev.keycast.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

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
    assertThat(out).contains("signed and verified: {\"id\":").contains("decrypted by bob: meet at noon");
  }

  @Test
  void embeddedSignerExample_customPolicyAllowsNotesOnly() throws Exception {
    String out = run(() -> EmbeddedSignerExample.main(new String[0]));
    assertThat(out).contains("connect:        Success[result=ack]");
    assertThat(out).containsPattern("sign kind 1: +Success\\[result=\\{\"id\"");
    assertThat(out).contains("sign kind 7:    Failure[error=");
    assertThat(out).contains("blocked word:   Failure[error=");
    assertThat(out).contains("nip44_encrypt:  Failure[error=");
  }
}
