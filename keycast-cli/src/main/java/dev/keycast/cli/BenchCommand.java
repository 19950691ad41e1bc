package dev.keycast.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keycast.cli.internal.Json;
import dev.keycast.cli.internal.Progress;
import dev.keycast.crypto.CryptoBackend;
import dev.keycast.crypto.Ecdh;
import dev.keycast.crypto.Nip44Cipher;
import dev.keycast.crypto.Nip44ConversationKey;
import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.SchnorrSigner;
import dev.keycast.crypto.SchnorrVerifier;
import dev.keycast.crypto.SecretKey;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.crypto.UnsignedEvent;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keycast bench}: single-thread operations per second of the crypto primitives on this
 * machine, per backend. A backend other than the one this JVM chose runs in a child JVM with {@code
 * -Dkeycast.crypto.backend} set, since the choice is made once per JVM. For rigorous figures use
 * the JMH benchmarks (docs/BENCHMARKS.md).
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description = {
      "Measures crypto operations per second on this machine (one thread), per backend.",
      "Operations: " + BenchCommand.OPS_LIST + "."
    })
public final class BenchCommand implements Callable<Integer> {
  static final String OPS_LIST =
      "schnorr_sign, schnorr_verify, ecdh_x, nip44_encrypt_100, nip44_decrypt_100, "
          + "nip44_encrypt_10k, event_sign, event_verify";

  /** Which backends to measure. */
  enum Target {
    /** libsecp256k1 (JNI or FFM). */
    NATIVE,
    /** Pure Java (Bouncy Castle). */
    JAVA,
    /** Both. */
    ALL
  }

  @Spec CommandSpec spec;

  @Option(
      names = "--seconds",
      paramLabel = "S",
      defaultValue = "1",
      description = "Measuring time per operation and backend, in seconds.")
  double seconds;

  @Option(
      names = "--backend",
      paramLabel = "BACKEND",
      defaultValue = "all",
      description = "native, java or all.")
  Target backend;

  @Option(
      names = "--json",
      description = "Print one JSON document: {\"native\":{OP:ops_per_sec,...},\"java\":{...}}.")
  boolean json;

  @Option(
      names = "--in-process",
      hidden = true,
      description = "Measure only the backend of this JVM (used by child JVMs).")
  boolean inProcess;

  /** Creates the command. */
  public BenchCommand() {}

  @Override
  public Integer call() throws Exception {
    if (!(seconds > 0) || seconds > 600) {
      throw new UsageException("--seconds must be in (0, 600], was " + seconds);
    }
    PrintWriter err = spec.commandLine().getErr();
    CryptoBackend active;
    try {
      active = CryptoBackend.active();
    } catch (RuntimeException e) {
      throw new UsageException("crypto backend unavailable: " + e.getMessage(), e);
    }
    Map<String, Map<String, Double>> results = new LinkedHashMap<>();
    List<CryptoBackend> wanted =
        switch (backend) {
          case NATIVE -> List.of(CryptoBackend.NATIVE);
          case JAVA -> List.of(CryptoBackend.JAVA);
          case ALL -> List.of(CryptoBackend.NATIVE, CryptoBackend.JAVA);
        };
    for (CryptoBackend b : wanted) {
      String name = b.name().toLowerCase(Locale.ROOT);
      if (b == active) {
        results.put(name, measure(name, err));
      } else if (inProcess) {
        throw new UsageException(
            "the " + name + " crypto backend is not available on this machine");
      } else {
        Map<String, Double> child = runChild(name, err);
        if (child != null) {
          results.put(name, child);
        } else if (backend != Target.ALL) {
          throw new UsageException(
              "the " + name + " crypto backend is not available on this machine");
        } else {
          err.println("bench: the " + name + " backend is not available on this machine: skipped");
        }
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.write(results));
    } else {
      printTable(out, results);
    }
    out.flush();
    return ExitCodes.OK;
  }

  private Map<String, Double> measure(String backendName, PrintWriter err) throws Exception {
    Ops ops = new Ops();
    Map<String, Callable<Object>> table = ops.table();
    Map<String, Double> result = new LinkedHashMap<>();
    Progress progress = new Progress(err, "bench " + backendName, table.size());
    for (Map.Entry<String, Callable<Object>> e : table.entrySet()) {
      progress.update(result.size(), e.getKey());
      result.put(e.getKey(), opsPerSecond(e.getValue(), seconds));
    }
    progress.done(table.size() + " operations measured");
    return result;
  }

  /**
   * Runs {@code op} for a short warm-up, then for {@code seconds}; returns operations per second
   * (0.1 precision).
   */
  static double opsPerSecond(Callable<Object> op, double seconds) throws Exception {
    long sink = 0;
    long warmupEnd = System.nanoTime() + (long) (Math.min(0.3, seconds / 3) * 1e9);
    while (System.nanoTime() < warmupEnd) {
      sink += op.call().hashCode();
    }
    long n = 0;
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    long now;
    do {
      for (int i = 0; i < 16; i++) {
        sink += op.call().hashCode();
      }
      n += 16;
      now = System.nanoTime();
    } while (now < end);
    if (sink == 42) {
      System.out.print(""); // keeps the results alive
    }
    return Math.round(n * 1e10 / (now - start)) / 10.0;
  }

  private @Nullable Map<String, Double> runChild(String backendName, PrintWriter err)
      throws IOException, InterruptedException {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                javaBin,
                "--enable-native-access=ALL-UNNAMED",
                "-Dkeycast.crypto.backend=" + backendName,
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "bench",
                "--in-process",
                "--json",
                "--backend",
                backendName,
                "--seconds",
                Double.toString(seconds)));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.PIPE).start();
    // stderr carries the child's progress line: relay it as it comes
    Thread relay =
        Thread.ofVirtual()
            .start(
                () -> {
                  try (var in = p.getErrorStream()) {
                    byte[] buf = new byte[512];
                    int r;
                    while ((r = in.read(buf)) > 0) {
                      err.print(new String(buf, 0, r, StandardCharsets.UTF_8));
                      err.flush();
                    }
                  } catch (IOException ignored) {
                    // child gone
                  }
                });
    byte[] stdout = p.getInputStream().readAllBytes();
    int code = p.waitFor();
    relay.join();
    if (code != 0) {
      return null;
    }
    JsonNode node = Json.read(stdout).get(backendName);
    if (node == null || !node.isObject()) {
      return null;
    }
    Map<String, Double> m = new LinkedHashMap<>();
    ((ObjectNode) node).properties().forEach(e -> m.put(e.getKey(), e.getValue().asDouble()));
    return m;
  }

  private static void printTable(PrintWriter out, Map<String, Map<String, Double>> results) {
    StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-20s", "operation"));
    results.keySet().forEach(b -> header.append(String.format(Locale.ROOT, "%16s", b + " ops/s")));
    out.println(header);
    for (String op : OPS_LIST.split(", ", -1)) {
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-20s", op));
      results
          .values()
          .forEach(m -> row.append(String.format(Locale.ROOT, "%,16.0f", m.getOrDefault(op, 0.0))));
      out.println(row);
    }
  }

  /** The measured operations, on fixed random inputs. */
  private static final class Ops {
    final SecretKey ours = SecretKey.generate();
    final SecretKey theirs = SecretKey.generate();
    final SchnorrSigner signer = SchnorrSigner.create(ours);
    final SchnorrVerifier verifier = SchnorrVerifier.create(ours.publicKey());
    final byte[] message = sha256("keycast bench");
    final byte[] signature = signer.sign(message);
    final Nip44ConversationKey conversationKey;
    final String plain100 = "x".repeat(100);
    final String plain10k = "y".repeat(10_000);
    final String payload100;
    final UnsignedEvent event =
        new UnsignedEvent(
            ours.publicKey(),
            1_700_000_000L,
            1,
            List.of(List.of("p", "ab".repeat(32)), List.of("t", "keycast")),
            "a short note, as clients sign them");
    final SignedEvent signed = NostrEvents.sign(event, signer);

    Ops() throws Exception {
      conversationKey = Nip44ConversationKey.derive(ours, theirs.publicKey());
      payload100 = Nip44Cipher.encrypt(plain100, conversationKey);
    }

    Map<String, Callable<Object>> table() {
      Map<String, Callable<Object>> t = new LinkedHashMap<>();
      t.put("schnorr_sign", () -> signer.sign(message));
      t.put(
          "schnorr_verify",
          () -> {
            verifier.verify(signature, message);
            return true;
          });
      t.put("ecdh_x", () -> Ecdh.sharedX(ours, theirs.publicKey()));
      t.put("nip44_encrypt_100", () -> Nip44Cipher.encrypt(plain100, conversationKey));
      t.put("nip44_decrypt_100", () -> Nip44Cipher.decrypt(payload100, conversationKey));
      t.put("nip44_encrypt_10k", () -> Nip44Cipher.encrypt(plain10k, conversationKey));
      t.put("event_sign", () -> NostrEvents.sign(event, signer));
      t.put(
          "event_verify",
          () -> {
            NostrEvents.verify(signed);
            return true;
          });
      return t;
    }

    private static byte[] sha256(String s) {
      try {
        return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
