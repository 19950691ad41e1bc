package dev.keycast.cli.internal;

import dev.keycast.nip46.store.AuditLog;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audit retention for the daemon: deletes audit entries older than the retention period once at
 * start and then every interval, on one virtual thread of its own, never on the request path.
 *
 * <p>A failed purge (database down) logs one WARN line, and further consecutive failures log at
 * DEBUG only; the next run retries and logs when it succeeds again. The store purges in small
 * batches, so a large backlog never holds the database writer for long.
 *
 * <p>Thread-safe: {@link #close()} may be called from any thread; it stops the thread (interrupting
 * a wait, not a batch in progress) and waits for it to end. Idempotent.
 */
public final class AuditPurger implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AuditPurger.class);

  private final AuditLog audit;
  private final Duration retention;
  private final Duration interval;
  private final Clock clock;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final Thread thread;
  private final AtomicLong runs = new AtomicLong();
  private final AtomicLong purged = new AtomicLong();
  private boolean failing; // confined to the purge thread

  private AuditPurger(AuditLog audit, Duration retention, Duration interval, Clock clock) {
    this.audit = audit;
    this.retention = retention;
    this.interval = interval;
    this.clock = clock;
    this.thread = Thread.ofVirtual().name("keycast-audit-purge").unstarted(this::loop);
  }

  /**
   * Starts purging.
   *
   * @param audit the audit log
   * @param retention how long entries are kept; positive
   * @param interval the time between purges; positive (the daemon uses an hour)
   * @param clock the clock the cutoff is computed from
   * @return the running purger; close it to stop
   * @throws IllegalArgumentException if {@code retention} or {@code interval} is not positive
   */
  public static AuditPurger start(
      AuditLog audit, Duration retention, Duration interval, Clock clock) {
    if (!retention.isPositive() || !interval.isPositive()) {
      throw new IllegalArgumentException("retention and interval must be positive");
    }
    AuditPurger p = new AuditPurger(audit, retention, interval, clock);
    p.thread.start();
    return p;
  }

  /** Returns the number of purge runs finished (successful or not), for tests and diagnostics. */
  public long runs() {
    return runs.get();
  }

  /** Returns the number of entries deleted since start. */
  public long purged() {
    return purged.get();
  }

  private void loop() {
    try {
      do {
        purgeOnce();
      } while (!stop.await(interval.toMillis(), TimeUnit.MILLISECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closing
    }
  }

  private void purgeOnce() {
    try {
      long n = audit.purgeBefore(clock.instant().minus(retention));
      purged.addAndGet(n);
      if (failing) {
        log.info("audit retention purge works again");
      }
      failing = false;
      if (n > 0) {
        log.info("audit retention: deleted {} entries older than {}", n, retention);
      }
    } catch (RuntimeException e) {
      if (!failing) {
        log.warn("audit retention purge failed, retrying in {}: {}", interval, e.toString());
      } else {
        log.debug("audit retention purge failed again", e);
      }
      failing = true;
    } finally {
      runs.incrementAndGet();
    }
  }

  /** Stops the purge thread and waits for it (a batch in progress finishes first). */
  @Override
  public void close() {
    stop.countDown();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
