package dev.keycast.nip46.bunker.internal;

import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.server.TaskSnapshot;
import dev.keycast.queue.QueuedTask;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * One event the intake accepted, on its way through the work queue (or the overflow lane). Its
 * relay set grows while copies of the same event arrive from other relays, so the reply goes to all
 * of them.
 *
 * <p>Thread-safe: the fields are final; {@link #relays} is a concurrent set written by relay I/O
 * threads and read by the worker that replies.
 */
final class RequestTask implements QueuedTask {
  /** What a queue worker does with a task. */
  @FunctionalInterface
  interface Processor {
    void process(RequestTask task) throws InterruptedException;
  }

  final SignedEvent event;
  final String signerHex;
  final Set<String> relays = ConcurrentHashMap.newKeySet();
  final long receivedNanos;
  final Instant receivedAt;
  final String dedupeKey;
  private final Processor processor;

  // The task view (TaskRegistry): written by the thread running the request, read by snapshots.
  volatile TaskSnapshot.Stage stage = TaskSnapshot.Stage.QUEUED;
  volatile @Nullable String thread;
  volatile long cpuNanos;
  volatile @Nullable String requestId;
  volatile @Nullable String method;

  RequestTask(
      SignedEvent event,
      String signerHex,
      String dedupeKey,
      String relayUrl,
      Instant receivedAt,
      Processor processor) {
    this.event = event;
    this.signerHex = signerHex;
    this.relays.add(relayUrl);
    this.receivedNanos = System.nanoTime();
    this.receivedAt = receivedAt;
    this.dedupeKey = dedupeKey;
    this.processor = processor;
  }

  /** Charges CPU-pool time; called by one thread at a time (the request's steps are sequential). */
  @SuppressWarnings("NonAtomicVolatileUpdate")
  void addCpuNanos(long nanos) {
    cpuNanos += nanos;
  }

  @Override
  public String name() {
    return "nip46#" + event.id().substring(0, 12);
  }

  @Override
  public void run() throws Exception {
    processor.process(this);
  }
}
