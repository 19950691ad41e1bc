package dev.keycast.nip46.relay;

import dev.keycast.crypto.SignedEvent;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The publishes of one relay that wait for their {@code OK}, with flow control: at most {@code
 * maxPending} of them at a time (one {@link Semaphore} permit each, taken before a publish is
 * created and returned when its future completes, by {@code OK}, timeout or {@link #failAll}). Each
 * future completes with the relay's answer, or {@link PublishResult.Outcome#TIMED_OUT} once {@link
 * #expire} finds its publish timeout passed; it never completes exceptionally. Publishing the same
 * event again while it is pending shares the first publish's outcome (and its permit). Not API.
 *
 * <p>Threads: publishers (any thread; only {@link #publishWaitingForRoom} blocks, call it from a
 * virtual thread), the relay's I/O thread ({@link #acknowledge}), the connect loop ({@link
 * #forEachAwaitingOk}), its timeout sweeper ({@link #expire}) and the closer ({@link #failAll}).
 * Thread-safe without a lock of its own (a concurrent map, a semaphore and atomic counters), so the
 * connection may call it while holding its lock.
 */
final class PendingPublishes {

  /** What the pending publishes need from their connection. */
  interface Link {
    /**
     * Whether the relay is connected now: a full relay that is not connected gets no wait for room.
     *
     * @return true if connected
     */
    boolean isConnected();

    /**
     * Whether the relay was closed: nothing more is published then.
     *
     * @return true once closed
     */
    boolean isClosed();

    /**
     * Sends the event now if the relay is connected; otherwise it goes out when the relay
     * (re)connects (see {@link #forEachAwaitingOk}), within the publish timeout. Never blocks.
     *
     * @param event the event
     */
    void sendIfConnected(SignedEvent event);
  }

  private record Pending(
      SignedEvent event, CompletableFuture<PublishResult.Ack> future, long deadlineNanos) {}

  private final long publishTimeoutNanos;
  private final PublishResult.Ack timedOutAck;
  private final Link link;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final Semaphore room;
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong timedOut = new AtomicLong();

  /**
   * @param maxPending the most publishes waiting for their {@code OK} at once, at least 1
   * @param publishTimeout how long each publish waits for its {@code OK}
   * @param link the connection
   * @throws IllegalArgumentException if {@code maxPending < 1}
   */
  PendingPublishes(int maxPending, Duration publishTimeout, Link link) {
    if (maxPending < 1) {
      throw new IllegalArgumentException("maxPending must be at least 1, got " + maxPending);
    }
    this.room = new Semaphore(maxPending);
    this.publishTimeoutNanos = publishTimeout.toNanos();
    this.timedOutAck =
        new PublishResult.Ack(PublishResult.Outcome.TIMED_OUT, "no OK within " + publishTimeout);
    this.link = link;
  }

  /**
   * Publishes without waiting: {@code NOT_SENT} at once when {@code maxPending} publishes wait for
   * their {@code OK}. Never blocks.
   *
   * @param event the event
   * @return the relay's answer, completing as described in the class comment
   */
  CompletableFuture<PublishResult.Ack> publish(SignedEvent event) {
    CompletableFuture<PublishResult.Ack> f = tryPublish(event);
    return f != null ? f : tooManyPending();
  }

  /**
   * Publishes if there is room. Never blocks.
   *
   * @param event the event
   * @return the relay's answer, or {@code null} (nothing counted) when {@code maxPending} publishes
   *     wait for their {@code OK}
   */
  @Nullable CompletableFuture<PublishResult.Ack> tryPublish(SignedEvent event) {
    if (link.isClosed()) {
      return notSent("relay closed");
    }
    if (!room.tryAcquire()) {
      return null;
    }
    published.incrementAndGet();
    return publishHoldingRoom(event);
  }

  /**
   * Publishes, waiting up to {@code maxWaitNanos} for room while the relay is connected and {@code
   * maxPending} publishes wait for their {@code OK} (flow control: the caller slows to the relay's
   * pace instead of losing the event). A relay that is not connected gets no wait. Blocks: call it
   * from a virtual thread.
   *
   * @param event the event
   * @param maxWaitNanos the longest wait for room, in nanoseconds
   * @return the relay's answer; {@code NOT_SENT} when no room came in time
   * @throws InterruptedException if interrupted while waiting (nothing is published)
   */
  CompletableFuture<PublishResult.Ack> publishWaitingForRoom(SignedEvent event, long maxWaitNanos)
      throws InterruptedException {
    CompletableFuture<PublishResult.Ack> f = tryPublish(event);
    if (f != null) {
      return f;
    }
    if (!link.isConnected() || !room.tryAcquire(maxWaitNanos, TimeUnit.NANOSECONDS)) {
      return tooManyPending();
    }
    if (link.isClosed()) {
      room.release();
      return notSent("relay closed");
    }
    published.incrementAndGet();
    return publishHoldingRoom(event);
  }

  /**
   * Completes the pending publish of an event with the relay's {@code OK}; does nothing for an
   * unknown id. Never blocks.
   *
   * @param eventId the event id from the {@code OK}
   * @param ok whether the relay accepted the event
   * @param message the relay's message
   */
  void acknowledge(String eventId, boolean ok, String message) {
    Pending p = pending.get(eventId);
    if (p != null) {
      p.future.complete(
          new PublishResult.Ack(
              ok ? PublishResult.Outcome.ACCEPTED : PublishResult.Outcome.REJECTED, message));
    }
  }

  /**
   * Passes every event still waiting for its {@code OK} to {@code action}, to re-send after a
   * reconnect. Never blocks; weakly consistent with concurrent publishes.
   *
   * @param action receives each event
   */
  void forEachAwaitingOk(Consumer<SignedEvent> action) {
    for (Pending p : pending.values()) {
      if (!p.future.isDone()) {
        action.accept(p.event);
      }
    }
  }

  /**
   * Completes with {@code TIMED_OUT} every pending publish whose timeout has passed. The connection
   * calls this every {@link #sweepInterval}: one sweep instead of a timer per publish (a timer is a
   * wake-up of the JDK's delay scheduler thread and two allocations per publish). Never blocks.
   *
   * @param nowNanos {@link System#nanoTime()} now
   */
  void expire(long nowNanos) {
    for (Pending p : pending.values()) {
      if (nowNanos - p.deadlineNanos >= 0) {
        p.future.complete(timedOutAck);
      }
    }
  }

  /**
   * How often {@link #expire} should run: a twentieth of the publish timeout, between 5 and 100 ms,
   * so a publish times out at most that much after its timeout.
   *
   * @return the interval in nanoseconds
   */
  long sweepInterval() {
    return Math.clamp(
        publishTimeoutNanos / 20,
        TimeUnit.MILLISECONDS.toNanos(5),
        TimeUnit.MILLISECONDS.toNanos(100));
  }

  /**
   * Completes every pending publish with {@code NOT_SENT}. Never blocks.
   *
   * @param why the message of each answer
   */
  void failAll(String why) {
    for (Pending p : pending.values()) {
      p.future.complete(new PublishResult.Ack(PublishResult.Outcome.NOT_SENT, why));
    }
  }

  /** Returns events handed over for publishing, including those refused for lack of room. */
  long published() {
    return published.get();
  }

  /** Returns publishes answered {@code OK true}. */
  long accepted() {
    return accepted.get();
  }

  /** Returns publishes answered {@code OK false}. */
  long rejected() {
    return rejected.get();
  }

  /**
   * Returns publishes without an {@code OK} within the timeout, not sent for lack of room, or
   * failed by close.
   */
  long timedOut() {
    return timedOut.get();
  }

  private CompletableFuture<PublishResult.Ack> tooManyPending() {
    published.incrementAndGet();
    timedOut.incrementAndGet();
    return notSent("too many pending publishes");
  }

  private static CompletableFuture<PublishResult.Ack> notSent(String why) {
    return CompletableFuture.completedFuture(
        new PublishResult.Ack(PublishResult.Outcome.NOT_SENT, why));
  }

  /** The caller holds one permit of {@link #room}; it is returned when this publish completes. */
  private CompletableFuture<PublishResult.Ack> publishHoldingRoom(SignedEvent event) {
    boolean[] created = {false};
    Pending p =
        pending.computeIfAbsent(
            event.id(),
            id -> {
              created[0] = true;
              return new Pending(
                  event, new CompletableFuture<>(), System.nanoTime() + publishTimeoutNanos);
            });
    if (!created[0]) {
      room.release(); // the same event is already pending: share its outcome
      return p.future;
    }
    // Bookkeeping only (it cannot fail); the caller gets the outcome through p.future.
    var unused =
        p.future.whenComplete(
            (ack, e) -> {
              pending.remove(event.id(), p);
              room.release();
              if (ack != null) {
                switch (ack.outcome()) {
                  case ACCEPTED -> accepted.incrementAndGet();
                  case REJECTED -> rejected.incrementAndGet();
                  case TIMED_OUT, NOT_SENT -> timedOut.incrementAndGet();
                }
              }
            });
    link.sendIfConnected(event);
    return p.future;
  }
}
