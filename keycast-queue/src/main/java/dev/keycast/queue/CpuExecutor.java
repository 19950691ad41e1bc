package dev.keycast.queue;

import dev.keycast.queue.internal.BoundedBuffer;
import dev.keycast.queue.internal.DisabledStatsCounter;
import dev.keycast.queue.internal.GuardedStatsCounter;
import dev.keycast.queue.internal.Shutdowns;
import dev.keycast.queue.internal.StuckTaskWatchdog;
import dev.keycast.queue.internal.TaskSlot;
import dev.keycast.queue.internal.TrackedTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded pool of platform threads for CPU-bound work (Schnorr signatures, ECDH, NIP-44), so that
 * it never runs on a virtual thread's carrier: a virtual-thread worker that hands its crypto here
 * with {@link #call} unmounts while it waits, and the carriers stay free for the I/O tasks of other
 * requests. Native (JNI) calls also pin a virtual thread, another reason to run them here.
 *
 * <p><b>Thread roles.</b> {@link CpuExecutorConfig#threads()} platform daemon threads named {@code
 * <name>-N} take tasks directly from a shared bounded buffer of {@link
 * CpuExecutorConfig#queueCapacity()} slots. Callers are usually the {@link WorkQueue}'s
 * virtual-thread workers.
 *
 * <p><b>Saturation policy.</b> When every thread is busy and the buffer is full:
 *
 * <ul>
 *   <li>{@link #call} <em>waits</em> for room (the caller is a virtual thread, so waiting is cheap,
 *       and because the callers are a bounded set of workers, the wait turns into back-pressure:
 *       the {@code WorkQueue} fills and its {@code submit} answers {@link
 *       SubmitResult#REJECTED_FULL}, which the daemon turns into an error reply);
 *   <li>{@link #submit} <em>never blocks</em>: its future fails at once with a {@link
 *       CpuTaskRejectedException} whose reason is {@link RejectReason#FULL}.
 * </ul>
 *
 * Both count the outcome in the stats hook. After shutdown both refuse with reason {@link
 * RejectReason#SHUTDOWN}.
 *
 * <p><b>Visibility.</b> Everything the caller did before {@code call}/{@code submit} happens-before
 * the work starts; everything the work did happens-before {@code call} returns or the future
 * completes.
 *
 * <p>A task running longer than {@link CpuExecutorConfig#stuckThreshold()} is reported by the
 * watchdog like a stuck {@link WorkQueue} task. This class is thread-safe.
 */
public final class CpuExecutor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CpuExecutor.class);

  // Set on this executor's own threads, so that a nested call runs inline instead of deadlocking
  // the pool.
  private static final ThreadLocal<@Nullable CpuExecutor> CURRENT = new ThreadLocal<>();

  private final CpuExecutorConfig config;
  private final QueueStatsCounter stats;
  private final boolean timed;
  private final BoundedBuffer<Job<?>> buffer;
  private final List<TaskSlot> slots;
  private final List<Thread> threads;
  private final StuckTaskWatchdog watchdog;
  private final ReentrantLock shutdownLock = new ReentrantLock();
  private @Nullable ShutdownReport shutdownReport;

  private CpuExecutor(CpuExecutorConfig config) {
    this.config = config;
    this.stats = GuardedStatsCounter.wrap(config.statsCounter());
    // With the disabled counter nothing consumes task times: skip the clock reads on the hot path.
    this.timed = !(stats instanceof DisabledStatsCounter);
    this.buffer = new BoundedBuffer<>(config.queueCapacity());
    List<TaskSlot> s = new ArrayList<>(config.threads());
    List<Thread> t = new ArrayList<>(config.threads());
    Thread.Builder builder = Thread.ofPlatform().daemon(true).name(config.name() + "-", 0);
    for (int i = 0; i < config.threads(); i++) {
      TaskSlot slot = new TaskSlot();
      s.add(slot);
      t.add(builder.unstarted(() -> work(slot)));
    }
    this.slots = List.copyOf(s);
    this.threads = List.copyOf(t);
    this.watchdog =
        new StuckTaskWatchdog(config.name(), config.stuckThreshold(), timed, stats, slots);
  }

  /**
   * Creates the executor and starts its threads and its watchdog thread.
   *
   * @param config the configuration
   * @return the running executor; close it (try-with-resources) to stop the threads
   */
  public static CpuExecutor start(CpuExecutorConfig config) {
    Objects.requireNonNull(config, "config");
    CpuExecutor executor = new CpuExecutor(config);
    executor.watchdog.start();
    executor.threads.forEach(Thread::start);
    LOG.debug(
        "CPU executor {} started: {} platform threads, queue capacity {}",
        config.name(),
        config.threads(),
        config.queueCapacity());
    return executor;
  }

  /**
   * Runs {@code work} on a pool thread and returns its result. Blocks the caller until there is
   * room in the queue (see the saturation policy) and then until the work is done; meant to be
   * called from a virtual thread, which unmounts while waiting. Called from one of this executor's
   * own threads, it runs the work inline.
   *
   * @param name a short, non-secret name for the watchdog and logs
   * @param work the CPU-bound work
   * @param <T> the result type
   * @return what {@code work} returned
   * @throws Exception exactly what {@code work} threw
   * @throws InterruptedException if the caller is interrupted while waiting (the work is cancelled
   *     if it had not started; if it had, it finishes and its result is dropped)
   * @throws CpuTaskRejectedException with {@link RejectReason#SHUTDOWN} if the executor is shut
   *     down, or shuts down before the work starts
   */
  public <T> T call(String name, Callable<T> work) throws Exception {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(work, "work");
    if (CURRENT.get() == this) {
      return work.call();
    }
    Job<T> job = new Job<>(name, work, timed ? System.nanoTime() : 0L);
    if (buffer.put(job) == BoundedBuffer.Offer.CLOSED) {
      stats.recordRejected(RejectReason.SHUTDOWN);
      throw rejected(RejectReason.SHUTDOWN, name);
    }
    stats.recordSubmitted();
    try {
      return job.future.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception ex) {
        throw ex;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    } catch (InterruptedException e) {
      job.future.cancel(false);
      throw e;
    }
  }

  /**
   * Schedules {@code work} on a pool thread. Never blocks: if the queue is full the returned future
   * is already failed with a {@link CpuTaskRejectedException} ({@link RejectReason#FULL}); after
   * shutdown, with {@link RejectReason#SHUTDOWN}. Cancelling the future before the work starts
   * skips it (counted as abandoned).
   *
   * @param name a short, non-secret name for the watchdog and logs
   * @param work the CPU-bound work
   * @param <T> the result type
   * @return a future completed with the work's result or exception, on the pool thread that ran it
   */
  public <T> CompletableFuture<T> submit(String name, Callable<T> work) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(work, "work");
    Job<T> job = new Job<>(name, work, timed ? System.nanoTime() : 0L);
    switch (buffer.offer(job)) {
      case ACCEPTED -> {
        stats.recordSubmitted();
        return job.future;
      }
      case FULL -> {
        stats.recordRejected(RejectReason.FULL);
        return CompletableFuture.failedFuture(rejected(RejectReason.FULL, name));
      }
      case CLOSED -> {
        stats.recordRejected(RejectReason.SHUTDOWN);
        return CompletableFuture.failedFuture(rejected(RejectReason.SHUTDOWN, name));
      }
    }
    throw new AssertionError("unreachable");
  }

  /**
   * Tasks waiting for a thread. A gauge: never blocks, possibly stale.
   *
   * @return the queue depth, in [0, queueCapacity]
   */
  public int queuedTasks() {
    return buffer.size();
  }

  /**
   * How many tasks may wait for a thread.
   *
   * @return {@link CpuExecutorConfig#queueCapacity()}
   */
  public int queueCapacity() {
    return buffer.capacity();
  }

  /**
   * Threads currently running a task. A gauge: never blocks, possibly stale.
   *
   * @return active threads, in [0, threads]
   */
  public int activeThreads() {
    int active = 0;
    for (TaskSlot slot : slots) {
      if (slot.current() != null) {
        active++;
      }
    }
    return active;
  }

  /**
   * The number of pool threads.
   *
   * @return {@link CpuExecutorConfig#threads()}
   */
  public int threads() {
    return threads.size();
  }

  /**
   * The configuration this executor was started with.
   *
   * @return the configuration
   */
  public CpuExecutorConfig config() {
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
   * Shuts down gracefully: stops intake (callers waiting for room and later calls are refused with
   * {@link RejectReason#SHUTDOWN}), lets the threads finish queued and running work until {@code
   * deadline}, then fails the futures of tasks still queued with a {@link CpuTaskRejectedException}
   * ({@link RejectReason#SHUTDOWN}, counted as abandoned) and interrupts threads still running a
   * task. Blocks until done or the deadline passes; idempotent. If this thread is interrupted while
   * waiting, the deadline is treated as reached and the interrupt flag restored.
   *
   * @param deadline how long to wait, &ge; 0
   * @return what was done
   * @throws IllegalArgumentException if {@code deadline} is negative
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
      buffer.close();
      boolean ended;
      try {
        ended = Shutdowns.joinAll(threads, Shutdowns.expiry(start, deadline));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        ended = false;
      }
      List<Job<?>> left = buffer.drain();
      for (Job<?> job : left) {
        stats.recordAbandoned();
        job.future.completeExceptionally(rejected(RejectReason.SHUTDOWN, job.name));
      }
      List<String> running = new ArrayList<>();
      if (!ended) {
        for (int i = 0; i < slots.size(); i++) {
          if (slots.get(i).current() instanceof TrackedTask task) {
            running.add(task.name());
            Thread runner = threads.get(i);
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
      if (!report.terminated()) {
        LOG.warn(
            "CPU executor {} shut down after {} ms: {} queued task(s) refused, {} still running and interrupted: {}",
            config.name(),
            report.elapsed().toMillis(),
            left.size(),
            running.size(),
            running);
      }
      return report;
    } finally {
      shutdownLock.unlock();
    }
  }

  /**
   * Test hook, not API: how many scans the stuck-task watchdog has finished ({@link
   * StuckTaskWatchdog#completedScans}), so that tests wait for the watchdog to have run instead of
   * sleeping. Thread-safe; never blocks.
   */
  long watchdogScans() {
    return watchdog.completedScans();
  }

  /**
   * Shuts down with {@link CpuExecutorConfig#shutdownTimeout()}; see {@link #shutdown(Duration)}.
   */
  @Override
  public void close() {
    shutdown(config.shutdownTimeout());
  }

  @Override
  public String toString() {
    return "CpuExecutor["
        + config.name()
        + ", queued "
        + queuedTasks()
        + "/"
        + queueCapacity()
        + ", active "
        + activeThreads()
        + "/"
        + threads()
        + "]";
  }

  private CpuTaskRejectedException rejected(RejectReason reason, String taskName) {
    String why =
        reason == RejectReason.FULL
            ? "is full (queue capacity " + queueCapacity() + ")"
            : "is shut down";
    return new CpuTaskRejectedException(
        reason, "CPU executor " + config.name() + " " + why + "; task '" + taskName + "' refused");
  }

  private void work(TaskSlot slot) {
    CURRENT.set(this);
    slot.bindOwner(Thread.currentThread());
    while (true) {
      Job<?> job;
      try {
        job = buffer.take();
      } catch (InterruptedException e) {
        continue; // only shutdown interrupts, after closing and draining: take() returns null next
      }
      if (job == null) {
        return;
      }
      runOne(slot, job);
    }
  }

  private <T> void runOne(TaskSlot slot, Job<T> job) {
    if (job.future.isDone()) {
      stats.recordAbandoned(); // cancelled by its caller before it started
      return;
    }
    long start = timed ? System.nanoTime() : 0L;
    stats.recordStarted(start - job.enqueuedNanos());
    slot.start(job, start);
    T result = null;
    Throwable failure = null;
    try {
      result = job.work.call();
    } catch (Throwable t) {
      failure = t;
    } finally {
      long elapsed = timed ? System.nanoTime() - start : -1L;
      job.ended(elapsed);
      slot.clear();
      if (failure == null) {
        stats.recordSucceeded(elapsed);
      } else {
        stats.recordFailed(elapsed);
      }
      Thread.interrupted();
    }
    // Complete after the bookkeeping, so a caller that sees the result also sees the thread idle
    // and the stats.
    if (failure == null) {
      job.future.complete(result);
    } else {
      job.future.completeExceptionally(failure);
    }
  }

  /** A CPU task with its future. */
  private static final class Job<T> extends TrackedTask {
    final String name;
    final Callable<T> work;
    final CompletableFuture<T> future = new CompletableFuture<>();

    Job(String name, Callable<T> work, long enqueuedNanos) {
      super(enqueuedNanos);
      this.name = name;
      this.work = work;
    }

    @Override
    public String name() {
      return name;
    }
  }
}
