package dev.keycast.queue;

import dev.keycast.queue.internal.BoundedBuffer;
import dev.keycast.queue.internal.DisabledStatsCounter;
import dev.keycast.queue.internal.GuardedStatsCounter;
import dev.keycast.queue.internal.Shutdowns;
import dev.keycast.queue.internal.StuckTaskWatchdog;
import dev.keycast.queue.internal.TaskSlot;
import dev.keycast.queue.internal.TrackedTask;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded multi-producer multi-consumer work queue whose consumers are a fixed set of
 * virtual-thread workers.
 *
 * <p><b>Thread roles.</b> Any thread may {@link #submit} (relay I/O threads do, and nothing more).
 * The queue's {@link WorkQueueConfig#workers()} workers are virtual threads named {@code
 * <name>-worker-N}; each takes the oldest task directly from the shared bounded buffer and runs it,
 * so there is no thread hand-off per item. When at least twice as many tasks as workers are queued,
 * a worker takes up to 8 at once (never more than an equal share of the backlog) and runs them in
 * order: fewer lock acquisitions under load, at the price that a task in such a batch may wait
 * behind at most 7 tasks of the same worker. Tasks may block on I/O; CPU-bound work belongs on a
 * {@link CpuExecutor} (a worker calling {@link CpuExecutor#call} unmounts while it waits, so the
 * carriers stay free for other I/O tasks).
 *
 * <p><b>Overflow policy.</b> {@link #submit} never blocks and never drops silently: it returns
 * {@link SubmitResult#REJECTED_FULL} when {@link #capacity()} tasks are already waiting, and {@link
 * SubmitResult#REJECTED_SHUTDOWN} once shutdown has begun, and counts both.
 *
 * <p><b>Visibility.</b> Everything a thread did before a {@code submit} that returned {@code
 * ACCEPTED} happens-before the task's {@link QueuedTask#run()} starts (or before the abandoned-task
 * callback receives it).
 *
 * <p><b>Guarantee.</b> Every accepted task is either run exactly once or handed to {@link
 * WorkQueueConfig#onAbandoned()} exactly once, never both and never neither.
 *
 * <p><b>Watchdog.</b> A task running longer than {@link WorkQueueConfig#stuckThreshold()} is
 * reported once through {@link QueueStatsCounter#recordStuck} and a WARN log line, with the stack
 * of the worker running it; its end is reported too.
 *
 * <p>This class is thread-safe.
 */
public final class WorkQueue implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkQueue.class);
  // "No clock reading": System.nanoTime() can return any long, so this is a sentinel by convention;
  // a genuine reading
  // equal to it only costs one extra clock read.
  private static final long NO_TIME = Long.MIN_VALUE;
  // The most tasks a worker takes per lock acquisition (its first plus this many extras), when the
  // backlog allows a
  // batch at all (see BoundedBuffer.take(TakeStatus, Object[], int)).
  static final int MAX_EXTRAS = 7;
  private static final VarHandle BATCH = MethodHandles.arrayElementVarHandle(Object[].class);

  private final WorkQueueConfig config;
  private final QueueStatsCounter stats;
  private final boolean timed;
  // Holds the caller's QueuedTask itself when untimed (nothing allocated per task), an Entry when
  // timed.
  private final BoundedBuffer<Object> buffer;
  private final List<TaskSlot> slots;
  // One per worker: the extras of its current batch, taken from the buffer but not yet started. The
  // worker claims
  // each with getAndSet(null) before running it; a shutdown past its deadline claims the rest the
  // same way and hands
  // them back, so each is run or handed back exactly once.
  private final List<Object[]> batches;
  private final List<Thread> workers;
  private final StuckTaskWatchdog watchdog;
  private final ReentrantLock shutdownLock = new ReentrantLock();
  private @Nullable ShutdownReport shutdownReport;
  // Set when shutdown begins (before the drain), read without the lock by isShutdown().
  private volatile boolean shutdownStarted;

  private WorkQueue(WorkQueueConfig config) {
    this.config = config;
    this.stats = GuardedStatsCounter.wrap(config.statsCounter());
    // With the disabled counter nothing consumes task times: skip the clock reads on the hot path.
    this.timed = !(stats instanceof DisabledStatsCounter);
    this.buffer = new BoundedBuffer<>(config.capacity());
    List<TaskSlot> s = new ArrayList<>(config.workers());
    List<Thread> w = new ArrayList<>(config.workers());
    List<Object[]> b = new ArrayList<>(config.workers());
    Thread.Builder builder = Thread.ofVirtual().name(config.name() + "-worker-", 0);
    for (int i = 0; i < config.workers(); i++) {
      TaskSlot slot = new TaskSlot();
      Object[] batch = new Object[MAX_EXTRAS];
      s.add(slot);
      b.add(batch);
      w.add(builder.unstarted(() -> work(slot, batch)));
    }
    this.slots = List.copyOf(s);
    this.batches = List.copyOf(b);
    this.workers = List.copyOf(w);
    this.watchdog =
        new StuckTaskWatchdog(config.name(), config.stuckThreshold(), timed, stats, slots);
  }

  /**
   * Creates the queue and starts its workers and its watchdog thread.
   *
   * @param config the configuration
   * @return the running queue; close it (try-with-resources) to stop the threads
   */
  public static WorkQueue start(WorkQueueConfig config) {
    Objects.requireNonNull(config, "config");
    WorkQueue queue = new WorkQueue(config);
    queue.watchdog.start();
    queue.workers.forEach(Thread::start);
    LOG.debug(
        "Queue {} started: {} virtual-thread workers, capacity {}",
        config.name(),
        config.workers(),
        config.capacity());
    return queue;
  }

  /**
   * Offers a task. Never blocks (beyond a short internal lock) and never runs the task on the
   * calling thread.
   *
   * @param task the task
   * @return {@link SubmitResult#ACCEPTED} if it will run (or be handed back at shutdown); otherwise
   *     why not
   * @throws NullPointerException if {@code task} is null
   */
  public SubmitResult submit(QueuedTask task) {
    Objects.requireNonNull(task, "task");
    switch (buffer.offer(timed ? new Entry(task, System.nanoTime()) : task)) {
      case ACCEPTED -> {
        stats.recordSubmitted();
        return SubmitResult.ACCEPTED;
      }
      case FULL -> {
        stats.recordRejected(RejectReason.FULL);
        return SubmitResult.REJECTED_FULL;
      }
      case CLOSED -> {
        stats.recordRejected(RejectReason.SHUTDOWN);
        return SubmitResult.REJECTED_SHUTDOWN;
      }
    }
    throw new AssertionError("unreachable");
  }

  /**
   * The number of tasks waiting (not yet taken by a worker). A gauge: never blocks, possibly stale.
   *
   * @return the depth, in [0, capacity]
   */
  public int depth() {
    return buffer.size();
  }

  /**
   * How many tasks may wait.
   *
   * @return {@link WorkQueueConfig#capacity()}
   */
  public int capacity() {
    return buffer.capacity();
  }

  /**
   * The number of workers currently running a task. A gauge: never blocks, possibly stale.
   *
   * @return busy workers, in [0, workers]
   */
  public int busyWorkers() {
    int busy = 0;
    for (TaskSlot slot : slots) {
      if (slot.current() != null) {
        busy++;
      }
    }
    return busy;
  }

  /**
   * The number of workers.
   *
   * @return {@link WorkQueueConfig#workers()}
   */
  public int workers() {
    return workers.size();
  }

  /**
   * The configuration this queue was started with.
   *
   * @return the configuration
   */
  public WorkQueueConfig config() {
    return config;
  }

  /**
   * A snapshot of the configured stats counter (see {@link QueueStatsCounter#snapshot()}).
   *
   * @return the snapshot; {@link QueueStats#empty()} with the disabled counter
   */
  public QueueStats stats() {
    return stats.snapshot();
  }

  /**
   * Whether shutdown has begun.
   *
   * @return {@code true} once {@link #shutdown} or {@link #close} was called (even while it is
   *     still draining); never blocks
   */
  public boolean isShutdown() {
    return shutdownStarted;
  }

  /**
   * Shuts down gracefully: stops intake at once (later submits return {@link
   * SubmitResult#REJECTED_SHUTDOWN}), lets the workers drain the queued tasks and finish the
   * running ones until {@code deadline}, then hands every task still queued to {@link
   * WorkQueueConfig#onAbandoned()} (on this thread, once each), interrupts the workers still
   * running a task, and stops the watchdog.
   *
   * <p>Blocks until the work is done or the deadline passes (plus the time the callback takes).
   * Idempotent: a later or concurrent call waits for the first and returns its report. If this
   * thread is interrupted while waiting, the deadline is treated as reached and the interrupt flag
   * is restored.
   *
   * @param deadline how long to wait for queued and running work, &ge; 0
   * @return what was done
   * @throws IllegalArgumentException if {@code deadline} is negative
   * @throws RuntimeException the first exception thrown by the abandoned-task callback, after every
   *     left-over task was offered to it and the shutdown completed (later ones are suppressed)
   */
  public ShutdownReport shutdown(Duration deadline) {
    Objects.requireNonNull(deadline, "deadline");
    if (deadline.isNegative()) {
      throw new IllegalArgumentException("deadline must be >= 0, was " + deadline);
    }
    shutdownLock.lock();
    try {
      if (shutdownReport != null) {
        return shutdownReport;
      }
      long start = System.nanoTime();
      shutdownStarted = true;
      buffer.close();
      boolean workersEnded;
      try {
        workersEnded = Shutdowns.joinAll(workers, Shutdowns.expiry(start, deadline));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        workersEnded = false;
      }
      // Past this point no worker can take another task: the buffer is closed and drained. The
      // drain takes the
      // buffer's lock, so every batch a worker took before it is visible here; claim what the
      // workers have not
      // started yet (older than what was still in the buffer, so it goes first).
      List<Object> left = new ArrayList<>();
      for (Object[] batch : batches) {
        for (int i = 0; i < batch.length; i++) {
          Object unstarted = BATCH.getAndSet(batch, i, null);
          if (unstarted != null) {
            left.add(unstarted);
          }
        }
      }
      left.addAll(buffer.drain());
      List<String> running = new ArrayList<>();
      if (!workersEnded) {
        for (int i = 0; i < slots.size(); i++) {
          Object current = slots.get(i).current();
          if (current != null) {
            running.add(taskOf(current).name());
            Thread runner = workers.get(i);
            if (runner
                != Thread
                    .currentThread()) { // a task that shuts down its own queue is not interrupted
              runner.interrupt();
            }
          }
        }
      }
      watchdog.close();
      ShutdownReport report =
          new ShutdownReport(
              left.isEmpty() && running.isEmpty(),
              left.size(),
              running,
              Duration.ofNanos(System.nanoTime() - start));
      shutdownReport = report;
      if (!left.isEmpty() || !running.isEmpty()) {
        LOG.warn(
            "Queue {} shut down after {} ms: {} queued task(s) handed back, {} still running and interrupted: {}",
            config.name(),
            report.elapsed().toMillis(),
            left.size(),
            running.size(),
            running);
      } else {
        LOG.debug(
            "Queue {} shut down after {} ms, fully drained",
            config.name(),
            report.elapsed().toMillis());
      }
      handBack(left);
      return report;
    } finally {
      shutdownLock.unlock();
    }
  }

  /**
   * Waits until every worker has ended, which happens only after {@link #shutdown} began: from then
   * on no task of this queue runs or will start. The tasks still queued at the shutdown deadline
   * are handed back by {@code shutdown} on its own thread, not here. Called from one of this
   * queue's own tasks, it does not wait for that task's worker (which cannot end while it waits),
   * as {@code shutdown} does not.
   *
   * <p>Blocks until the workers have ended or {@code timeout} passes; before shutdown the workers
   * do not end, so it waits the whole timeout and returns {@code false}. May be called from any
   * thread, any number of times. Everything the tasks did happens-before this method returns {@code
   * true}.
   *
   * @param timeout how long to wait, &ge; 0
   * @return {@code true} if every worker has ended, {@code false} if the timeout passed first
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws InterruptedException if this thread is interrupted while waiting
   */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must be >= 0, was " + timeout);
    }
    return Shutdowns.joinAll(workers, Shutdowns.expiry(System.nanoTime(), timeout));
  }

  /**
   * Test hook, not API: how many scans the stuck-task watchdog has finished ({@link
   * StuckTaskWatchdog#completedScans}), so that tests wait for the watchdog to have run instead of
   * sleeping. Thread-safe; never blocks.
   */
  long watchdogScans() {
    return watchdog.completedScans();
  }

  /** Shuts down with {@link WorkQueueConfig#shutdownTimeout()}; see {@link #shutdown(Duration)}. */
  @Override
  public void close() {
    shutdown(config.shutdownTimeout());
  }

  @Override
  public String toString() {
    return "WorkQueue["
        + config.name()
        + ", depth "
        + depth()
        + "/"
        + capacity()
        + ", busy "
        + busyWorkers()
        + "/"
        + workers()
        + "]";
  }

  private static QueuedTask taskOf(Object item) {
    return item instanceof Entry e ? e.task : (QueuedTask) item;
  }

  private void handBack(List<Object> left) {
    RuntimeException first = null;
    for (Object item : left) {
      stats.recordAbandoned();
      try {
        config.onAbandoned().accept(taskOf(item));
      } catch (RuntimeException ex) {
        if (first == null) {
          first = ex;
        } else {
          first.addSuppressed(ex);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /**
   * A worker's loop: runs on a virtual thread until the buffer is closed and empty. Each take
   * returns the oldest task and, when the backlog is at least twice the worker count, up to {@link
   * #MAX_EXTRAS} more (never more than this worker's equal share of the backlog), which it runs
   * next in order.
   */
  private void work(TaskSlot slot, Object[] batch) {
    slot.bindOwner(Thread.currentThread());
    int share = batch.length == 0 ? 1 : workers.size();
    BoundedBuffer.TakeStatus status = new BoundedBuffer.TakeStatus();
    long lastEnd = NO_TIME;
    while (true) {
      Object item;
      try {
        item = buffer.take(status, batch, share);
      } catch (InterruptedException e) {
        // Only shutdown interrupts workers, and only after closing and draining: take() will return
        // null next.
        lastEnd = NO_TIME;
        continue;
      }
      if (item == null) {
        return;
      }
      lastEnd = runOne(slot, item, status.waited() ? NO_TIME : lastEnd);
      for (int i = 0, n = status.extras(); i < n; i++) {
        Object next = BATCH.getAndSet(batch, i, null);
        if (next == null) {
          break; // claimed by a shutdown past its deadline, with every later one: handed back, not
          // run
        }
        lastEnd = runOne(slot, next, lastEnd);
      }
    }
  }

  /**
   * Runs one task and records it.
   *
   * @param item the caller's task (untimed queue) or its {@link Entry} (timed queue)
   * @param previousEnd when this worker's previous task ended, if it took this one without waiting
   *     (then the start time is that instant, or the enqueue time if later: exact to within one
   *     lock acquisition, and it saves a clock read per task under load); else {@link #NO_TIME}
   * @return when this task ended, or {@link #NO_TIME} when the queue is not timed
   */
  private long runOne(TaskSlot slot, Object item, long previousEnd) {
    if (!timed) {
      // The disabled stats counter (that is what "untimed" means): nothing consumes times or
      // counts, so no clock read,
      // no hook call and no allocation; the slot publishes the task object itself (the watchdog
      // times it by its own
      // scans).
      QueuedTask task = (QueuedTask) item;
      slot.startUntracked(task);
      try {
        task.run();
      } catch (Throwable t) {
        // Logged, never rethrown: one failing task must not kill a worker.
        LOG.warn("Task '{}' in queue {} failed", task.name(), config.name(), t);
      } finally {
        slot.clear();
        // A task must not leak an interrupt into the next one.
        Thread.interrupted();
      }
      return NO_TIME;
    }
    Entry entry = (Entry) item;
    long start;
    if (previousEnd != NO_TIME) {
      start = entry.enqueuedNanos() - previousEnd > 0 ? entry.enqueuedNanos() : previousEnd;
    } else {
      start = System.nanoTime();
    }
    stats.recordStarted(start - entry.enqueuedNanos());
    slot.start(entry, start);
    boolean ok = false;
    long end;
    try {
      entry.task.run();
      ok = true;
    } catch (Throwable t) {
      // Recorded and logged, never rethrown: one failing task must not kill a worker.
      LOG.warn("Task '{}' in queue {} failed", entry.task.name(), config.name(), t);
    } finally {
      end = System.nanoTime();
      long elapsed = end - start;
      entry.ended(elapsed);
      slot.clear();
      if (ok) {
        stats.recordSucceeded(elapsed);
      } else {
        stats.recordFailed(elapsed);
      }
      // A task must not leak an interrupt into the next one.
      Thread.interrupted();
    }
    return end;
  }

  /** A queued task with its enqueue time. */
  private static final class Entry extends TrackedTask {
    final QueuedTask task;

    Entry(QueuedTask task, long enqueuedNanos) {
      super(enqueuedNanos);
      this.task = task;
    }

    @Override
    public String name() {
      return task.name();
    }
  }
}
