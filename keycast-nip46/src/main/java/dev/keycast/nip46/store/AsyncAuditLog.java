package dev.keycast.nip46.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link AuditLog} that takes writes off the request path: {@link #record} only enqueues (never blocks, never
 * does I/O) and one background virtual thread writes batches with {@link AuditLog#recordAll}. Reads go straight to
 * the delegate and do not see entries still queued (call {@link #flush} first when that matters).
 *
 * <h2>Overflow and failures</h2>
 * The queue is bounded ({@code capacity}). When it is full the entry is dropped, counted in {@link #droppedCount()}
 * and logged (at most once per 10 s); nothing blocks. A batch that fails with {@link DatabaseUnavailableException}
 * is retried with exponential backoff (100 ms doubling, capped at 5 s) until it is written or the log is closed;
 * meanwhile new entries queue up to capacity. A batch failing with any other {@link StoreException} is dropped and
 * counted. Nothing is dropped silently.
 *
 * <p>Thread-safe: {@link #record} may be called from any number of threads; entries recorded by one thread are
 * written in order. Entries recorded before a {@link #flush} call returns {@code true} are visible to reads.
 */
public final class AsyncAuditLog implements AuditLog, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AsyncAuditLog.class);
  private static final int MAX_BATCH = 500;

  private final AuditLog delegate;
  private final ArrayBlockingQueue<AuditEntry> queue;
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong processed = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong lastDropLogNanos = new AtomicLong(System.nanoTime() - TimeUnit.SECONDS.toNanos(20));
  private final Thread writer;
  private volatile boolean closed;

  private AsyncAuditLog(AuditLog delegate, int capacity) {
    this.delegate = delegate;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.writer = Thread.ofVirtual().name("keycast-audit-writer").unstarted(this::run);
  }

  /**
   * Starts the background writer (one virtual thread named {@code keycast-audit-writer}).
   *
   * @param delegate the log to write to, usually {@link KeycastDatabase#audit()}
   * @param capacity maximum queued entries, 1 to 10,000,000
   * @return the running log; {@link #close} it to drain and stop
   * @throws IllegalArgumentException if capacity is out of range
   */
  public static AsyncAuditLog start(AuditLog delegate, int capacity) {
    if (capacity < 1 || capacity > 10_000_000) {
      throw new IllegalArgumentException("capacity must be 1 to 10000000, got " + capacity);
    }
    AsyncAuditLog log = new AsyncAuditLog(delegate, capacity);
    log.writer.start();
    return log;
  }

  /** Enqueues the entry; never blocks. If the queue is full (or the log closed) the entry is dropped and counted. */
  @Override
  public void record(AuditEntry entry) {
    if (!closed && queue.offer(entry)) {
      accepted.incrementAndGet();
      return;
    }
    dropped.incrementAndGet();
    long now = System.nanoTime();
    long last = lastDropLogNanos.get();
    if (now - last > TimeUnit.SECONDS.toNanos(10) && lastDropLogNanos.compareAndSet(last, now)) {
      LOG.warn("audit log queue {}: dropping entries ({} dropped so far)", closed ? "closed" : "full",
          dropped.get());
    }
  }

  /** Enqueues each entry as {@link #record} does. */
  @Override
  public void recordAll(List<AuditEntry> entries) {
    for (AuditEntry e : entries) {
      record(e);
    }
  }

  @Override
  public List<AuditEntry> recent(int limit) {
    return delegate.recent(limit);
  }

  @Override
  public List<AuditEntry> forAuthorization(long authorizationId, int limit) {
    return delegate.forAuthorization(authorizationId, limit);
  }

  @Override
  public long purgeBefore(Instant cutoff) {
    return delegate.purgeBefore(cutoff);
  }

  /**
   * Waits until every entry accepted before this call has been written (or dropped after a failure). Blocks up to
   * the timeout.
   *
   * @param timeout how long to wait
   * @return true if done, false on timeout
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean flush(Duration timeout) throws InterruptedException {
    long target = accepted.get();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (processed.get() < target) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      Thread.sleep(5);
    }
    return true;
  }

  /**
   * Entries written so far (a snapshot).
   *
   * @return the count
   */
  public long writtenCount() {
    return written.get();
  }

  /**
   * Entries dropped so far: queue full, log closed, or a batch that failed permanently (a snapshot).
   *
   * @return the count
   */
  public long droppedCount() {
    return dropped.get();
  }

  /**
   * Entries waiting to be written (a snapshot).
   *
   * @return the queue depth
   */
  public int pending() {
    return queue.size();
  }

  /**
   * Stops accepting entries, writes what is queued (waiting up to 10 s), then stops the writer. Entries still queued
   * after that are counted as dropped. Idempotent; blocks.
   */
  @Override
  public void close() {
    closed = true;
    try {
      if (!writer.join(Duration.ofSeconds(10))) {
        writer.interrupt();
        writer.join(Duration.ofSeconds(1));
      }
    } catch (InterruptedException e) {
      writer.interrupt();
      Thread.currentThread().interrupt();
    }
    int left = queue.size();
    if (left > 0) {
      queue.clear();
      dropped.addAndGet(left);
      LOG.warn("audit log closed with {} entries unwritten", left);
    }
  }

  /** The writer loop; the only consumer of the queue, so the batch list needs no lock. */
  private void run() {
    List<AuditEntry> batch = new ArrayList<>(MAX_BATCH);
    try {
      while (!closed || !queue.isEmpty()) {
        AuditEntry first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        write(batch);
        processed.addAndGet(batch.size());
        batch.clear();
      }
    } catch (InterruptedException e) {
      if (!batch.isEmpty()) {
        dropped.addAndGet(batch.size());
        processed.addAndGet(batch.size());
      }
      Thread.currentThread().interrupt();
    }
  }

  private void write(List<AuditEntry> batch) throws InterruptedException {
    long backoffMillis = 100;
    while (true) {
      try {
        delegate.recordAll(batch);
        written.addAndGet(batch.size());
        return;
      } catch (DatabaseUnavailableException e) {
        if (closed) {
          dropped.addAndGet(batch.size());
          LOG.warn("audit log closing while the database is unavailable: {} entries dropped", batch.size());
          return;
        }
        LOG.warn("audit log write failed (database unavailable), retrying in {} ms", backoffMillis);
        Thread.sleep(backoffMillis);
        backoffMillis = Math.min(backoffMillis * 2, 5_000);
      } catch (RuntimeException e) {
        dropped.addAndGet(batch.size());
        LOG.warn("audit log write failed, {} entries dropped", batch.size(), e);
        return;
      }
    }
  }
}
