package dev.keycast.nip46.server;

import dev.keycast.queue.StuckTask;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a bunker is doing now, for an operator's task view (the review's tokio-console check): every
 * request in flight with its stage, age, CPU-pool time and thread; how busy the workers and the CPU
 * pool have been; the queue's depth against its capacity; and the tasks the watchdog reports stuck.
 *
 * <p>A best-effort snapshot: each part is read separately, without stopping the pipeline.
 *
 * @param at when the snapshot was taken
 * @param queue the main work queue
 * @param workers the queue workers (virtual threads)
 * @param cpuPool the CPU pool's platform threads
 * @param tasks the requests accepted and not yet answered, oldest first
 * @param stuck the tasks the watchdogs currently report stuck, with their stacks
 */
public record TaskSnapshot(
    Instant at, Queue queue, Pool workers, Pool cpuPool, List<Task> tasks, List<StuckTask> stuck) {

  /** Copies the lists. */
  public TaskSnapshot {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(workers, "workers");
    Objects.requireNonNull(cpuPool, "cpuPool");
    tasks = List.copyOf(tasks);
    stuck = List.copyOf(stuck);
  }

  /**
   * The main work queue.
   *
   * @param depth requests waiting for a worker
   * @param capacity how many may wait
   * @param pendingApproval requests whose handler answers later (approvals), holding no worker
   */
  public record Queue(int depth, int capacity, int pendingApproval) {}

  /**
   * A pool of threads and how busy it has been since the bunker started.
   *
   * @param busy threads running a task now
   * @param total threads in the pool
   * @param busyNanos the summed time its threads spent running the bunker's requests, in
   *     nanoseconds, since start (a request still running counts when it ends)
   * @param uptimeNanos nanoseconds since the bunker started; utilization is {@code busyNanos /
   *     (total * uptimeNanos)}, and over an interval the same ratio of two snapshots' differences
   */
  public record Pool(int busy, int total, long busyNanos, long uptimeNanos) {
    /** {@return the utilization since start, in [0, 1] (0 when nothing has run)} */
    public double utilization() {
      if (total <= 0 || uptimeNanos <= 0) {
        return 0;
      }
      return Math.min(1.0, (double) busyNanos / ((double) total * uptimeNanos));
    }
  }

  /** Where a request is on its path. */
  public enum Stage {
    /** Waiting in the work queue (or the overflow lane). */
    QUEUED,
    /** Event id and signature check. */
    VERIFY,
    /** Rate limits and the authorization lookup. */
    AUTHORIZE,
    /** Decrypting the request, or a {@code nip04/nip44_decrypt} for the client. */
    DECRYPT,
    /** The policy check. */
    POLICY,
    /** In the handler (store I/O for connect, logout, the approval hook). */
    HANDLE,
    /** Waiting for a human's approval (holds no worker). */
    AWAITING_APPROVAL,
    /** Signing the event a client asked for. */
    SIGN,
    /** Encrypting: a {@code nip04/nip44_encrypt} for the client, or sealing the reply. */
    ENCRYPT,
    /** Publishing the reply to the relays. */
    PUBLISH;

    /** {@return the wire name: lowercase, words joined by {@code _}} */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One request in flight.
   *
   * @param id the request event's id (hex)
   * @param requestId the NIP-46 request id, or null before the request is decrypted
   * @param method the NIP-46 method, or null before the request is decrypted
   * @param client the client's public key (hex, as the event claims it)
   * @param stage where it is now
   * @param ageNanos nanoseconds since it was received
   * @param cpuNanos nanoseconds it has run on the CPU pool so far
   * @param thread the name of the thread it runs on now (a worker, a CPU-pool thread), or null
   *     while queued or awaiting approval
   */
  public record Task(
      String id,
      @Nullable String requestId,
      @Nullable String method,
      String client,
      Stage stage,
      long ageNanos,
      long cpuNanos,
      @Nullable String thread) {}
}
