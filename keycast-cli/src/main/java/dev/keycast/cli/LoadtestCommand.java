package dev.keycast.cli;

import dev.keycast.cli.internal.Json;
import dev.keycast.cli.internal.LoadMethod;
import dev.keycast.cli.internal.PrecomputedLoad;
import dev.keycast.cli.internal.Progress;
import dev.keycast.cli.internal.TerminalText;
import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.BunkerUri;
import dev.keycast.nip46.InvalidConnectUriException;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.client.Nip46Client;
import dev.keycast.nip46.client.Nip46Result;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keycast loadtest}: a NIP-46 load generator. Connects {@code --clients} client keys to a
 * bunker like client apps (each a fresh key with the URI's secret), then sends {@code --requests}
 * requests with at most {@code --concurrency} in flight and reports throughput, latency percentiles
 * (of answered requests) and counts of results, error replies (by message), timeouts and wrong
 * replies.
 *
 * <p>By default the load generator keeps its own cryptography off the measured path ({@link
 * PrecomputedLoad}: requests built and signed ahead, replies verified and decrypted after the run
 * or off the critical path), so that on one machine it leaves the CPU to the bunker and the relay
 * it measures. {@code --no-precompute} drives the bunker through {@link Nip46Client} instead: each
 * request built when it is sent and each reply verified and decrypted before the request counts as
 * answered, which is the latency a client library sees including its own cryptography.
 */
@Command(
    name = "loadtest",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description = {
      "Drives a bunker with NIP-46 requests and reports throughput, latency and every error reply.",
      "By default requests are built and signed ahead and replies verified and decrypted off the critical path"
          + " (latency: from the write of a request to the arrival of its reply); --no-precompute builds,"
          + " verifies and decrypts each on the way, as a client library does."
    })
public final class LoadtestCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--bunker",
      required = true,
      paramLabel = "URI",
      description = "The bunker:// URI (quote it).")
  String bunker;

  @Option(
      names = "--requests",
      paramLabel = "N",
      defaultValue = "100",
      description = "Requests to send.")
  int requests;

  @Option(
      names = "--concurrency",
      paramLabel = "C",
      defaultValue = "10",
      description = "Requests in flight at most.")
  int concurrency;

  @Option(
      names = "--clients",
      paramLabel = "K",
      defaultValue = "1",
      description =
          "Client keys to spread the requests over (each connects with the URI's secret, so the "
              + "authorization must admit K connections); one key is subject to the bunker's per-client rate limit.")
  int clients;

  @Option(
      names = "--method",
      paramLabel = "METHOD",
      defaultValue = "sign_event",
      description = "ping, sign_event or nip44_encrypt.")
  LoadMethod method;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "15",
      description = "How long each request may wait for its reply.")
  int timeoutSeconds;

  @Option(
      names = "--connect-timeout",
      paramLabel = "SECONDS",
      defaultValue = "15",
      description = "How long to wait for a relay connection and the connect reply.")
  int connectTimeoutSeconds;

  @Option(
      names = "--no-precompute",
      description =
          "Build, encrypt and sign each request when it is sent and verify and decrypt each reply before it"
              + " counts (through the NIP-46 client library): its latency includes the client's own"
              + " cryptography, and the load generator spends several times more CPU per request.")
  boolean noPrecompute;

  @Option(
      names = "--ahead",
      paramLabel = "N",
      defaultValue = "50000",
      description =
          "Without --no-precompute (and on a ws:// relay; wss:// falls back to it): the most requests built ahead of their send and the most replies"
              + " kept unchecked (memory: about 2 KB per request for sign_event, so ~100 MB at the default);"
              + " a longer run builds and checks the rest while it runs.")
  int ahead;

  @Option(
      names = "--json",
      description =
          "Print {\"requests\",\"ok\",\"errors\":{MESSAGE:count},\"timeouts\",\"wrong_results\","
              + "\"wrong_replies\",\"duplicate_replies\",\"throughput_rps\",\"p50_ms\",\"p95_ms\",\"p99_ms\","
              + "\"max_ms\",\"driver\",\"driver_cpu_us_per_request\"}.")
  boolean json;

  /** Creates the command. */
  public LoadtestCommand() {}

  @Override
  public Integer call() throws Exception {
    if (requests < 1
        || concurrency < 1
        || timeoutSeconds < 1
        || connectTimeoutSeconds < 1
        || ahead < 1) {
      throw new UsageException(
          "--requests, --concurrency, --timeout, --connect-timeout and --ahead must be at least 1");
    }
    BunkerUri uri;
    try {
      uri = BunkerUri.parse(bunker.strip());
    } catch (InvalidConnectUriException | IllegalArgumentException e) {
      throw new UsageException("not a valid bunker:// URI: " + e.getMessage(), e);
    }
    if (clients < 1 || clients > 1000) {
      throw new UsageException("--clients must be 1 to 1000");
    }
    URI relay = URI.create(uri.relays().get(0));
    PrintWriter err = spec.commandLine().getErr();
    boolean precompute = !noPrecompute;
    if (precompute && !"ws".equals(relay.getScheme())) {
      // The lean driver's sockets are plain ws://; over TLS, the client library does the work.
      err.println(
          "loadtest: "
              + TerminalText.escape(relay.toString())
              + " is not ws://: sending through the NIP-46 client library (as --no-precompute)");
      precompute = false;
    }
    List<Nip46Client> pool = new ArrayList<>();
    List<SecretKey> keys = new ArrayList<>();
    ExecutorService crypto =
        Executors.newFixedThreadPool(2, Thread.ofPlatform().daemon().factory());
    try {
      for (int i = 0; i < clients; i++) {
        keys.add(SecretKey.generate());
        pool.add(
            Nip46Client.builder(uri, keys.get(i))
                .timeout(Duration.ofSeconds(timeoutSeconds))
                .cryptoExecutor(crypto)
                .build());
      }
      connectAll(pool, uri);
      Report report;
      if (!precompute) {
        report = run(pool, err);
      } else {
        // The bunker has authorized the client keys; the lean driver speaks for them from here on.
        pool.forEach(Nip46Client::close);
        pool.clear();
        report = runPrecomputed(relay, uri.signerPubkey(), keys, err);
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(Json.write(report.toJson()));
      } else {
        report.print(out);
      }
      out.flush();
      return report.ok == 0 && report.timeouts == requests
          ? ExitCodes.TEMPORARILY_UNAVAILABLE
          : ExitCodes.OK;
    } finally {
      pool.forEach(Nip46Client::close);
      crypto.shutdownNow();
    }
  }

  /** Connects every client (all at once); retries a bunker's "unavailable, retry later". */
  private void connectAll(List<Nip46Client> pool, BunkerUri uri) throws Exception {
    for (Nip46Client client : pool) {
      if (!client.awaitConnected(Duration.ofSeconds(connectTimeoutSeconds))) {
        throw new RelayUnavailableException(
            "no relay of the bunker URI answered within "
                + connectTimeoutSeconds
                + " s ("
                + String.join(", ", uri.relays())
                + ")");
      }
    }
    List<CompletableFuture<Nip46Result>> connects = new ArrayList<>();
    for (Nip46Client client : pool) {
      connects.add(client.connect(PermissionSet.all()));
    }
    for (int k = 0; k < pool.size(); k++) {
      Nip46Result connected = connects.get(k).get();
      for (int attempt = 1;
          attempt <= 5
              && connected instanceof Nip46Result.Failure f
              && f.error().contains("unavailable");
          attempt++) {
        Thread.sleep(200L * attempt);
        connected = pool.get(k).connect(PermissionSet.all()).get();
      }
      switch (connected) {
        case Nip46Result.Success s -> {}
        case Nip46Result.Failure f ->
            throw new UsageException("the bunker refused to connect: " + f.error());
        case Nip46Result.TimedOut t ->
            throw new RelayUnavailableException(
                "the bunker did not answer connect within "
                    + timeoutSeconds
                    + " s (is it running on these relays?)");
      }
    }
  }

  private Report runPrecomputed(
      URI relay, PublicKey bunkerKey, List<SecretKey> keys, PrintWriter err) throws Exception {
    try (PrecomputedLoad load =
        new PrecomputedLoad(
            relay, bunkerKey, keys, method, requests, ahead, Duration.ofSeconds(timeoutSeconds))) {
      load.prepare(Duration.ofSeconds(connectTimeoutSeconds));
      Progress progress = new Progress(err, "loadtest " + method, requests);
      PrecomputedLoad.Result r = load.run(concurrency, done -> progress.update(done, ""));
      progress.done(
          requests
              + " requests in "
              + String.format(Locale.ROOT, "%.2f s", r.elapsedNanos() / 1e9));
      return new Report(
          requests,
          r.ok(),
          new TreeMap<>(r.errors()),
          r.timeouts(),
          r.wrongResults(),
          r.wrongReplies(),
          r.duplicateReplies(),
          requests / (r.elapsedNanos() / 1e9),
          r.sortedLatencies(),
          "precomputed",
          r.runCpuNanos() / 1e3 / requests,
          r.buildCpuNanos() / 1e3 / requests,
          r.checkCpuNanos() / 1e3 / requests);
    }
  }

  private CompletableFuture<Nip46Result> send(Nip46Client client, PublicKey peer, int i) {
    return switch (method) {
      case ping -> client.ping();
      case sign_event -> client.signEvent(LoadMethod.note(i, System.currentTimeMillis() / 1000));
      case nip44_encrypt -> client.nip44Encrypt(peer, "keycast loadtest message " + i);
    };
  }

  private Report run(List<Nip46Client> pool, PrintWriter err) throws InterruptedException {
    PublicKey peer = SecretKey.generate().publicKey();
    Semaphore inFlight = new Semaphore(concurrency);
    CountDownLatch done = new CountDownLatch(requests);
    long[] latencies = new long[requests];
    AtomicInteger answered = new AtomicInteger();
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger timeouts = new AtomicInteger();
    AtomicInteger wrong = new AtomicInteger();
    AtomicLong completed = new AtomicLong();
    Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
    Progress progress = new Progress(err, "loadtest " + method, requests);
    long cpu = processCpuNanos();
    long start = System.nanoTime();
    for (int i = 0; i < requests; i++) {
      inFlight.acquire();
      long sent = System.nanoTime();
      int index = i;
      // The callback does all the accounting and counts down done, which this method awaits.
      var unused =
          send(pool.get(i % pool.size()), peer, i)
              .whenComplete(
                  (r, ex) -> {
                    long nanos = System.nanoTime() - sent;
                    if (ex != null) {
                      errors
                          .computeIfAbsent(
                              "client failure: " + ex.getClass().getSimpleName(),
                              k -> new AtomicInteger())
                          .incrementAndGet();
                    } else {
                      switch (r) {
                        case Nip46Result.Success s -> {
                          if (method.wrongResult(index, s.result()) == null) {
                            ok.incrementAndGet();
                            latencies[answered.getAndIncrement()] = nanos;
                          } else {
                            wrong.incrementAndGet();
                          }
                        }
                        case Nip46Result.Failure f -> {
                          errors
                              .computeIfAbsent(f.error(), k -> new AtomicInteger())
                              .incrementAndGet();
                          latencies[answered.getAndIncrement()] = nanos;
                        }
                        case Nip46Result.TimedOut t -> timeouts.incrementAndGet();
                      }
                    }
                    completed.incrementAndGet();
                    inFlight.release();
                    done.countDown();
                  });
      progress.update(completed.get(), "");
    }
    while (!done.await(100, TimeUnit.MILLISECONDS)) {
      progress.update(completed.get(), "");
    }
    long elapsed = System.nanoTime() - start;
    long cpuSpent = processCpuNanos() - cpu;
    progress.done(requests + " requests in " + String.format(Locale.ROOT, "%.2f s", elapsed / 1e9));
    long[] answeredLatencies = Arrays.copyOf(latencies, answered.get());
    Arrays.sort(answeredLatencies);
    Map<String, Integer> errorCounts = new TreeMap<>();
    errors.forEach((k, v) -> errorCounts.put(k, v.get()));
    return new Report(
        requests,
        ok.get(),
        errorCounts,
        timeouts.get(),
        wrong.get(),
        0,
        0,
        requests / (elapsed / 1e9),
        answeredLatencies,
        "nip46client",
        cpuSpent / 1e3 / requests,
        null,
        null);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * The results; latencies sorted, in nanoseconds. Driver CPU: this process's CPU time (all
   * threads) from the first send to the end of the wait, per request; for the precomputing driver
   * also the CPU of building before the clock and of checking after it.
   */
  @SuppressWarnings(
      "ArrayRecordComponent") // a result printed field by field; never compared, hashed or printed
  // whole
  record Report(
      int requests,
      int ok,
      Map<String, Integer> errors,
      int timeouts,
      int wrongResults,
      int wrongReplies,
      int duplicateReplies,
      double throughputRps,
      long[] sortedLatencies,
      String driver,
      double driverCpuUsPerRequest,
      @Nullable Double buildCpuUsPerRequest,
      @Nullable Double checkCpuUsPerRequest) {
    double percentileMs(double p) {
      if (sortedLatencies.length == 0) {
        return 0;
      }
      int idx = (int) Math.ceil(p / 100.0 * sortedLatencies.length) - 1;
      return round(sortedLatencies[Math.max(0, Math.min(idx, sortedLatencies.length - 1))] / 1e6);
    }

    static double round(double v) {
      return Math.round(v * 100) / 100.0;
    }

    Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("requests", requests);
      m.put("ok", ok);
      m.put("errors", errors);
      m.put("timeouts", timeouts);
      m.put("wrong_results", wrongResults);
      m.put("wrong_replies", wrongReplies);
      m.put("duplicate_replies", duplicateReplies);
      m.put("throughput_rps", round(throughputRps));
      m.put("p50_ms", percentileMs(50));
      m.put("p95_ms", percentileMs(95));
      m.put("p99_ms", percentileMs(99));
      m.put("max_ms", percentileMs(100));
      m.put("driver", driver);
      m.put("driver_cpu_us_per_request", round(driverCpuUsPerRequest));
      if (buildCpuUsPerRequest != null) {
        m.put("build_cpu_us_per_request", round(buildCpuUsPerRequest));
      }
      if (checkCpuUsPerRequest != null) {
        m.put("check_cpu_us_per_request", round(checkCpuUsPerRequest));
      }
      return m;
    }

    void print(PrintWriter out) {
      out.println(
          String.format(
              Locale.ROOT,
              "requests %d: ok %d, error replies %d, timeouts %d, wrong results %d",
              requests,
              ok,
              errors.values().stream().mapToInt(Integer::intValue).sum(),
              timeouts,
              wrongResults));
      errors.forEach(
          (msg, n) ->
              out.println(
                  String.format(
                      Locale.ROOT, "  error %-40s %d", "'" + TerminalText.escape(msg) + "'", n)));
      if (wrongReplies > 0 || duplicateReplies > 0) {
        out.println(
            String.format(
                Locale.ROOT,
                "replies that fail to verify, decrypt or match a request: %d; duplicate answers: %d",
                wrongReplies,
                duplicateReplies));
      }
      out.println(String.format(Locale.ROOT, "throughput %.1f requests/s", throughputRps));
      out.println(
          String.format(
              Locale.ROOT,
              "latency ms: p50 %.2f  p95 %.2f  p99 %.2f  max %.2f",
              percentileMs(50),
              percentileMs(95),
              percentileMs(99),
              percentileMs(100)));
      out.println(
          String.format(
              Locale.ROOT,
              "load generator (%s) CPU: %.0f µs/request during the run%s",
              driver,
              driverCpuUsPerRequest,
              buildCpuUsPerRequest == null || checkCpuUsPerRequest == null
                  ? ""
                  : String.format(
                      Locale.ROOT,
                      ", %.0f building ahead, %.0f checking replies off the critical path",
                      buildCpuUsPerRequest,
                      checkCpuUsPerRequest)));
      if (errors.keySet().stream().anyMatch(m -> m.contains("rate"))) {
        out.println(
            "note: the bunker rate-limits each client key (a connected client is answered 'rate limited';"
                + " a key not connected is dropped silently beyond a small reply budget); spread the load with --clients K over an authorization admitting K connections");
      }
    }
  }
}
