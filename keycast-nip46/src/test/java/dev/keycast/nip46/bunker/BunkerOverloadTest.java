package dev.keycast.nip46.bunker;

import static dev.keycast.nip46.bunker.Fixture.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keycast.nip46.Nip46Request;
import dev.keycast.nip46.Nip46Response;
import dev.keycast.nip46.client.Nip46Client;
import dev.keycast.nip46.client.Nip46Result;
import dev.keycast.nip46.client.Nip46Result.Failure;
import dev.keycast.nip46.client.Nip46Result.Success;
import dev.keycast.nip46.server.EventRejectReason;
import dev.keycast.nip46.server.RequestContext;
import dev.keycast.nip46.server.RequestHandler;
import dev.keycast.nip46.server.ResponseOutcome;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.queue.WorkQueueConfig;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A full queue answers at once with an encrypted error reply, and counts it. */
class BunkerOverloadTest {

  /**
   * A handler whose {@code ping} holds its worker until released; every other method answers at
   * once.
   */
  static final class GatedPing implements RequestHandler {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public CompletableFuture<Nip46Response> handle(Nip46Request request, RequestContext ctx) {
      if (request instanceof Nip46Request.Ping) {
        entered.countDown();
        try {
          release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return CompletableFuture.completedFuture(Nip46Response.ok(request.id(), "pong"));
    }
  }

  @Test
  void queueFull_overloadedErrorReply_counted() throws Exception {
    GatedPing gate = new GatedPing();
    CountDownLatch entered = gate.entered;
    CountDownLatch release = gate.release;
    try (Fixture fx =
        new Fixture(
            1,
            b ->
                b.handler(gate)
                    .workQueue(
                        WorkQueueConfig.builder().name("tiny").workers(1).capacity(1).build()))) {
      Authorization a = fx.authorize("social", 1);
      Nip46Client c = fx.client(a);
      CompletableFuture<Nip46Result> first = c.ping(); // occupies the only worker
      assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Nip46Result> second = c.ping(); // fills the queue
      await().atMost(Fixture.WAIT).until(() -> fx.bunker.health().queueDepth() == 1);
      long fullBefore = fx.bunker.stats().rejected(EventRejectReason.QUEUE_FULL);
      assertThat(result(c.getPublicKey())).isEqualTo(new Failure("overloaded, retry later"));
      assertThat(result(c.getPublicKey())).isEqualTo(new Failure("overloaded, retry later"));
      assertThat(fx.bunker.stats().rejected(EventRejectReason.QUEUE_FULL))
          .isEqualTo(fullBefore + 2);
      assertThat(fx.bunker.stats().responses("get_public_key", ResponseOutcome.OVERLOADED))
          .isEqualTo(2);
      release.countDown();
      assertThat(result(first)).isEqualTo(new Success("pong"));
      assertThat(result(second)).isEqualTo(new Success("pong"));
    }
  }

  @Test
  void queueFull_burstBeyondOverflowWorkers_everyRequestAnswered() throws Exception {
    GatedPing gate = new GatedPing();
    CountDownLatch entered = gate.entered;
    CountDownLatch release = gate.release;
    // One overflow worker: a burst of refusals must wait in the overflow lane, not be dropped.
    try (Fixture fx =
        new Fixture(
            1,
            b ->
                b.handler(gate)
                    .refusalThreads(1)
                    .overflowCapacity(256)
                    .workQueue(
                        WorkQueueConfig.builder().name("tiny").workers(1).capacity(1).build()))) {
      Authorization a = fx.authorize("social", 1);
      Nip46Client c = fx.client(a);
      CompletableFuture<Nip46Result> first = c.ping(); // occupies the only worker
      assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Nip46Result> second = c.ping(); // fills the queue
      await().atMost(Fixture.WAIT).until(() -> fx.bunker.health().queueDepth() == 1);
      java.util.List<CompletableFuture<Nip46Result>> burst = new java.util.ArrayList<>();
      for (int i = 0; i < 40; i++) {
        burst.add(c.getPublicKey());
      }
      for (CompletableFuture<Nip46Result> f : burst) {
        assertThat(result(f)).isEqualTo(new Failure("overloaded, retry later"));
      }
      assertThat(fx.bunker.stats().rejected(EventRejectReason.OVERFLOW_DROPPED)).isZero();
      assertThat(fx.bunker.stats().responses("get_public_key", ResponseOutcome.OVERLOADED))
          .isEqualTo(40);
      release.countDown();
      assertThat(result(first)).isEqualTo(new Success("pong"));
      assertThat(result(second)).isEqualTo(new Success("pong"));
    } finally {
      release.countDown();
    }
  }

  @Test
  void overflowLaneFull_everyRequestAnsweredOrCountedDropped() throws Exception {
    GatedPing gate = new GatedPing();
    // A lane of two slots behind a full queue: a burst of 60 overflows it. Each request is either
    // answered (overloaded) or dropped and counted, never both and never neither.
    try (Fixture fx =
        new Fixture(
            1,
            b ->
                b.handler(gate)
                    .overflowCapacity(2)
                    .workQueue(
                        WorkQueueConfig.builder().name("tiny").workers(1).capacity(1).build()))) {
      Authorization a = fx.authorize("social", 1);
      Nip46Client c = fx.client(a);
      CompletableFuture<Nip46Result> first = c.ping(); // occupies the only worker
      assertThat(gate.entered.await(20, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Nip46Result> second = c.ping(); // fills the queue
      await().atMost(Fixture.WAIT).until(() -> fx.bunker.health().queueDepth() == 1);
      long droppedBefore = fx.bunker.stats().rejected(EventRejectReason.OVERFLOW_DROPPED);
      java.util.List<CompletableFuture<Nip46Result>> burst = new java.util.ArrayList<>();
      for (int i = 0; i < 60; i++) {
        burst.add(c.getPublicKey());
      }
      await()
          .atMost(Fixture.WAIT)
          .until(
              () ->
                  fx.bunker.stats().responses("get_public_key", ResponseOutcome.OVERLOADED)
                          + fx.bunker.stats().rejected(EventRejectReason.OVERFLOW_DROPPED)
                          - droppedBefore
                      == 60);
      long answered = fx.bunker.stats().responses("get_public_key", ResponseOutcome.OVERLOADED);
      assertThat(answered).isGreaterThanOrEqualTo(2);
      await()
          .atMost(Fixture.WAIT)
          .until(() -> burst.stream().filter(CompletableFuture::isDone).count() == answered);
      for (CompletableFuture<Nip46Result> f : burst) {
        if (f.isDone()) {
          assertThat(result(f)).isEqualTo(new Failure("overloaded, retry later"));
        }
      }
      gate.release.countDown();
      assertThat(result(first)).isEqualTo(new Success("pong"));
      assertThat(result(second)).isEqualTo(new Success("pong"));
    } finally {
      gate.release.countDown();
    }
  }

  @Test
  void close_leftoverInQueue_answeredShuttingDown() throws Exception {
    GatedPing gate = new GatedPing();
    CountDownLatch entered = gate.entered;
    CountDownLatch release = gate.release;
    Fixture fx =
        new Fixture(
            1,
            b ->
                b.handler(gate)
                    .shutdownDeadline(java.time.Duration.ofMillis(500))
                    .workQueue(
                        WorkQueueConfig.builder().name("tiny").workers(1).capacity(4).build()));
    try {
      Authorization a = fx.authorize("social", 1);
      Nip46Client c = fx.client(a);
      CompletableFuture<Nip46Result> running = c.ping();
      assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Nip46Result> queued = c.getPublicKey();
      await().atMost(Fixture.WAIT).until(() -> fx.bunker.health().queueDepth() == 1);
      fx.bunker.close(); // the worker is stuck past the deadline: the queued request is handed back
      assertThat(result(queued)).isEqualTo(new Failure("shutting down"));
      assertThat(fx.bunker.stats().rejected(EventRejectReason.SHUTTING_DOWN))
          .isGreaterThanOrEqualTo(1);
      release.countDown();
      assertThat(running).isNotNull();
    } finally {
      release.countDown();
      fx.close();
    }
  }
}
