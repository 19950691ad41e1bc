package dev.keycast.nip46.bunker.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a fresh verdict on whether the database answers, so that health checks never wait on it.
 *
 * <p>One virtual thread runs a cheap query ({@code query}) every {@code interval}. A health check
 * reads the last verdict: reachable if the last query succeeded, unreachable with its failure if it
 * failed, and unreachable as soon as a query has been running longer than {@code timeout} (a cut
 * network, a pool with no free connection), without waiting for it to return. Queries never pile
 * up: the next one starts only after the previous one returned.
 *
 * <p>Thread-safe; {@link #verdict()} never blocks.
 */
public final class DatabaseProbe implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseProbe.class);

  /** What a health check reports about the database. */
  public record Verdict(boolean reachable, @Nullable String reason) {}

  private final LongSupplier query;
  private final long intervalNanos;
  private final long timeoutNanos;
  private static final Verdict INITIAL = new Verdict(false, "database not probed yet");

  private volatile Verdict last = INITIAL;
  private volatile long runningSince; // 0 when no query runs
  private volatile boolean closed;
  private volatile boolean probed; // written by one thread at a time: start(), then the loop
  private volatile @Nullable Thread thread;

  /**
   * Creates a stopped probe.
   *
   * @param query the cheap query; any {@link RuntimeException} means unreachable
   * @param interval the pause between two queries
   * @param timeout how long a query may run before the database counts as unreachable
   */
  public DatabaseProbe(LongSupplier query, Duration interval, Duration timeout) {
    this.query = Objects.requireNonNull(query, "query");
    this.intervalNanos = interval.toNanos();
    this.timeoutNanos = timeout.toNanos();
  }

  /** Runs one query now, on the calling thread, then starts the background loop. Blocks. */
  public void start() {
    probeOnce();
    thread = Thread.ofVirtual().name("keycast-db-probe").start(this::loop);
  }

  /** Returns the current verdict. Never blocks. */
  public Verdict verdict() {
    long since = runningSince;
    if (since != 0 && System.nanoTime() - since > timeoutNanos) {
      return new Verdict(
          false,
          "database did not answer within " + Duration.ofNanos(timeoutNanos).toMillis() + " ms");
    }
    return last;
  }

  private void loop() {
    while (!closed) {
      try {
        Thread.sleep(Duration.ofNanos(intervalNanos));
      } catch (InterruptedException e) {
        return;
      }
      probeOnce();
    }
  }

  private void probeOnce() {
    runningSince = System.nanoTime() | 1; // never 0 while running
    Verdict v;
    try {
      long unused = query.getAsLong();
      v = new Verdict(true, null);
    } catch (RuntimeException e) {
      v = new Verdict(false, "database unreachable: " + oneLine(e));
    } finally {
      runningSince = 0;
    }
    Verdict previous = last;
    last = v;
    boolean probed = this.probed;
    this.probed = true;
    if (previous.reachable() && !v.reachable()) {
      LOG.warn("{}", v.reason());
    } else if (!previous.reachable() && v.reachable() && probed) {
      LOG.info("database reachable again");
    }
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  /** Stops the loop; a query in progress finishes on its own. Idempotent. */
  @Override
  public void close() {
    closed = true;
    Thread t = thread;
    if (t != null) {
      t.interrupt();
    }
  }
}
