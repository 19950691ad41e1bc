package dev.keycast.cli;

import dev.keycast.cli.internal.Json;
import dev.keycast.cli.internal.Progress;
import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.BunkerUri;
import dev.keycast.nip46.EventTemplate;
import dev.keycast.nip46.InvalidConnectUriException;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.client.Nip46Client;
import dev.keycast.nip46.client.Nip46Result;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
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
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keycast loadtest}: a NIP-46 load generator. Connects to a bunker like a client app (a
 * fresh client key, the URI's secret), then sends {@code --requests} requests with at most {@code
 * --concurrency} in flight and reports throughput, latency percentiles (of answered requests) and
 * counts of results, error replies (by message) and timeouts.
 */
@Command(
    name = "loadtest",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description =
        "Drives a bunker with NIP-46 requests and reports throughput, latency and every error reply.")
public final class LoadtestCommand implements Callable<Integer> {
  /** The request sent. */
  enum Method {
    /** {@code ping}. */
    ping,
    /** {@code sign_event} of a kind-1 note. */
    sign_event,
    /** {@code nip44_encrypt} to a random third party. */
    nip44_encrypt
  }

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
  Method method;

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
      names = "--json",
      description =
          "Print {\"requests\",\"ok\",\"errors\":{MESSAGE:count},\"timeouts\","
              + "\"throughput_rps\",\"p50_ms\",\"p95_ms\",\"p99_ms\",\"max_ms\"}.")
  boolean json;

  /** Creates the command. */
  public LoadtestCommand() {}

  @Override
  public Integer call() throws Exception {
    if (requests < 1 || concurrency < 1 || timeoutSeconds < 1 || connectTimeoutSeconds < 1) {
      throw new UsageException(
          "--requests, --concurrency, --timeout and --connect-timeout must be at least 1");
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
    PrintWriter err = spec.commandLine().getErr();
    List<Nip46Client> pool = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < clients; i++) {
        pool.add(
            Nip46Client.builder(uri, SecretKey.generate())
                .timeout(Duration.ofSeconds(timeoutSeconds))
                .build());
      }
      for (Nip46Client client : pool) {
        connect(client, uri);
      }
      Report report = run(pool, err);
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
    }
  }

  private void connect(Nip46Client client, BunkerUri uri) throws Exception {
    if (!client.awaitConnected(Duration.ofSeconds(connectTimeoutSeconds))) {
      throw new RelayUnavailableException(
          "no relay of the bunker URI answered within "
              + connectTimeoutSeconds
              + " s ("
              + String.join(", ", uri.relays())
              + ")");
    }
    Nip46Result connected = client.connect(PermissionSet.all()).get();
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

  private CompletableFuture<Nip46Result> send(Nip46Client client, PublicKey peer, int i) {
    return switch (method) {
      case ping -> client.ping();
      case sign_event ->
          client.signEvent(
              new EventTemplate(
                  1, "keycast loadtest note " + i, List.of(), Instant.now().getEpochSecond()));
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
    AtomicLong completed = new AtomicLong();
    Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
    Progress progress = new Progress(err, "loadtest " + method, requests);
    long start = System.nanoTime();
    for (int i = 0; i < requests; i++) {
      inFlight.acquire();
      long sent = System.nanoTime();
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
                          ok.incrementAndGet();
                          latencies[answered.getAndIncrement()] = nanos;
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
    while (!done.await(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
      progress.update(completed.get(), "");
    }
    long elapsed = System.nanoTime() - start;
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
        requests / (elapsed / 1e9),
        answeredLatencies);
  }

  /** The results; latencies sorted, in nanoseconds. */
  @SuppressWarnings(
      "ArrayRecordComponent") // a result printed field by field; never compared, hashed or printed
  // whole
  record Report(
      int requests,
      int ok,
      Map<String, Integer> errors,
      int timeouts,
      double throughputRps,
      long[] sortedLatencies) {
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
      m.put("throughput_rps", round(throughputRps));
      m.put("p50_ms", percentileMs(50));
      m.put("p95_ms", percentileMs(95));
      m.put("p99_ms", percentileMs(99));
      m.put("max_ms", percentileMs(100));
      return m;
    }

    void print(PrintWriter out) {
      out.println(
          String.format(
              Locale.ROOT,
              "requests %d: ok %d, error replies %d, timeouts %d",
              requests,
              ok,
              errors.values().stream().mapToInt(Integer::intValue).sum(),
              timeouts));
      errors.forEach(
          (msg, n) ->
              out.println(String.format(Locale.ROOT, "  error %-40s %d", "'" + msg + "'", n)));
      out.println(String.format(Locale.ROOT, "throughput %.1f requests/s", throughputRps));
      out.println(
          String.format(
              Locale.ROOT,
              "latency ms: p50 %.2f  p95 %.2f  p99 %.2f  max %.2f",
              percentileMs(50),
              percentileMs(95),
              percentileMs(99),
              percentileMs(100)));
      if (errors.keySet().stream().anyMatch(m -> m.contains("rate"))) {
        out.println(
            "note: the bunker rate-limits each client key (a connected client is answered 'rate limited';"
                + " a key not connected is dropped silently beyond a small reply budget); spread the load with --clients K over an authorization admitting K connections");
      }
    }
  }
}
