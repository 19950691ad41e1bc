package dev.keycast.nip46.bunker.internal;

import dev.keycast.nip46.store.AuditEntry;
import dev.keycast.nip46.store.AuditLog;
import dev.keycast.nip46.store.DatabaseUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link AuditLog} that takes the database write off the request path: {@link #record} puts the
 * entry in a bounded buffer and returns, one writer thread appends what accumulated in one
 * transaction ({@link AuditLog#recordAll}), gathering for up to 50 ms so that a transaction carries
 * many entries. Measured by bench/e2e (profile.sh): one INSERT per request on the request worker
 * was the largest single cost of a {@code sign_event} on SQLite after the crypto, and SQLite's JNI
 * call pins the virtual worker's carrier while it runs.
 *
 * <p><b>Database outages</b> (issue 16 item 4): a batch that fails because the database is
 * unreachable ({@link DatabaseUnavailableException}) is kept and retried with backoff (100 ms
 * doubling to 2 s) until the database answers, so the entries of requests served during an outage
 * are written after it. Meanwhile new entries wait in the buffer; a worker never waits on the
 * database for an audit write: when the buffer is full during an outage, an entry is dropped and
 * counted ({@link #lostCount()}, with a WARN line at most once a minute).
 *
 * <p><b>Otherwise nothing is dropped:</b> when the buffer is full while the database answers,
 * {@link #record} writes synchronously (back-pressure, as before). A batch that fails for another
 * reason is retried entry by entry; an entry that still fails is logged, as a failed synchronous
 * write was. Reads ({@link #recent}, {@link #forAuthorization}) and {@link #purgeBefore} first wait
 * (bounded) until everything recorded before the call is written, so a reader sees its own writes.
 *
 * <p>Threads: any thread calls {@link #record}; one platform daemon thread ({@code
 * keycast-audit-writer}) writes, so the database's JNI calls never occupy a virtual-thread carrier.
 * Thread-safe. {@link #close} flushes and stops.
 */
public final class BatchingAuditLog implements AuditLog, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BatchingAuditLog.class);
  private static final int MAX_BATCH = 512;
  // Free places hasRoom() keeps for the entries racing threads record after asking.
  private static final int ROOM_TO_SPARE = 64;
  // How long the writer gathers entries into one transaction (a reader's flush() cuts it short).
  // A transaction's commit and its statement's preparation cost far more than a row (on SQLite, a
  // third and a fifth of the writer's CPU at 20 ms, about 20 entries a transaction at 1,000/s): at
  // 50 ms the writer's CPU per request fell from 25 to 14 us; at 100 ms to 9, but its bigger bursts
  // raised the p99 latency of requests on 2 cores from 11-16 ms to 15-23 (docs/BENCHMARKS.md).
  private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final Duration FLUSH_WAIT = Duration.ofSeconds(10);
  private static final long FIRST_RETRY_MILLIS = 100;
  private static final long MAX_RETRY_MILLIS = 2000;

  private final AuditLog delegate;
  private final ArrayBlockingQueue<AuditEntry> buffer;
  private final Thread writer;
  private final AtomicLong enqueued = new AtomicLong();
  private final AtomicInteger flushWaiters = new AtomicInteger();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition progress = lock.newCondition();
  private long
      written; // guarded by lock: entries taken from the buffer and handled (written or logged)
  private volatile boolean closed;
  private final AtomicLong lost = new AtomicLong();
  private volatile boolean outage; // the last write failed with the database unreachable
  private final long stuckWriteNanos;
  private volatile long writingSince; // System.nanoTime() when the running write began, 0 if none
  private final RateLimitedWarning lostWarning =
      new RateLimitedWarning(
          LOG,
          "audit buffer full while the database is unreachable: entries dropped"
              + " (counted in keycast_audit_lost_total)",
          Duration.ofMinutes(1));

  /**
   * Starts the writer thread.
   *
   * @param delegate the log to write to
   * @param capacity the most entries waiting to be written, at least 1
   */
  public BatchingAuditLog(AuditLog delegate, int capacity) {
    this(delegate, capacity, Duration.ofSeconds(1));
  }

  /**
   * Starts the writer thread.
   *
   * @param delegate the log to write to
   * @param capacity the most entries waiting to be written, at least 1
   * @param stuckWrite how long a running write may take before the database counts as away
   */
  BatchingAuditLog(AuditLog delegate, int capacity, Duration stuckWrite) {
    this.stuckWriteNanos = stuckWrite.toNanos();
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    this.delegate = delegate;
    this.buffer = new ArrayBlockingQueue<>(capacity);
    this.writer = Thread.ofPlatform().daemon().name("keycast-audit-writer").start(this::writeLoop);
  }

  /**
   * Never blocks unless the buffer is full while the database answers (then writes synchronously).
   * During an outage a full buffer drops the entry and counts it.
   */
  @Override
  public void record(AuditEntry entry) {
    if (!closed && buffer.offer(entry)) {
      enqueued.incrementAndGet();
      return;
    }
    if (databaseAway()) {
      lost.incrementAndGet();
      lostWarning.warn();
      return;
    }
    delegate.record(entry);
  }

  /**
   * Whether the database counts as away: the last write failed as unreachable, or a write has been
   * running for more than a second (a silent network: the failure comes only at the socket
   * timeout).
   */
  boolean databaseAway() {
    long since = writingSince;
    return outage || (since != 0 && System.nanoTime() - since > stuckWriteNanos);
  }

  /**
   * Whether {@link #record} would take an entry without writing it (the buffer has room to spare
   * for the entries other threads may record meanwhile). A moment's snapshot; never blocks long.
   */
  boolean hasRoom() {
    return !closed && buffer.remainingCapacity() > ROOM_TO_SPARE;
  }

  /** Returns how many entries were dropped because the buffer was full during an outage. */
  public long lostCount() {
    return lost.get();
  }

  /** Returns how many entries wait to be written (a moment's snapshot). Never blocks. */
  public int pendingCount() {
    return buffer.size();
  }

  @Override
  public void recordAll(List<AuditEntry> entries) {
    for (AuditEntry e : entries) {
      record(e);
    }
  }

  @Override
  public List<AuditEntry> recent(int limit) {
    flush();
    return delegate.recent(limit);
  }

  @Override
  public List<AuditEntry> forAuthorization(long authorizationId, int limit) {
    flush();
    return delegate.forAuthorization(authorizationId, limit);
  }

  @Override
  public long purgeBefore(Instant cutoff) {
    flush();
    return delegate.purgeBefore(cutoff);
  }

  /**
   * Waits until every entry recorded before this call has been written (or has failed and been
   * logged), at most 10 seconds. Blocks.
   */
  public void flush() {
    long target = enqueued.get();
    long deadline = System.nanoTime() + FLUSH_WAIT.toNanos();
    flushWaiters.incrementAndGet();
    LockSupport.unpark(writer); // ends the writer's gathering pause at once
    lock.lock();
    try {
      while (written < target && writer.isAlive()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          LOG.warn("audit log flush timed out with {} entries unwritten", target - written);
          return;
        }
        progress.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
      flushWaiters.decrementAndGet();
    }
  }

  private void writeLoop() {
    List<AuditEntry> batch = new ArrayList<>(MAX_BATCH);
    while (true) {
      try {
        AuditEntry first = buffer.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (closed && buffer.isEmpty()) {
            return;
          }
          continue;
        }
        batch.add(first);
        gather(batch);
        write(batch);
      } catch (InterruptedException e) {
        if (closed) {
          buffer.drainTo(batch);
          write(batch);
          return;
        }
      } catch (RuntimeException e) {
        LOG.error("audit writer failed unexpectedly", e);
      } finally {
        int n = batch.size();
        batch.clear();
        if (n > 0) {
          lock.lock();
          try {
            written += n;
            progress.signalAll();
          } finally {
            lock.unlock();
          }
        }
      }
    }
  }

  /**
   * Adds what is waiting, then keeps gathering for up to {@link #LINGER_NANOS} while the batch is
   * short of {@link #MAX_BATCH}: under a steady load each transaction then carries tens of entries
   * instead of one or two, and a transaction costs far more than a row. Ends early when the buffer
   * is closed or a reader waits in {@link #flush}, so neither pays the linger.
   */
  private void gather(List<AuditEntry> batch) {
    buffer.drainTo(batch, MAX_BATCH - batch.size());
    long deadline = System.nanoTime() + LINGER_NANOS;
    while (batch.size() < MAX_BATCH && !closed && flushWaiters.get() == 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      LockSupport.parkNanos(this, left); // flush() and close() unpark the writer
      if (Thread.currentThread().isInterrupted()) {
        break; // write what was gathered; the loop's next poll sees the interrupt
      }
      buffer.drainTo(batch, MAX_BATCH - batch.size());
    }
    buffer.drainTo(batch, MAX_BATCH - batch.size());
  }

  private void write(List<AuditEntry> batch) {
    if (batch.isEmpty()) {
      return;
    }
    long backoffMillis = FIRST_RETRY_MILLIS;
    while (true) {
      try {
        writingSince = System.nanoTime() | 1; // never 0 while writing
        try {
          delegate.recordAll(batch);
        } finally {
          writingSince = 0;
        }
        if (outage) {
          outage = false;
          LOG.info("audit log written again after the database outage");
        }
        return;
      } catch (DatabaseUnavailableException unreachable) {
        if (!outage) {
          outage = true;
          LOG.warn(
              "audit writes wait for the database ({} entries held): {}",
              batch.size() + buffer.size(),
              unreachable.toString());
        }
        if (closed) {
          lost.addAndGet(batch.size()); // closing during an outage: nothing more to wait for
          LOG.warn("{} audit entries lost: the database was unreachable at close", batch.size());
          return;
        }
        LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(backoffMillis));
        backoffMillis = Math.min(MAX_RETRY_MILLIS, backoffMillis * 2);
      } catch (RuntimeException batchFailure) {
        writeOneByOne(batch);
        return;
      }
    }
  }

  private void writeOneByOne(List<AuditEntry> batch) {
    for (AuditEntry e : batch) {
      try {
        delegate.record(e);
      } catch (RuntimeException entryFailure) {
        // As for a failed synchronous write: availability over completeness, loud in the log.
        LOG.warn(
            "audit write failed for {} on authorization {}: {}",
            e.method(),
            e.authorizationId(),
            entryFailure.toString());
      }
    }
  }

  /**
   * Stops taking entries into the buffer (later ones are written synchronously), writes what is
   * left, stops.
   */
  @Override
  public void close() {
    closed = true;
    flush();
    try {
      writer.join(FLUSH_WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // An entry offered concurrently with close, after the writer's last look: write it here.
    List<AuditEntry> rest = new ArrayList<>();
    buffer.drainTo(rest);
    write(rest);
  }
}
