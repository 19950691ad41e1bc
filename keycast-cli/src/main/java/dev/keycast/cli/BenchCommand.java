package dev.keycast.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keycast.cli.internal.Json;
import dev.keycast.cli.internal.Progress;
import dev.keycast.crypto.CryptoBackend;
import dev.keycast.crypto.Ecdh;
import dev.keycast.crypto.Nip44Cipher;
import dev.keycast.crypto.Nip44ConversationKey;
import dev.keycast.crypto.Nip44ConversationKeyCache;
import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SchnorrSigner;
import dev.keycast.crypto.SchnorrVerifier;
import dev.keycast.crypto.SecretKey;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.crypto.UnsignedEvent;
import dev.keycast.nip46.EventTemplate;
import dev.keycast.nip46.Nip46Codec;
import dev.keycast.nip46.Nip46Envelope;
import dev.keycast.nip46.Nip46Request;
import dev.keycast.nip46.Nip46Response;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
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
      "Operations: " + BenchCommand.OPS_LIST + ".",
      "round_trip: the daemon's crypto for one sign_event round trip, in round trips per second"
          + " (verify the request event, NIP-44 decrypt it, sign the user's event, NIP-44 encrypt"
          + " and sign the reply; conversation keys and signers cached as keycast serve caches"
          + " them)."
    })
public final class BenchCommand implements Callable<Integer> {
  static final String OPS_LIST =
      "schnorr_sign, schnorr_verify, ecdh_x, nip44_encrypt_100, nip44_decrypt_100, "
          + "nip44_encrypt_10k, event_sign, event_verify, round_trip";

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
    final RoundTrip roundTrip = new RoundTrip();

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
      t.put("round_trip", roundTrip::run);
      return t;
    }

    /**
     * The crypto of one {@code sign_event} round trip as {@code keycast serve} does it, with the
     * same calls: the verify stage (event id and signature, both keys parsed), the decrypt stage
     * ({@link Nip46Envelope#decrypt}, conversation key cached), the handler's deterministic
     * signature of the user's event (signer cached), and the seal stage ({@link
     * Nip46Envelope#sealDeterministic}: synthetic-nonce NIP-44 and the reply's signature). No JSON
     * parsing or writing: the request and reply bodies are built once, so that this is the daemon's
     * crypto floor per request.
     */
    static final class RoundTrip {
      final SecretKey client = SecretKey.generate();
      final SecretKey bunker = SecretKey.generate();
      final SecretKey user = SecretKey.generate();
      final SchnorrSigner bunkerSigner = SchnorrSigner.create(bunker);
      final SchnorrSigner userSigner = SchnorrSigner.create(user);
      final Nip46Envelope envelope = new Nip46Envelope(new Nip44ConversationKeyCache(16));
      final SignedEvent request;
      final UnsignedEvent userEvent;
      final String replyBody;
      final String bunkerHex = bunker.publicKey().toHex();

      RoundTrip() {
        try {
          long now = 1_700_000_000L;
          EventTemplate template = new EventTemplate(1, "keycast e2e note 12345", List.of(), now);
          String body = Nip46Codec.toJson(new Nip46Request.SignEvent("0a1b2c-12345", template));
          request =
              new Nip46Envelope(new Nip44ConversationKeyCache(1))
                  .seal(
                      Nip46Envelope.Scheme.NIP44,
                      body,
                      client,
                      SchnorrSigner.create(client),
                      bunker.publicKey(),
                      now,
                      List.of());
          userEvent =
              new UnsignedEvent(
                  user.publicKey(),
                  template.createdAt(),
                  template.kind(),
                  template.tags(),
                  template.content());
          replyBody =
              Nip46Codec.toJson(
                  Nip46Response.ok(
                      "0a1b2c-12345",
                      NostrEvents.signDeterministic(userEvent, userSigner).toJson()));
        } catch (java.security.GeneralSecurityException e) {
          throw new IllegalStateException(e);
        }
      }

      Object run() throws Exception {
        NostrEvents.verify(request);
        PublicKey from = PublicKey.fromHex(request.pubkey());
        PublicKey to = PublicKey.fromHex(bunkerHex);
        String plain =
            envelope.decrypt(Nip46Envelope.Scheme.NIP44, request.content(), bunker, from);
        SignedEvent signedUser = NostrEvents.signDeterministic(userEvent, userSigner);
        SignedEvent reply =
            envelope.sealDeterministic(
                Nip46Envelope.Scheme.NIP44,
                replyBody,
                bunker,
                bunkerSigner,
                from,
                request.createdAt(),
                List.of(List.of("e", request.id())),
                HexFormat.of().parseHex(request.id()));
        return plain.length() + signedUser.sig().length() + reply.sig().length() + to.hashCode();
      }
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
