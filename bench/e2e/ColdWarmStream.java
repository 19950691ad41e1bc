import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.BunkerUri;
import dev.keycast.nip46.EventTemplate;
import dev.keycast.nip46.client.Nip46Client;
import dev.keycast.nip46.client.Nip46Result;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

/**
 * Benchmark driver for bench/e2e/cold_stream.sh: the first request for a key (cold: never requested since the
 * daemon started) against a later request for the same key (warm), as two interleaved streams at one steady pace,
 * so that the relay's, the daemon's and this JVM's state over the run weighs on both alike.
 *
 * <pre>java -cp keycast.jar ColdWarmStream SEED_FILE RELAY_URL FROM COUNT LAG PAIRS_PER_SECOND WARM_FROM WARM_COUNT</pre>
 *
 * <p>Acts as the clients that {@code SeedAuthorizations} connected in the database (no connect round trip): one
 * per authorization {@code FROM..FROM+COUNT-1} of the seed file, all built, connected and subscribed before the
 * first request (each derives its conversation key at build). It first warms this JVM on the clients
 * {@code WARM_FROM..WARM_FROM+WARM_COUNT-1} (30 requests each; keys never measured). Then, every
 * {@code 1/PAIRS_PER_SECOND} seconds, step {@code i} sends {@code sign_event} for client {@code i}'s first time
 * (cold) and client {@code i - LAG}'s second time (warm: the daemon served that key {@code LAG} steps
 * earlier), half a step apart, which of the two first drawn at random (fixed seed) so that neither kind
 * keeps the same place in the step; the last {@code LAG} warm requests follow at the same pace. Each client thus sends
 * exactly two requests, one of each kind, and both kinds cross the same clients, relay subscriptions and
 * moment of the run. Requests are not waited for: a slow reply does not delay the next step.
 *
 * <p>Prints one JSON line: per kind the count, ok, errors, timeouts and p50/p90/p99/max in ms, and the p50 and
 * p99 differences cold − warm.
 */
public final class ColdWarmStream {
  public static void main(String[] a) throws Exception {
    List<String> lines = Files.readAllLines(Path.of(a[0]));
    String relay = a[1];
    int from = Integer.parseInt(a[2]);
    int count = Integer.parseInt(a[3]);
    int lag = Integer.parseInt(a[4]);
    double pairsPerSecond = Double.parseDouble(a[5]);
    int warmFrom = Integer.parseInt(a[6]);
    int warmCount = Integer.parseInt(a[7]);
    if (count < 1 || lag < 1 || lag > count || pairsPerSecond <= 0) {
      System.err.println("ColdWarmStream: need COUNT >= 1, 1 <= LAG <= COUNT, PAIRS_PER_SECOND > 0");
      System.exit(64);
    }
    ExecutorService crypto = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "driver-crypto");
      t.setDaemon(true);
      return t;
    });
    List<Nip46Client> clients = new ArrayList<>();
    try {
      List<Integer> rows = new ArrayList<>();
      for (int i = from; i < from + count; i++) {
        rows.add(i);
      }
      for (int i = warmFrom; i < warmFrom + warmCount; i++) {
        rows.add(i);
      }
      for (int i : rows) {
        String[] f = lines.get(i).split("\t");
        BunkerUri uri = BunkerUri.parse("bunker://" + f[1] + "?relay="
            + URLEncoder.encode(relay, StandardCharsets.UTF_8));
        SecretKey key = SecretKey.fromBytes(HexFormat.of().parseHex(f[2]));
        clients.add(Nip46Client.builder(uri, key).timeout(Duration.ofSeconds(30)).cryptoExecutor(crypto).build());
      }
      for (Nip46Client c : clients) {
        if (!c.awaitConnected(Duration.ofSeconds(60))) {
          System.err.println("relay not reachable");
          System.exit(75);
        }
      }
      Thread.sleep(2000); // every subscription at the relay before the first request
      List<Nip46Client> warmers = clients.subList(count, clients.size());
      for (int r = 0; r < 30 && !warmers.isEmpty(); r++) {
        List<CompletableFuture<?>> ws = new ArrayList<>();
        for (Nip46Client c : warmers) {
          ws.add(c.signEvent(template("warm-up " + r)));
        }
        ws.forEach(CompletableFuture::join);
      }
      Thread.sleep(500);

      List<CompletableFuture<Long>> cold = new ArrayList<>(count);
      List<CompletableFuture<Long>> warm = new ArrayList<>(count);
      long step = (long) (1e9 / pairsPerSecond);
      long t0 = System.nanoTime() + 10_000_000L;
      java.util.Random order = new java.util.Random(46);
      for (int i = 0; i < count + lag; i++) {
        long due = t0 + i * step;
        boolean coldFirst = order.nextBoolean(); // which half of the step each kind takes: no bias
        for (int half = 0; half < 2; half++) {
          boolean coldTurn = (half == 0) == coldFirst;
          sleepUntil(due + half * (step / 2));
          if (coldTurn && i < count) {
            cold.add(timed(clients.get(i), "cold " + i));
          } else if (!coldTurn && i >= lag) {
            warm.add(timed(clients.get(i - lag), "warm " + (i - lag)));
          }
        }
      }
      long[] c = cold.stream().mapToLong(CompletableFuture::join).toArray();
      long[] w = warm.stream().mapToLong(CompletableFuture::join).toArray();
      double[] cs = stats(c);
      double[] wsStats = stats(w);
      System.out.printf(Locale.ROOT,
          "{\"keys\":%d,\"lag\":%d,\"pairs_per_second\":%.1f,\"cold\":%s,\"warm\":%s,"
              + "\"p50_cold_minus_warm_ms\":%.2f,\"p99_cold_minus_warm_ms\":%.2f}%n",
          count, lag, pairsPerSecond, json(c, cs), json(w, wsStats), cs[0] - wsStats[0], cs[2] - wsStats[2]);
    } finally {
      for (Nip46Client cl : clients) {
        cl.close();
      }
      crypto.shutdownNow();
    }
  }

  private static EventTemplate template(String content) {
    return new EventTemplate(1, content, List.of(), Instant.now().getEpochSecond());
  }

  /** Latency in ns of one sign_event; -1 for an error reply, -2 for a timeout or a failed send. */
  private static CompletableFuture<Long> timed(Nip46Client c, String content) {
    long sent = System.nanoTime();
    return c.signEvent(template(content))
        .thenApply(r -> r instanceof Nip46Result.Success ? System.nanoTime() - sent
            : r instanceof Nip46Result.Failure ? -1L : -2L)
        .exceptionally(e -> -2L);
  }

  private static void sleepUntil(long due) {
    for (long left; (left = due - System.nanoTime()) > 0; ) {
      LockSupport.parkNanos(left);
    }
  }

  /** {p50, p90, p99, max} in ms of the successful requests. */
  private static double[] stats(long[] lat) {
    long[] s = Arrays.stream(lat).filter(v -> v >= 0).sorted().toArray();
    return new double[] {pct(s, 50), pct(s, 90), pct(s, 99), pct(s, 100)};
  }

  private static String json(long[] lat, double[] st) {
    return String.format(Locale.ROOT,
        "{\"requests\":%d,\"ok\":%d,\"errors\":%d,\"timeouts\":%d,\"p50_ms\":%.2f,\"p90_ms\":%.2f,"
            + "\"p99_ms\":%.2f,\"max_ms\":%.2f}",
        lat.length, Arrays.stream(lat).filter(v -> v >= 0).count(), Arrays.stream(lat).filter(v -> v == -1).count(),
        Arrays.stream(lat).filter(v -> v == -2).count(), st[0], st[1], st[2], st[3]);
  }

  static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(idx, sorted.length - 1))] / 1e6;
  }
}
