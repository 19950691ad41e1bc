package dev.keycast.queue;

import java.util.Objects;

/**
 * A unit of work for a {@link WorkQueue}: a name for logs, metrics and the stuck-task watchdog, and
 * the work itself.
 *
 * <p>Threading: {@link #run()} is called exactly once, on one of the queue's virtual-thread
 * workers, unless the task is handed back to {@link WorkQueueConfig#onAbandoned()} at shutdown
 * (then it is never run). Everything the submitting thread did before {@link WorkQueue#submit}
 * happens-before {@code run()} starts. {@code run()} may block on I/O (it runs on a virtual
 * thread); CPU-bound work (signing, encryption) belongs on a {@link CpuExecutor}. It must not hold
 * a monitor ({@code synchronized}) across blocking calls: that pins the carrier thread before JDK
 * 24.
 *
 * <p>{@link #name()} must be cheap and must not contain secrets or plaintext: it is logged and
 * passed to metrics hooks.
 */
public interface QueuedTask {

  /**
   * A short, non-secret name for logs, hooks and the watchdog, such as {@code "sign_event#4f2a"}.
   *
   * @return the task's name; never blocks
   */
  String name();

  /**
   * Does the work. An exception is recorded as a failure ({@link
   * QueueStatsCounter#recordFailed(long)}) and logged at WARN with the task's name; it never stops
   * the worker.
   *
   * @throws Exception any failure of the work
   */
  void run() throws Exception;

  /**
   * Creates a task from a name and a body.
   *
   * @param name the task's name (see {@link #name()})
   * @param body the work
   * @return a task whose {@code run()} calls {@code body.run()}
   * @throws NullPointerException if an argument is null
   */
  static QueuedTask of(String name, Body body) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(body, "body");
    return new QueuedTask() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void run() throws Exception {
        body.run();
      }

      @Override
      public String toString() {
        return "QueuedTask[" + name + "]";
      }
    };
  }

  /** The body of a task made with {@link QueuedTask#of(String, Body)}. */
  @FunctionalInterface
  interface Body {
    /**
     * Does the work.
     *
     * @throws Exception any failure of the work
     */
    void run() throws Exception;
  }
}
