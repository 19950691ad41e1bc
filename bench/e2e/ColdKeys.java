import dev.keycast.crypto.PublicKey;
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
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Benchmark driver for bench/e2e/keys.sh: acts as the clients that {@code SeedAuthorizations} connected in the
 * database (no connect round trip), one per authorization, and measures a first {@code sign_event} to each bunker
 * key (a cold key: authorization load, key decryption, derivation) against a second one (warm).
 *
 * <pre>java -cp keycast.jar ColdKeys SEED_FILE RELAY_URL FROM COUNT BURST [ROUNDS [WARM_FROM WARM_COUNT]]</pre>
 *
 * <p>With {@code WARM_FROM WARM_COUNT}, first 30 requests one after another to each of those clients (keys
 * that are never measured cold), so that this JVM's own first-request costs (class loading, JIT of the client
 * path) do not land on the cold round: the cold/warm difference is then the daemon's.
 *
 * <p>{@code COUNT} clients (authorizations {@code FROM..FROM+COUNT-1} of the seed file) each send {@code BURST}
 * requests at once, all clients together; then the same again {@code ROUNDS-1} times (warm). With {@code BURST}
 * above 1 the cold round shows single flight: the daemon's authorization-load counter should rise by
 * {@code COUNT}, not {@code COUNT * BURST}. Prints one JSON line per round. With the environment variable
 * {@code METRICS_URL} (the daemon's /metrics), each line also carries {@code daemon_ms_per_request}: the daemon's
 * own mean time per request of that round, intake to published reply, free of the client's and relay's time.
 */
public final class ColdKeys {
  public static void main(String[] a) throws Exception {
    List<String> lines = Files.readAllLines(Path.of(a[0]));
    String relay = a[1];
    int from = Integer.parseInt(a[2]);
    int count = Integer.parseInt(a[3]);
    int burst = Integer.parseInt(a[4]);
    int rounds = a.length > 5 ? Integer.parseInt(a[5]) : 2;
    int warmFrom = a.length > 7 ? Integer.parseInt(a[6]) : -1;
    int warmCount = a.length > 7 ? Integer.parseInt(a[7]) : 0;
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
      for (int i = warmFrom; i >= 0 && i < warmFrom + warmCount; i++) {
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
        if (!c.awaitConnected(Duration.ofSeconds(30))) {
          System.err.println("relay not reachable");
          System.exit(75);
        }
      }
      // Let every client's subscription reach the relay before the first request.
      Thread.sleep(1000);
      List<Nip46Client> warmers = clients.subList(count, clients.size());
      for (int r = 0; r < 30 && !warmers.isEmpty(); r++) {
        List<CompletableFuture<?>> ws = new ArrayList<>();
        for (Nip46Client c : warmers) {
          ws.add(c.signEvent(new EventTemplate(1, "warm-up " + r, List.of(), Instant.now().getEpochSecond())));
        }
        ws.forEach(CompletableFuture::join);
      }
      List<Nip46Client> measured = clients.subList(0, count);
      String metricsUrl = System.getenv("METRICS_URL");
      for (int round = 0; round < rounds; round++) {
        double[] before = daemonRequestSeconds(metricsUrl);
        List<CompletableFuture<Long>> fs = new ArrayList<>();
        long start = System.nanoTime();
        for (Nip46Client c : measured) {
          for (int b = 0; b < burst; b++) {
            long sent = System.nanoTime();
            fs.add(c.signEvent(new EventTemplate(1, "cold key probe " + round + "/" + b, List.of(),
                    Instant.now().getEpochSecond()))
                .thenApply(r -> r instanceof Nip46Result.Success ? System.nanoTime() - sent
                    : r instanceof Nip46Result.Failure fl ? -1L : -2L));
          }
        }
        long[] lat = fs.stream().mapToLong(CompletableFuture::join).toArray();
        long wall = System.nanoTime() - start;
        long ok = java.util.Arrays.stream(lat).filter(v -> v >= 0).count();
        long errors = java.util.Arrays.stream(lat).filter(v -> v == -1).count();
        long timeouts = java.util.Arrays.stream(lat).filter(v -> v == -2).count();
        long[] s = java.util.Arrays.stream(lat).filter(v -> v >= 0).sorted().toArray();
        Thread.sleep(200); // the daemon records a request's time once its reply is published
        double[] after = daemonRequestSeconds(metricsUrl);
        String daemon = before == null || after == null || after[0] == before[0] ? "null"
            : String.format(Locale.ROOT, "%.3f", (after[1] - before[1]) / (after[0] - before[0]) * 1000);
        System.out.printf(Locale.ROOT,
            "{\"round\":%d,\"kind\":\"%s\",\"keys\":%d,\"burst\":%d,\"requests\":%d,\"ok\":%d,\"errors\":%d,"
                + "\"timeouts\":%d,\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f,\"wall_ms\":%.1f,"
                + "\"daemon_ms_per_request\":%s}%n",
            round, round == 0 ? "cold" : "warm", count, burst, lat.length, ok, errors, timeouts, pct(s, 50),
            pct(s, 99), pct(s, 100), wall / 1e6, daemon);
        Thread.sleep(500);
      }
    } finally {
      for (Nip46Client c : clients) {
        c.close();
      }
      crypto.shutdownNow();
    }
  }

  private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();

  /**
   * The daemon's own time per request from its /metrics (keycast_bunker_requests_seconds: intake to
   * published reply), as {count, sum in seconds} over every method and outcome; null without a URL.
   */
  static double[] daemonRequestSeconds(String metricsUrl) throws Exception {
    if (metricsUrl == null || metricsUrl.isEmpty()) {
      return null;
    }
    String body = HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(metricsUrl)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    double count = 0;
    double sum = 0;
    for (String line : body.split("\n")) {
      if (line.startsWith("keycast_bunker_requests_seconds_count")) {
        count += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      } else if (line.startsWith("keycast_bunker_requests_seconds_sum")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return new double[] {count, sum};
  }

  static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(idx, sorted.length - 1))] / 1e6;
  }
}
