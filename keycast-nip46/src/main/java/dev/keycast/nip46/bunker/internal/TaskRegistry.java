package dev.keycast.nip46.bunker.internal;

import dev.keycast.nip46.server.TaskSnapshot;
import dev.keycast.nip46.server.TaskSnapshot.Stage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The task view's bookkeeping: each request's stage, thread and CPU-pool time (fields of {@link
 * RequestTask}, written by the thread that runs it), and the time workers and CPU threads spent on
 * requests. The request path marks a worker's current request with {@link #enter}/{@link #exit};
 * CPU-bound steps wrapped by {@link #timed} then charge their pool time to it.
 *
 * <p>Cheap by design: per request a thread-local set and clear, two {@code nanoTime} reads per CPU
 * step, a few volatile writes, no allocation beyond one lambda per CPU step, no lock. Reading
 * ({@link #describe}) walks the in-flight map. Thread-safe.
 *
 * <p><b>For measurement only</b>: the system property {@value #SWITCH}{@code =off}, read when the
 * bunker is built, turns the per-request tracking off (no thread-local, no stage, thread or CPU
 * time recorded; the task view then lists requests in flight without them and the pools' busy time
 * stays 0), so that its cost can be measured A/B (docs/BENCHMARKS.md). Not a setting to run with.
 */
final class TaskRegistry {
  /** The measurement switch: {@code -Dkeycast.taskView=off}. */
  static final String SWITCH = "keycast.taskView";

  private static final ThreadLocal<@Nullable Current> CURRENT = new ThreadLocal<>();

  private record Current(RequestTask task, TaskRegistry registry) {}

  private final boolean tracking;
  private final long startedNanos = System.nanoTime();

  /** Tracking on unless the system property {@value #SWITCH} is {@code off} (measurement only). */
  TaskRegistry() {
    this(!"off".equals(System.getProperty(SWITCH)));
  }

  /**
   * @param tracking false to record nothing per request (the measurement switch)
   */
  TaskRegistry(boolean tracking) {
    this.tracking = tracking;
  }

  /** {@return whether per-request tracking is on} */
  boolean tracking() {
    return tracking;
  }

  private final LongAdder workerBusyNanos = new LongAdder();
  private final LongAdder cpuBusyNanos = new LongAdder();

  /** Marks {@code task} as the one the calling worker runs; returns the start time for exit. */
  long enter(RequestTask task) {
    if (!tracking) {
      return 0; // nothing set: stage() and timed() find no current request
    }
    CURRENT.set(new Current(task, this));
    task.thread = Thread.currentThread().getName();
    task.stage = Stage.VERIFY;
    return System.nanoTime();
  }

  /** Ends what {@link #enter} began on this worker. */
  void exit(RequestTask task, long enteredNanos) {
    if (!tracking) {
      return;
    }
    CURRENT.remove();
    task.thread = null;
    workerBusyNanos.add(System.nanoTime() - enteredNanos);
  }

  /** Sets the stage of the calling worker's request, if it runs one. */
  static void stage(Stage stage) {
    Current c = CURRENT.get();
    if (c != null) {
      c.task.stage = stage;
    }
  }

  /**
   * Wraps a CPU-bound step so that, run on the CPU pool, it sets its request's stage and thread and
   * charges its time. Called on the worker that submits the step; returns {@code work} itself when
   * the caller runs no request (a reply sent later, a handler after an approval).
   *
   * @param name the step's name as given to the CPU executor ({@code verify}, {@code decrypt},
   *     {@code sign_event}, {@code nip44_encrypt}, {@code reply}, ...)
   */
  static <T> Callable<T> timed(String name, Callable<T> work) {
    Current c = CURRENT.get();
    if (c == null) {
      return work;
    }
    RequestTask task = c.task;
    TaskRegistry registry = c.registry;
    Stage stage = stageOf(name);
    String worker = task.thread;
    return () -> {
      long t0 = System.nanoTime();
      task.stage = stage;
      task.thread = Thread.currentThread().getName();
      try {
        return work.call();
      } finally {
        long spent = System.nanoTime() - t0;
        task.addCpuNanos(spent);
        registry.cpuBusyNanos.add(spent);
        task.thread = worker;
        if (stage == Stage.ENCRYPT && "reply".equals(name)) {
          task.stage = Stage.PUBLISH;
        }
      }
    };
  }

  private static Stage stageOf(String name) {
    return switch (name) {
      case "verify" -> Stage.VERIFY;
      case "decrypt", "nip44_decrypt", "nip04_decrypt" -> Stage.DECRYPT;
      case "sign_event" -> Stage.SIGN;
      default -> Stage.ENCRYPT; // nip44_encrypt, nip04_encrypt, reply (the seal)
    };
  }

  /** Returns the workers' and CPU threads' summed busy time since start, and the uptime. */
  long workerBusyNanos() {
    return workerBusyNanos.sum();
  }

  long cpuBusyNanos() {
    return cpuBusyNanos.sum();
  }

  long uptimeNanos() {
    return System.nanoTime() - startedNanos;
  }

  /** Returns the requests in {@code tasks}, oldest first. */
  static List<TaskSnapshot.Task> describe(Iterable<RequestTask> tasks) {
    long now = System.nanoTime();
    List<TaskSnapshot.Task> out = new ArrayList<>();
    for (RequestTask t : tasks) {
      out.add(
          new TaskSnapshot.Task(
              t.event.id(),
              t.requestId,
              t.method,
              t.event.pubkey(),
              t.stage,
              Math.max(0, now - t.receivedNanos),
              t.cpuNanos,
              t.thread));
    }
    out.sort(Comparator.comparingLong(TaskSnapshot.Task::ageNanos).reversed());
    return out;
  }
}
