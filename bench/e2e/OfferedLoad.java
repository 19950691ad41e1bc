import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.BunkerUri;
import dev.keycast.nip46.EventTemplate;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.client.Nip46Client;
import dev.keycast.nip46.client.Nip46Result;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

/**
 * Benchmark driver for bench/e2e (not part of the product): the same NIP-46 client as {@code keycast loadtest}
 * ({@link Nip46Client}), with what loadtest lacks for the end-to-end figures:
 *
 * <ul>
 *   <li>an <b>open-loop, offered-rate</b> mode ({@code --rate R --seconds S}): request i is due at start + i/R and
 *       its latency is measured from that due time, so a stalled daemon cannot hide queueing (no coordinated
 *       omission); requests are never held back by missing replies;
 *   <li>a closed-loop mode ({@code --concurrency C --requests N}) like loadtest's, for peak throughput;
 *   <li>{@code --clients K} client keys (each its own connect and relay connection), spread round robin;
 *   <li>a concurrent {@code /health} prober ({@code --health URL}) and {@code /metrics} sampler ({@code --metrics
 *       URL}) writing time series next to the per-second request series ({@code --out DIR}).
 * </ul>
 *
 * Run with the CLI jar on the class path (JDK 21+ source launcher):
 * {@code java -cp keycast-cli/target/keycast.jar bench/e2e/OfferedLoad.java --bunker URI --rate 1000 --seconds 10}.
 * Prints one JSON document on stdout.
 */
public final class OfferedLoad {
  enum Method { ping, sign_event, nip44_encrypt }

  String bunker;
  int clients = 1;
  Method method = Method.sign_event;
  double rate = 0;
  double seconds = 10;
  int concurrency = 0;
  int requests = 0;
  int timeoutSeconds = 15;
  String health;
  int healthIntervalMs = 20;
  String metrics;
  int metricsIntervalMs = 500;
  Pattern metricsKeep = Pattern.compile(
      "^(keycast_|jvm_memory_used_bytes\\{.*area=\"heap\"|jvm_gc_pause|process_cpu|system_load).*");
  Path out;
  String label = "run";
  double warmupSeconds = 0;

  public static void main(String[] args) throws Exception {
    OfferedLoad o = new OfferedLoad();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--bunker" -> o.bunker = args[++i];
        case "--clients" -> o.clients = Integer.parseInt(args[++i]);
        case "--method" -> o.method = Method.valueOf(args[++i]);
        case "--rate" -> o.rate = Double.parseDouble(args[++i]);
        case "--seconds" -> o.seconds = Double.parseDouble(args[++i]);
        case "--concurrency" -> o.concurrency = Integer.parseInt(args[++i]);
        case "--requests" -> o.requests = Integer.parseInt(args[++i]);
        case "--timeout" -> o.timeoutSeconds = Integer.parseInt(args[++i]);
        case "--health" -> o.health = args[++i];
        case "--health-interval-ms" -> o.healthIntervalMs = Integer.parseInt(args[++i]);
        case "--metrics" -> o.metrics = args[++i];
        case "--metrics-interval-ms" -> o.metricsIntervalMs = Integer.parseInt(args[++i]);
        case "--out" -> o.out = Path.of(args[++i]);
        case "--label" -> o.label = args[++i];
        case "--warmup-seconds" -> o.warmupSeconds = Double.parseDouble(args[++i]);
        default -> {
          System.err.println("unknown argument " + a);
          System.exit(64);
        }
      }
    }
    if (o.bunker == null || (o.rate <= 0) == (o.concurrency <= 0)) {
      System.err.println("usage: OfferedLoad --bunker URI (--rate R --seconds S | --concurrency C --requests N)"
          + " [--clients K] [--method ping|sign_event|nip44_encrypt] [--timeout S] [--health URL] [--metrics URL]"
          + " [--out DIR] [--label NAME] [--warmup-seconds S]");
      System.exit(64);
    }
    System.exit(o.run());
  }

  // ---- per-request bookkeeping ----
  long[] latencyNanos;       // answered requests only (ok or error reply), -1 = not answered
  byte[] outcome;            // 0 pending, 1 ok, 2 error reply, 3 timeout, 4 client failure
  long[] dueNanos;
  final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
  final List<long[]> healthSamples = new ArrayList<>(); // {offsetNanos, latencyNanos, status}
  final List<String> metricRows = new ArrayList<>();
  volatile boolean probing = true;
  long t0;

  int run() throws Exception {
    BunkerUri uri = BunkerUri.parse(bunker.strip());
    ExecutorService crypto = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "driver-crypto");
      t.setDaemon(true);
      return t;
    });
    List<Nip46Client> cs = new ArrayList<>();
    try {
      for (int k = 0; k < clients; k++) {
        Nip46Client c = Nip46Client.builder(uri, SecretKey.generate())
            .timeout(Duration.ofSeconds(timeoutSeconds)).cryptoExecutor(crypto).build();
        cs.add(c);
      }
      for (Nip46Client c : cs) {
        if (!c.awaitConnected(Duration.ofSeconds(20))) {
          System.err.println("relay not reachable");
          return 75;
        }
      }
      List<CompletableFuture<Nip46Result>> connects = new ArrayList<>();
      for (Nip46Client c : cs) {
        connects.add(c.connect(PermissionSet.all()));
      }
      for (CompletableFuture<Nip46Result> f : connects) {
        Nip46Result r = f.get();
        if (!(r instanceof Nip46Result.Success)) {
          System.err.println("connect failed: " + r);
          return 70;
        }
      }
      PublicKey peer = SecretKey.generate().publicKey();
      if (warmupSeconds > 0) {
        warm(cs, peer);
      }
      int n = rate > 0 ? (int) Math.round(rate * seconds) : requests;
      latencyNanos = new long[n];
      Arrays.fill(latencyNanos, -1);
      outcome = new byte[n];
      dueNanos = new long[n];
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      List<Thread> probes = new ArrayList<>();
      t0 = System.nanoTime();
      if (health != null) {
        probes.add(Thread.ofPlatform().daemon().name("health-probe").start(() -> probeHealth(http)));
      }
      if (metrics != null) {
        probes.add(Thread.ofPlatform().daemon().name("metrics-sampler").start(() -> sampleMetrics(http)));
      }
      CountDownLatch done = new CountDownLatch(n);
      long start = System.nanoTime();
      if (rate > 0) {
        double intervalNanos = 1e9 / rate;
        for (int i = 0; i < n; i++) {
          long due = start + (long) (i * intervalNanos);
          long wait;
          while ((wait = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(Math.min(wait, 1_000_000));
          }
          fire(cs.get(i % cs.size()), peer, i, due, done, null);
        }
      } else {
        Semaphore inFlight = new Semaphore(concurrency);
        for (int i = 0; i < n; i++) {
          inFlight.acquire();
          fire(cs.get(i % cs.size()), peer, i, System.nanoTime(), done, inFlight);
        }
      }
      long sendEnd = System.nanoTime();
      done.await(timeoutSeconds + 30L, TimeUnit.SECONDS);
      long end = System.nanoTime();
      // Keep probing a few seconds after the load: recovery is part of the picture.
      if (health != null || metrics != null) {
        Thread.sleep(2000);
      }
      probing = false;
      for (Thread t : probes) {
        t.join(5000);
      }
      report(start, sendEnd, end, n);
      return 0;
    } finally {
      for (Nip46Client c : cs) {
        c.close();
      }
      crypto.shutdownNow();
    }
  }

  void warm(List<Nip46Client> cs, PublicKey peer) throws Exception {
    long end = System.nanoTime() + (long) (warmupSeconds * 1e9);
    Semaphore s = new Semaphore(32);
    int i = 0;
    while (System.nanoTime() < end) {
      s.acquire();
      send(cs.get(i % cs.size()), peer, i++).whenComplete((r, e) -> s.release());
    }
    s.acquire(32);
  }

  CompletableFuture<Nip46Result> send(Nip46Client c, PublicKey peer, int i) {
    return switch (method) {
      case ping -> c.ping();
      case sign_event -> c.signEvent(new EventTemplate(1, "keycast e2e note " + i, List.of(),
          Instant.now().getEpochSecond()));
      case nip44_encrypt -> c.nip44Encrypt(peer, "keycast e2e message " + i);
    };
  }

  void fire(Nip46Client c, PublicKey peer, int i, long due, CountDownLatch done, Semaphore permit) {
    dueNanos[i] = due;
    send(c, peer, i).whenComplete((r, ex) -> {
      long now = System.nanoTime();
      if (ex != null) {
        outcome[i] = 4;
        errors.computeIfAbsent("client failure: " + ex, k -> new AtomicInteger()).incrementAndGet();
      } else {
        switch (r) {
          case Nip46Result.Success s -> {
            outcome[i] = 1;
            latencyNanos[i] = now - due;
          }
          case Nip46Result.Failure f -> {
            outcome[i] = 2;
            latencyNanos[i] = now - due;
            errors.computeIfAbsent(f.error(), k -> new AtomicInteger()).incrementAndGet();
          }
          case Nip46Result.TimedOut t -> outcome[i] = 3;
        }
      }
      if (permit != null) {
        permit.release();
      }
      done.countDown();
    });
  }

  void probeHealth(HttpClient http) {
    HttpRequest req = HttpRequest.newBuilder(URI.create(health)).timeout(Duration.ofSeconds(5)).GET().build();
    while (probing) {
      long s = System.nanoTime();
      int status;
      try {
        status = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
      } catch (IOException e) {
        status = -1;
      } catch (InterruptedException e) {
        return;
      }
      long e = System.nanoTime();
      synchronized (healthSamples) {
        healthSamples.add(new long[] {s - t0, e - s, status});
      }
      LockSupport.parkNanos(healthIntervalMs * 1_000_000L);
    }
  }

  void sampleMetrics(HttpClient http) {
    HttpRequest req = HttpRequest.newBuilder(URI.create(metrics)).timeout(Duration.ofSeconds(5)).GET().build();
    while (probing) {
      long s = System.nanoTime();
      try {
        String body = http.send(req, HttpResponse.BodyHandlers.ofString()).body();
        double at = (s - t0) / 1e9;
        List<String> rows = new ArrayList<>();
        for (String line : body.split("\n")) {
          if (!line.startsWith("#") && metricsKeep.matcher(line).matches()) {
            int sp = line.lastIndexOf(' ');
            if (sp > 0) {
              rows.add(String.format(Locale.ROOT, "%.3f\t%s\t%s", at, line.substring(0, sp), line.substring(sp + 1)));
            }
          }
        }
        synchronized (metricRows) {
          metricRows.addAll(rows);
        }
      } catch (IOException e) {
        synchronized (metricRows) {
          metricRows.add(String.format(Locale.ROOT, "%.3f\tscrape_failed\t1", (s - t0) / 1e9));
        }
      } catch (InterruptedException e) {
        return;
      }
      LockSupport.parkNanos(metricsIntervalMs * 1_000_000L);
    }
  }

  static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return Math.round(sorted[Math.max(0, Math.min(idx, sorted.length - 1))] / 1e4) / 100.0;
  }

  static double r2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  void report(long start, long sendEnd, long end, int n) throws IOException {
    int ok = 0, errs = 0, timeouts = 0, failures = 0;
    long lastAnswer = start;
    List<Long> answered = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      switch (outcome[i]) {
        case 1 -> ok++;
        case 2 -> errs++;
        case 3 -> timeouts++;
        case 4 -> failures++;
        default -> timeouts++; // never completed within the wait: counts as a timeout
      }
      if (latencyNanos[i] >= 0) {
        answered.add(latencyNanos[i]);
        lastAnswer = Math.max(lastAnswer, dueNanos[i] + latencyNanos[i]);
      }
    }
    long[] lat = answered.stream().mapToLong(Long::longValue).sorted().toArray();
    long[] okLat = new long[ok];
    int j = 0;
    for (int i = 0; i < n; i++) {
      if (outcome[i] == 1) {
        okLat[j++] = latencyNanos[i];
      }
    }
    Arrays.sort(okLat);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("label", label);
    m.put("method", method.name());
    m.put("mode", rate > 0 ? "open" : "closed");
    m.put("offered_rps", rate > 0 ? rate : null);
    m.put("concurrency", concurrency > 0 ? concurrency : null);
    m.put("clients", clients);
    m.put("requests", n);
    m.put("ok", ok);
    Map<String, Integer> e = new TreeMap<>();
    errors.forEach((k, v) -> e.put(k, v.get()));
    m.put("errors", e);
    m.put("timeouts", timeouts);
    m.put("client_failures", failures);
    double answeredSecs = (lastAnswer - start) / 1e9;
    m.put("throughput_rps", r2((ok + errs) / Math.max(1e-9, answeredSecs)));
    m.put("ok_rps", r2(ok / Math.max(1e-9, answeredSecs)));
    m.put("send_seconds", r2((sendEnd - start) / 1e9));
    m.put("p50_ms", pct(lat, 50));
    m.put("p95_ms", pct(lat, 95));
    m.put("p99_ms", pct(lat, 99));
    m.put("max_ms", pct(lat, 100));
    m.put("ok_p50_ms", pct(okLat, 50));
    m.put("ok_p99_ms", pct(okLat, 99));
    if (health != null) {
      long[] h;
      int bad = 0;
      synchronized (healthSamples) {
        h = healthSamples.stream().mapToLong(s -> s[1]).sorted().toArray();
        for (long[] s : healthSamples) {
          if (s[2] != 200) {
            bad++;
          }
        }
      }
      m.put("health_probes", h.length);
      m.put("health_non_200", bad);
      m.put("health_p50_ms", pct(h, 50));
      m.put("health_p99_ms", pct(h, 99));
      m.put("health_max_ms", pct(h, 100));
    }
    if (out != null) {
      Files.createDirectories(out);
      writeSeries(start, n);
    }
    StringBuilder sb = new StringBuilder("{");
    boolean first = true;
    for (Map.Entry<String, Object> en : m.entrySet()) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      sb.append('"').append(en.getKey()).append("\":").append(json(en.getValue()));
    }
    System.out.println(sb.append('}'));
  }

  static String json(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof String s) {
      return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
    if (v instanceof Map<?, ?> mm) {
      StringBuilder sb = new StringBuilder("{");
      boolean first = true;
      for (Map.Entry<?, ?> en : mm.entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        sb.append(json(String.valueOf(en.getKey()))).append(':').append(json(en.getValue()));
      }
      return sb.append('}').toString();
    }
    return String.valueOf(v);
  }

  /** Per-second series by due time: sent, ok, error replies, timeouts, p50/p99 of answered; health; metrics. */
  void writeSeries(long start, int n) throws IOException {
    int secs = (int) Math.ceil(n / Math.max(1, rate > 0 ? rate : n)) + 1;
    if (rate <= 0) {
      long last = 0;
      for (int i = 0; i < n; i++) {
        last = Math.max(last, dueNanos[i] - start);
      }
      secs = (int) (last / 1_000_000_000L) + 1;
    }
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out.resolve(label + "-requests.tsv")))) {
      w.println("second\tsent\tok\terror_replies\ttimeouts\tp50_ms\tp99_ms");
      for (int s = 0; s < secs; s++) {
        List<Long> l = new ArrayList<>();
        int sent = 0, ok = 0, er = 0, to = 0;
        for (int i = 0; i < n; i++) {
          if ((dueNanos[i] - start) / 1_000_000_000L != s) {
            continue;
          }
          sent++;
          switch (outcome[i]) {
            case 1 -> ok++;
            case 2 -> er++;
            default -> to++;
          }
          if (latencyNanos[i] >= 0) {
            l.add(latencyNanos[i]);
          }
        }
        long[] a = l.stream().mapToLong(Long::longValue).sorted().toArray();
        w.printf(Locale.ROOT, "%d\t%d\t%d\t%d\t%d\t%.2f\t%.2f%n", s, sent, ok, er, to, pct(a, 50), pct(a, 99));
      }
    }
    if (health != null) {
      try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out.resolve(label + "-health.tsv")))) {
        w.println("t_s\tlatency_ms\tstatus");
        synchronized (healthSamples) {
          for (long[] s : healthSamples) {
            w.printf(Locale.ROOT, "%.3f\t%.3f\t%d%n", (s[0] - (start - t0)) / 1e9, s[1] / 1e6, s[2]);
          }
        }
      }
    }
    if (metrics != null) {
      try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out.resolve(label + "-metrics.tsv")))) {
        w.println("t_s\tmetric\tvalue");
        synchronized (metricRows) {
          for (String r : metricRows) {
            w.println(r);
          }
        }
      }
    }
  }
}
