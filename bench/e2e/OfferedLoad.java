import dev.keycast.cli.internal.RawWebSocket;
import dev.keycast.crypto.Nip44Cipher;
import dev.keycast.crypto.Nip44ConversationKey;
import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SchnorrSigner;
import dev.keycast.crypto.SecretKey;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.crypto.UnsignedEvent;
import dev.keycast.nip46.BunkerUri;
import dev.keycast.nip46.ClientMessage;
import dev.keycast.nip46.EventTemplate;
import dev.keycast.nip46.Filter;
import dev.keycast.nip46.Nip46Codec;
import dev.keycast.nip46.Nip46Request;
import dev.keycast.nip46.Nip46Response;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.RelayMessage;
import dev.keycast.nip46.RelayMessages;
import dev.keycast.nip46.client.Nip46Client;
import dev.keycast.nip46.client.Nip46Result;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

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
 *       URL}) writing time series next to the per-second request series ({@code --out DIR});
 *   <li>{@code --precompute} (open loop only): a lean driver ({@link PrecomputedBurst}) that signs and encrypts
 *       every request before the clock starts, writes prebuilt frames to raw WebSockets during the burst and
 *       verifies and decrypts the replies only after it, so that its own CPU does not compete with the daemon's
 *       during the burst (the {@link Nip46Client} driver spends about as much CPU per request as the daemon).
 * </ul>
 *
 * <p>Every run reports the driver's own CPU time (this JVM, all threads) from the start of the load to the end of
 * the wait for replies, per request ({@code driver_cpu_us_per_request}).
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
  // --allocated URL: a /metrics URL read at the start and the end of the measured window; its
  // keycast_jvm_allocated_bytes_total difference per request is reported (the daemon's exact heap allocation)
  String allocatedUrl;
  double allocatedBytes = Double.NaN;
  int metricsIntervalMs = 500;
  Pattern metricsKeep = Pattern.compile(
      "^(keycast_|jvm_memory_used_bytes\\{.*area=\"heap\"|jvm_gc_pause|process_cpu|system_load).*");
  Path out;
  String label = "run";
  double warmupSeconds = 0;
  boolean precompute;
  // --watch-pid NAME=PID: another process whose CPU (from /proc/PID/stat) is reported per request over the
  // same window as driver_cpu_us_per_request (the load and the wait for its replies, not the set-up).
  final Map<String, Long> watchPids = new LinkedHashMap<>();
  // --marks FILE: the wall-clock start and end of that window (two lines, epoch microseconds), to cut a profile to it
  Path marks;
  final Map<String, Long> watchTicks = new LinkedHashMap<>();
  // per watched process: its CPU ticks by thread group over the same window (no profiler: native and kernel time in)
  final Map<String, Map<String, Long>> watchThreadTicks = new LinkedHashMap<>();

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
        case "--allocated" -> o.allocatedUrl = args[++i];
        case "--metrics-interval-ms" -> o.metricsIntervalMs = Integer.parseInt(args[++i]);
        case "--out" -> o.out = Path.of(args[++i]);
        case "--label" -> o.label = args[++i];
        case "--warmup-seconds" -> o.warmupSeconds = Double.parseDouble(args[++i]);
        case "--precompute" -> o.precompute = true;
        case "--marks" -> o.marks = Path.of(args[++i]);
        case "--watch-pid" -> {
          String[] kv = args[++i].split("=", 2);
          o.watchPids.put(kv[0], Long.parseLong(kv[1]));
        }
        default -> {
          System.err.println("unknown argument " + a);
          System.exit(64);
        }
      }
    }
    if (o.bunker == null || (o.rate <= 0) == (o.concurrency <= 0) || false) {
      System.err.println("usage: OfferedLoad --bunker URI (--rate R --seconds S | --concurrency C --requests N)"
          + " [--clients K] [--method ping|sign_event|nip44_encrypt] [--timeout S] [--health URL] [--metrics URL]"
          + " [--out DIR] [--label NAME] [--warmup-seconds S] [--precompute]");
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
  long driverCpuNanos;       // this process's CPU time from the start of the load to the end of the wait
  PrecomputedBurst precomputed; // --precompute only

  /**
   * CPU ticks of each thread of this JVM, summed by thread name without its trailing number ("GC Thread#0" and
   * "GC Thread#1" together; Linux cuts names to 15 characters), from /proc/self/task (Linux; empty elsewhere). For
   * the stderr breakdown of the driver's own CPU.
   */
  static Map<String, Long> threadTicks() {
    return threadTicks("self");
  }

  /** CPU ticks of each thread group of process {@code pid} ("self" or a number), digits in names read as N. */
  static Map<String, Long> threadTicks(String pid) {
    Map<String, Long> ticks = new TreeMap<>();
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(t.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+", "N");
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          ticks.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum); // utime + stime
        } catch (IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException e) {
      return Map.of();
    }
    return ticks;
  }

  /** Prints the CPU (ms, 100 ticks/s assumed) each thread group spent between two {@link #threadTicks} samples. */
  static void printThreadCpu(String what, Map<String, Long> before, Map<String, Long> after) {
    StringBuilder sb = new StringBuilder(what + " CPU by thread (ms):");
    after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> sb.append(' ').append(e.getKey()).append('=').append(e.getValue() * 10));
    System.err.println(sb);
  }

  /** CPU time of this JVM so far (all threads, JIT and GC included), in nanoseconds. */
  /** User + system CPU of a process so far, in clock ticks (fields 14 and 15 of /proc/PID/stat). */
  static long procTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14, 15 (1-based, after pid and comm)
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** keycast_jvm_allocated_bytes_total from {@link #allocatedUrl}, or NaN when it cannot be read. */
  double allocatedTotal(HttpClient http) {
    try {
      String body = http.send(HttpRequest.newBuilder(URI.create(allocatedUrl)).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      for (String line : body.split("\n", -1)) {
        if (line.startsWith("keycast_jvm_allocated_bytes_total")) {
          return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
    } catch (IOException | RuntimeException e) {
      // reported as absent
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Double.NaN;
  }

  static long epochMicros() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
  }

  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  int run() throws Exception {
    BunkerUri uri = BunkerUri.parse(bunker.strip());
    ExecutorService crypto = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "driver-crypto");
      t.setDaemon(true);
      return t;
    });
    List<Nip46Client> cs = new ArrayList<>();
    List<SecretKey> keys = new ArrayList<>();
    try {
      for (int k = 0; k < clients; k++) {
        keys.add(SecretKey.generate());
        Nip46Client c = Nip46Client.builder(uri, keys.get(k))
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
      for (int k = 0; k < connects.size(); k++) {
        Nip46Result r = connects.get(k).get();
        // A daemon whose store is slow (150 connects at once on a loaded machine) may answer
        // "unavailable, retry later": retry that a few times.
        for (int attempt = 1; attempt <= 5 && r instanceof Nip46Result.Failure fl
            && fl.error().contains("unavailable"); attempt++) {
          Thread.sleep(200L * attempt);
          r = cs.get(k).connect(PermissionSet.all()).get();
        }
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
      if (precompute) {
        // The bunker has authorized the client keys; the lean driver speaks for them from here on. Closing the
        // Nip46Clients also stops them from receiving (verifying, decrypting) the burst's replies.
        for (Nip46Client c : cs) {
          c.close();
        }
        cs.clear();
        precomputed = PrecomputedBurst.prepare(this, uri, keys, peer, n);
      }
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
      long cpuStart = processCpuNanos();
      double allocatedStart = allocatedUrl != null ? allocatedTotal(http) : Double.NaN;
      watchPids.forEach((name, pid) -> watchTicks.put(name, -procTicks(pid)));
      Map<String, Map<String, Long>> watchThreadsStart = new LinkedHashMap<>();
      watchPids.forEach((name, pid) -> watchThreadsStart.put(name, threadTicks(Long.toString(pid))));
      long markStart = epochMicros();
      Map<String, Long> threadsStart = threadTicks();
      long start = System.nanoTime();
      if (rate > 0) {
        double intervalNanos = 1e9 / rate;
        for (int i = 0; i < n; i++) {
          long due = start + (long) (i * intervalNanos);
          long wait;
          while ((wait = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(Math.min(wait, 1_000_000));
          }
          if (precomputed != null) {
            precomputed.send(i, due);
          } else {
            fire(cs.get(i % cs.size()), peer, i, due, done, null);
          }
        }
      } else {
        if (precomputed != null) {
          precomputed.openWindow(concurrency); // each reply that arrives lets the next request go
          for (int i = 0; i < n; i++) {
            precomputed.awaitWindow();
            precomputed.send(i, System.nanoTime());
          }
        } else {
          Semaphore inFlight = new Semaphore(concurrency);
          for (int i = 0; i < n; i++) {
            inFlight.acquire();
            fire(cs.get(i % cs.size()), peer, i, System.nanoTime(), done, inFlight);
          }
        }
      }
      long sendEnd = System.nanoTime();
      if (precomputed != null) {
        precomputed.awaitReplies(dueNanos[n - 1] + timeoutSeconds * 1_000_000_000L);
      } else {
        done.await(timeoutSeconds + 30L, TimeUnit.SECONDS);
      }
      long end = System.nanoTime();
      driverCpuNanos = processCpuNanos() - cpuStart;
      watchPids.forEach((name, pid) -> watchTicks.merge(name, procTicks(pid), Long::sum));
      if (allocatedUrl != null) {
        allocatedBytes = allocatedTotal(http) - allocatedStart;
      }
      watchPids.forEach((name, pid) -> {
        Map<String, Long> used = new TreeMap<>(threadTicks(Long.toString(pid)));
        watchThreadsStart.get(name).forEach((group, t) -> used.merge(group, -t, Long::sum));
        watchThreadTicks.put(name, used);
      });
      if (marks != null) {
        Files.writeString(marks, markStart + "\n" + epochMicros() + "\n");
      }
      printThreadCpu(label + ": driver burst window", threadsStart, threadTicks());
      // Keep probing a few seconds after the load: recovery is part of the picture.
      if (health != null || metrics != null) {
        Thread.sleep(2000);
      }
      probing = false;
      for (Thread t : probes) {
        t.join(5000);
      }
      if (precomputed != null) {
        precomputed.close();
        precomputed.classify(); // verify, decrypt and match the replies: after the clock
      }
      report(start, sendEnd, end, n);
      return 0;
    } finally {
      for (Nip46Client c : cs) {
        c.close();
      }
      if (precomputed != null) {
        precomputed.close();
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
    m.put("driver", precomputed != null ? "precomputed" : "nip46client");
    m.put("driver_cpu_ms", r2(driverCpuNanos / 1e6));
    m.put("driver_cpu_us_per_request", r2(driverCpuNanos / 1e3 / Math.max(1, n)));
    if (!watchTicks.isEmpty()) {
      Map<String, Object> w = new LinkedHashMap<>();
      // USER_HZ is 100 on Linux: one tick is 10 ms
      watchTicks.forEach((name, ticks) -> w.put(name, r2(ticks * 10_000.0 / Math.max(1, n))));
      m.put("watched_cpu_us_per_request", w);
      Map<String, Object> byThread = new LinkedHashMap<>();
      watchThreadTicks.forEach((name, groups) -> {
        Map<String, Object> g = new LinkedHashMap<>();
        groups.entrySet().stream().filter(g0 -> g0.getValue() > 0)
            .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
            .forEach(g0 -> g.put(g0.getKey(), r2(g0.getValue() * 10_000.0 / Math.max(1, n))));
        byThread.put(name, g);
      });
      m.put("watched_threads_cpu_us_per_request", byThread);
    }
    if (!Double.isNaN(allocatedBytes)) {
      m.put("allocated_bytes_per_request", Math.round(allocatedBytes / Math.max(1, n)));
    }
    // Everything so far: JVM start, connects, (precomputed:) the build and the checks after the clock.
    m.put("driver_total_cpu_ms", r2(processCpuNanos() / 1e6));
    if (precomputed != null) {
      precomputed.report(m);
    }
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

/**
 * The {@code --precompute} driver: all cryptography before and after the clock, none during the burst.
 *
 * <ol>
 *   <li>{@link #prepare}: for each of the N requests, the NIP-46 JSON-RPC body ({@link Nip46Codec}), NIP-44
 *       encrypted to the bunker with the client's conversation key, wrapped in a kind-24133 event with a {@code p}
 *       tag for the bunker, signed by the client key, serialized to its {@code ["EVENT",…]} frame and encoded as a
 *       masked WebSocket frame. {@code created_at} is the time of the build: the daemon accepts events up to 120 s
 *       old ({@code IntakeLimits} default), far more than build + burst. Then one {@link RawWebSocket} per client
 *       key to the relay with a {@code REQ} for kind 24133 {@code #p} = that key, a wait for each {@code EOSE},
 *       and a warm-up of the socket code ({@link #warmSockets}).
 *   <li>{@link #send}: writes frame i to its client's socket. Each incoming {@code EVENT} frame is kept as raw
 *       bytes with its receive time; the relay's {@code OK} frames are only counted when they refuse.
 *   <li>{@link #classify}, after the wait: parse, verify (author = the bunker, id and signature), decrypt and
 *       parse each reply; match it to its request by the {@code e} tag the daemon sets to the request event id
 *       (by the response id if a reply has no {@code e} tag), and classify it as the {@link Nip46Client} driver
 *       does: a reply later than {@code --timeout} after its due time is a timeout, {@code auth_url} keeps
 *       waiting. Replies that do not parse, verify or decrypt, or match no request, are counted.
 * </ol>
 *
 * <p>Threads: {@link #prepare} builds on the common fork-join pool; {@link #send} runs on the driver's pacing
 * thread; each socket has one reader thread; {@link #classify} runs on the caller after the sockets are closed.
 */
final class PrecomputedBurst {
  private static final int KIND = 24133;
  private static final int WARM_FRAMES = 5_000;
  private static final byte[] EVENT = "[\"EVENT\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EOSE = "[\"EOSE\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] OK = "[\"OK\"".getBytes(StandardCharsets.US_ASCII);

  /** A relay message carrying an event, as received (UTF-8), with its receive time (System.nanoTime). */
  private record Received(long atNanos, byte[] utf8) {}

  /** One client key and its relay connection; {@code inbox} is filled by the socket's reader thread. */
  private final class Conn {
    final SecretKey key;
    final Nip44ConversationKey conversation;
    final SchnorrSigner signer;
    final ConcurrentLinkedQueue<Received> inbox = new ConcurrentLinkedQueue<>();
    final CountDownLatch eose = new CountDownLatch(1);
    RawWebSocket socket;

    Conn(SecretKey key) throws Exception {
      this.key = key;
      this.conversation = Nip44ConversationKey.derive(key, bunker);
      this.signer = SchnorrSigner.create(key);
    }

    /** Runs on the socket's reader thread: no parsing, no crypto. */
    void onText(long atNanos, byte[] utf8) {
      if (RawWebSocket.startsWith(utf8, EVENT)) {
        inbox.add(new Received(atNanos, utf8));
        received.incrementAndGet();
        Semaphore w = window;
        if (w != null) {
          w.release();
        }
      } else if (RawWebSocket.startsWith(utf8, EOSE)) {
        eose.countDown();
      } else if (RawWebSocket.startsWith(utf8, OK) && new String(utf8, StandardCharsets.UTF_8).contains(",false,")) {
        relayRefused.incrementAndGet();
      }
    }
  }

  private final OfferedLoad o;
  private final PublicKey bunker;
  private final byte[][] frames;       // the masked WebSocket frame per request; null once sent
  private final String[] requestIds;   // NIP-46 ids
  private final Map<String, Integer> byEventId = new HashMap<>();
  private final List<Conn> conns = new ArrayList<>();
  private final AtomicInteger received = new AtomicInteger();
  private final AtomicInteger relayRefused = new AtomicInteger();
  private volatile Semaphore window; // closed loop only: requests allowed in flight
  private int sendFailures;
  private long buildNanos;
  private long buildCpuNanos;
  private long classifyCpuNanos;
  private int invalid;    // did not parse, verify, decrypt or parse as a NIP-46 response
  private int unmatched;  // valid, but no request of this burst (or the e tag and the response id disagree)
  private int duplicates;
  private int late;       // arrived after the timeout: counted as timeouts, like the Nip46Client driver does
  private int authUrls;

  private PrecomputedBurst(OfferedLoad o, PublicKey bunker, int n) {
    this.o = o;
    this.bunker = bunker;
    this.frames = new byte[n][];
    this.requestIds = new String[n];
  }

  /** Builds the N request frames, opens the sockets and waits until every subscription is live. Blocks. */
  static PrecomputedBurst prepare(OfferedLoad o, BunkerUri uri, List<SecretKey> keys, PublicKey peer, int n)
      throws Exception {
    PrecomputedBurst b = new PrecomputedBurst(o, uri.signerPubkey(), n);
    for (SecretKey k : keys) {
      b.conns.add(b.new Conn(k));
    }
    long t = System.nanoTime();
    long cpu = OfferedLoad.processCpuNanos();
    long createdAt = System.currentTimeMillis() / 1000;
    String prefix = Long.toHexString(t & 0xffffff) + "-"; // request ids: prefix + index
    List<List<String>> tags = List.of(List.of("p", b.bunker.toHex()));
    String[] eventIds = new String[n];
    IntStream.range(0, n).parallel().forEach(i -> {
      Conn c = b.conns.get(i % b.conns.size());
      String id = prefix + i;
      Nip46Request request = switch (o.method) {
        case ping -> new Nip46Request.Ping(id);
        case sign_event -> new Nip46Request.SignEvent(id,
            new EventTemplate(1, "keycast e2e note " + i, List.of(), createdAt));
        case nip44_encrypt -> new Nip46Request.Nip44Encrypt(id, peer.toHex(), "keycast e2e message " + i);
      };
      String content = Nip44Cipher.encrypt(Nip46Codec.toJson(request), c.conversation);
      SignedEvent event = NostrEvents.sign(
          new UnsignedEvent(c.key.publicKey(), createdAt, KIND, tags, content), c.signer);
      b.requestIds[i] = id;
      eventIds[i] = event.id();
      b.frames[i] = RawWebSocket.textFrame(RelayMessages.toJson(new ClientMessage.Event(event)));
    });
    for (int i = 0; i < n; i++) {
      b.byEventId.put(eventIds[i], i);
    }
    b.buildNanos = System.nanoTime() - t;
    b.buildCpuNanos = OfferedLoad.processCpuNanos() - cpu;
    System.err.printf(Locale.ROOT, "precompute: %d request events built in %.2f s (%.0f µs CPU each)%n", n,
        b.buildNanos / 1e9, b.buildCpuNanos / 1e3 / Math.max(1, n));
    long since = System.currentTimeMillis() / 1000 - 5;
    for (Conn c : b.conns) {
      c.socket = RawWebSocket.connect(URI.create(uri.relays().get(0)), c::onText);
      Filter replies = Filter.builder().kinds(KIND).tag('p', List.of(c.key.publicKey().toHex())).since(since).build();
      c.socket.send(RawWebSocket.textFrame(RelayMessages.toJson(new ClientMessage.Req("burst", List.of(replies)))));
    }
    for (Conn c : b.conns) {
      if (!c.eose.await(20, TimeUnit.SECONDS)) {
        throw new IllegalStateException("relay did not confirm the subscription (no EOSE)");
      }
    }
    b.warmSockets(WARM_FRAMES, b.frames[0].length);
    return b;
  }

  /**
   * Runs {@code count} event frames of about {@code size} bytes through the sockets before the clock, so that the
   * JIT has compiled the send and receive paths by the time the burst starts. Each is a kind-24133 event addressed
   * to its own sender ({@code p} = the client key): the relay sends it back on our subscription, the bunker never
   * sees it. The echoes are then discarded. Blocks until they are back (or 30 s).
   */
  private void warmSockets(int count, int size) throws IOException, InterruptedException {
    long t = System.nanoTime();
    long createdAt = System.currentTimeMillis() / 1000;
    String filler = "w".repeat(Math.max(1, size - 400));
    byte[][] warm = new byte[count][];
    IntStream.range(0, count).parallel().forEach(i -> {
      Conn c = conns.get(i % conns.size());
      List<List<String>> self = List.of(List.of("p", c.key.publicKey().toHex()));
      warm[i] = RawWebSocket.textFrame(RelayMessages.toJson(new ClientMessage.Event(NostrEvents.sign(
          new UnsignedEvent(c.key.publicKey(), createdAt, KIND, self, filler + i), c.signer))));
    });
    for (int i = 0; i < count; i++) {
      conns.get(i % conns.size()).socket.send(warm[i]);
    }
    awaitReplies(count, System.nanoTime() + 30_000_000_000L);
    int echoed = received.getAndSet(0);
    for (Conn c : conns) {
      c.inbox.clear();
    }
    System.err.printf(Locale.ROOT, "precompute: %d warm-up frames echoed by the relay in %.2f s%n", echoed,
        (System.nanoTime() - t) / 1e9);
  }

  /**
   * Sends request i, due at {@code due} (System.nanoTime): one socket write of the prebuilt frame. Blocks only if
   * the relay does not read (then the requests after it are late, which their latency from the due time shows).
   */
  void send(int i, long due) {
    o.dueNanos[i] = due;
    try {
      conns.get(i % conns.size()).socket.send(frames[i]);
    } catch (IOException e) {
      sendFailures++;
    }
    frames[i] = null;
  }

  /**
   * Closed loop ({@code --precompute --concurrency C}): at most C requests in flight; each reply received (any reply:
   * they are told apart only after the clock) lets one more go. Lost replies shrink the window, which the run's
   * timeouts then show.
   */
  void openWindow(int concurrency) {
    window = new Semaphore(concurrency);
  }

  /** Waits for room in the closed-loop window. Blocks. */
  void awaitWindow() throws InterruptedException {
    Semaphore w = window;
    if (w != null) {
      // After a timeout without any reply, go on rather than stall the run: the missing replies count as timeouts.
      w.tryAcquire(o.timeoutSeconds, TimeUnit.SECONDS);
    }
  }

  /** Waits until N replies arrived or {@code deadline} (System.nanoTime) passed. Blocks. */
  void awaitReplies(long deadline) throws InterruptedException {
    awaitReplies(frames.length, deadline);
  }

  private void awaitReplies(int count, long deadline) throws InterruptedException {
    while (received.get() < count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  /** Closes the sockets (idempotent). */
  void close() {
    for (Conn c : conns) {
      if (c.socket != null) {
        c.socket.close();
      }
    }
  }

  /** Verifies, decrypts and matches every stored reply; fills the driver's outcome and latency arrays. */
  void classify() {
    long cpu = OfferedLoad.processCpuNanos();
    long timeoutNanos = o.timeoutSeconds * 1_000_000_000L;
    Map<String, Integer> byRequestId = new HashMap<>();
    for (int i = 0; i < requestIds.length; i++) {
      byRequestId.put(requestIds[i], i);
    }
    for (Conn c : conns) {
      for (Received r : c.inbox) {
        Nip46Response response;
        SignedEvent event;
        try {
          if (!(RelayMessages.parseRelayMessage(new String(r.utf8(), StandardCharsets.UTF_8))
              instanceof RelayMessage.Event e) || !e.event().pubkey().equals(bunker.toHex())) {
            invalid++;
            continue;
          }
          event = e.event();
          NostrEvents.verify(event);
          response = Nip46Codec.parseResponse(Nip44Cipher.decrypt(event.content(), c.conversation));
        } catch (Exception ex) {
          invalid++;
          continue;
        }
        Integer i = eTag(event).map(byEventId::get).orElseGet(() -> byRequestId.get(response.id()));
        if (i == null || !requestIds[i].equals(response.id())) {
          unmatched++;
          continue;
        }
        long latency = r.atNanos() - o.dueNanos[i];
        if (o.outcome[i] != 0) {
          duplicates++;
        } else if (response instanceof Nip46Response.AuthUrl) {
          authUrls++; // interim: the real answer may still come
        } else if (latency > timeoutNanos) {
          late++;
          o.outcome[i] = 3;
        } else if (response instanceof Nip46Response.Error err) {
          o.outcome[i] = 2;
          o.latencyNanos[i] = latency;
          o.errors.computeIfAbsent(err.error(), k -> new AtomicInteger()).incrementAndGet();
        } else {
          o.outcome[i] = 1;
          o.latencyNanos[i] = latency;
        }
      }
    }
    classifyCpuNanos = OfferedLoad.processCpuNanos() - cpu;
  }

  private static Optional<String> eTag(SignedEvent event) {
    return event.tags().stream().filter(t -> t.size() >= 2 && t.get(0).equals("e")).map(t -> t.get(1)).findFirst();
  }

  /** Adds this driver's own figures to the report. */
  void report(Map<String, Object> m) {
    m.put("build_seconds", OfferedLoad.r2(buildNanos / 1e9));
    m.put("build_cpu_us_per_request", OfferedLoad.r2(buildCpuNanos / 1e3 / Math.max(1, frames.length)));
    m.put("check_cpu_us_per_reply", OfferedLoad.r2(classifyCpuNanos / 1e3 / Math.max(1, received.get())));
    m.put("replies_received", received.get());
    m.put("replies_invalid", invalid);
    m.put("replies_unmatched", unmatched);
    m.put("replies_duplicate", duplicates);
    m.put("replies_late", late);
    m.put("replies_auth_url", authUrls);
    m.put("relay_refused", relayRefused.get());
    m.put("send_failures", sendFailures);
  }
}
