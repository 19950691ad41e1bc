package dev.keycast.cli.internal;

import dev.keycast.nip46.server.BunkerStatsCounter;
import dev.keycast.nip46.server.EventRejectReason;
import dev.keycast.nip46.server.ResponseOutcome;
import dev.keycast.nip46.server.TaskSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console's live figures: once a second, requests answered per second by outcome group, the
 * p50 and p99 of their latency in that second, the queue's depth against its capacity, and how busy
 * the workers and the CPU pool were; the last {@value #KEEP_SECONDS} seconds are kept in memory for
 * {@code GET /api/v1/stats}.
 *
 * <p>Wraps the daemon's {@link BunkerStatsCounter} (every call is passed on). Recording is
 * lock-free and never blocks (cumulative {@link LongAdder}s; the sampler takes differences), so it
 * costs the request path a few adds. Thread-safe: the bunker's threads record, one virtual thread
 * samples, HTTP threads read under a short lock.
 */
public final class ConsoleStats implements BunkerStatsCounter, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConsoleStats.class);

  /** How many one-second samples are kept. */
  public static final int KEEP_SECONDS = 300;

  /** The outcome groups charted, in order. */
  public static final List<String> GROUPS = List.of("ok", "approval", "denied", "limited", "error");

  /** Bucket upper bounds in microseconds: 50 µs × 1.2^i, up to about two minutes. */
  private static final long[] BOUNDS_MICROS = bounds();

  private final BunkerStatsCounter delegate;
  private final LongAdder[] byGroup = adders(GROUPS.size());
  private final LongAdder rejected = new LongAdder();
  private final LongAdder[] buckets = adders(BOUNDS_MICROS.length + 1);
  private final Clock clock;

  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<Map<String, Object>> samples = new ArrayDeque<>(); // guarded by lock
  private volatile @Nullable Thread sampler;

  /**
   * @param delegate the counter every call is passed on to (Micrometer)
   * @param clock the clock for sample times
   */
  public ConsoleStats(BunkerStatsCounter delegate, Clock clock) {
    this.delegate = delegate;
    this.clock = clock;
  }

  @Override
  public void recordAccepted() {
    delegate.recordAccepted();
  }

  @Override
  public void recordRejected(EventRejectReason reason) {
    rejected.increment();
    delegate.recordRejected(reason);
  }

  @Override
  public void recordResponse(String method, ResponseOutcome outcome, long latencyNanos) {
    byGroup[GROUPS.indexOf(group(outcome))].increment();
    buckets[bucket(Math.max(0, latencyNanos) / 1000)].increment();
    delegate.recordResponse(method, outcome, latencyNanos);
  }

  /** The chart group of an outcome. */
  static String group(ResponseOutcome outcome) {
    return switch (outcome) {
      case OK -> "ok";
      case AUTH_URL -> "approval";
      case UNAUTHORIZED, PERMISSION_DENIED -> "denied";
      case RATE_LIMITED, OVERLOADED -> "limited";
      default -> "error";
    };
  }

  /**
   * Starts sampling once a second on a virtual thread until {@link #close()}.
   *
   * @param tasks the bunker's task view ({@code Bunker::tasks}); called once a second
   */
  public void start(Supplier<TaskSnapshot> tasks) {
    sampler =
        Thread.ofVirtual()
            .name("console-stats")
            .start(
                () -> {
                  Sampler s = new Sampler(tasks);
                  try {
                    while (!Thread.currentThread().isInterrupted()) {
                      Thread.sleep(Duration.ofSeconds(1));
                      try {
                        add(s.next());
                      } catch (RuntimeException e) {
                        log.debug("console sample failed: {}", e.toString());
                      }
                    }
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
  }

  /**
   * Returns the samples kept, oldest first. Never blocks for long.
   *
   * @return {@code {"interval_ms", "groups", "samples": [{"t", "rps": {group: n}, "p50_ms",
   *     "p99_ms", "queue_depth", "queue_capacity", "workers_busy", "cpu_busy", "in_flight",
   *     "awaiting_approval", "rejected"}]}}
   */
  public Map<String, Object> recent() {
    List<Map<String, Object>> out;
    lock.lock();
    try {
      out = new ArrayList<>(samples);
    } finally {
      lock.unlock();
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("interval_ms", 1000);
    body.put("groups", GROUPS);
    body.put("samples", out);
    return body;
  }

  private void add(Map<String, Object> sample) {
    lock.lock();
    try {
      samples.addLast(sample);
      while (samples.size() > KEEP_SECONDS) {
        samples.removeFirst();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Stops the sampler. */
  @Override
  public void close() {
    Thread t = sampler;
    if (t != null) {
      t.interrupt();
    }
  }

  /** State confined to the sampler thread: the previous cumulative values. */
  private final class Sampler {
    private final Supplier<TaskSnapshot> tasks;
    private final long[] lastGroups = new long[GROUPS.size()];
    private final long[] lastBuckets = new long[buckets.length];
    private long lastRejected;
    private long lastNanos = System.nanoTime();
    private @Nullable TaskSnapshot lastTasks;

    Sampler(Supplier<TaskSnapshot> tasks) {
      this.tasks = tasks;
    }

    Map<String, Object> next() {
      long now = System.nanoTime();
      double seconds = Math.max(1e-3, (now - lastNanos) / 1e9);
      lastNanos = now;
      Map<String, Object> rps = new LinkedHashMap<>();
      for (int i = 0; i < GROUPS.size(); i++) {
        long v = byGroup[i].sum();
        rps.put(GROUPS.get(i), round((v - lastGroups[i]) / seconds));
        lastGroups[i] = v;
      }
      long[] delta = new long[buckets.length];
      long total = 0;
      for (int i = 0; i < buckets.length; i++) {
        long v = buckets[i].sum();
        delta[i] = v - lastBuckets[i];
        lastBuckets[i] = v;
        total += delta[i];
      }
      long rej = rejected.sum();
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("t", clock.millis());
      s.put("rps", rps);
      s.put("rejected_per_s", round((rej - lastRejected) / seconds));
      lastRejected = rej;
      s.put("p50_ms", total == 0 ? null : quantileMillis(delta, total, 0.50));
      s.put("p99_ms", total == 0 ? null : quantileMillis(delta, total, 0.99));
      TaskSnapshot t = tasks.get();
      s.put("queue_depth", t.queue().depth());
      s.put("queue_capacity", t.queue().capacity());
      s.put("in_flight", t.tasks().size());
      s.put("awaiting_approval", t.queue().pendingApproval());
      s.put("workers_busy", busy(lastTasks == null ? null : lastTasks.workers(), t.workers()));
      s.put("cpu_busy", busy(lastTasks == null ? null : lastTasks.cpuPool(), t.cpuPool()));
      lastTasks = t;
      return s;
    }
  }

  /** The share of a pool's thread time spent busy between two snapshots, in [0, 1]. */
  static double busy(TaskSnapshot.@Nullable Pool before, TaskSnapshot.Pool now) {
    if (before == null) {
      return round(now.utilization());
    }
    long dt = now.uptimeNanos() - before.uptimeNanos();
    if (dt <= 0 || now.total() <= 0) {
      return 0;
    }
    double u = (double) (now.busyNanos() - before.busyNanos()) / ((double) dt * now.total());
    return round(Math.max(0, Math.min(1, u)));
  }

  /**
   * The upper bound, in milliseconds, of the bucket holding the {@code q} quantile of a histogram.
   */
  static double quantileMillis(long[] counts, long total, double q) {
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank && counts[i] > 0) {
        long micros = i < BOUNDS_MICROS.length ? BOUNDS_MICROS[i] : 2 * BOUNDS_MICROS[i - 1];
        return round(micros / 1000.0);
      }
    }
    return round(2 * BOUNDS_MICROS[BOUNDS_MICROS.length - 1] / 1000.0);
  }

  /** The index of the first bucket whose bound is at least {@code micros}. */
  static int bucket(long micros) {
    int lo = 0;
    int hi = BOUNDS_MICROS.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (BOUNDS_MICROS[mid] < micros) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static long[] bounds() {
    List<Long> b = new ArrayList<>();
    for (double v = 50; v < 120_000_000; v *= 1.2) {
      b.add((long) Math.ceil(v));
    }
    return b.stream().mapToLong(Long::longValue).toArray();
  }

  private static LongAdder[] adders(int n) {
    LongAdder[] a = new LongAdder[n];
    for (int i = 0; i < n; i++) {
      a[i] = new LongAdder();
    }
    return a;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
