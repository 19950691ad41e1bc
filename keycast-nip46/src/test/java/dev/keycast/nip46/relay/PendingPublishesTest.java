package dev.keycast.nip46.relay;

import static dev.keycast.nip46.relay.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.relay.PublishResult.Ack;
import dev.keycast.nip46.relay.PublishResult.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The per-relay publish accounting and flow control, against a connection stand-in that records
 * what is sent.
 */
class PendingPublishesTest {
  private static final Duration LONG = Duration.ofSeconds(30);

  /**
   * A connection without a socket: connected or not, closed or not; records the events it would
   * send.
   */
  static final class RecordingLink implements PendingPublishes.Link {
    volatile boolean connected = true;
    volatile boolean closed;
    final List<SignedEvent> sent = new CopyOnWriteArrayList<>();

    @Override
    public boolean isConnected() {
      return connected;
    }

    @Override
    public boolean isClosed() {
      return closed;
    }

    @Override
    public void sendIfConnected(SignedEvent event) {
      if (connected) {
        sent.add(event);
      }
    }
  }

  private final RecordingLink link = new RecordingLink();

  private PendingPublishes pending(int max, Duration timeout) {
    return new PendingPublishes(max, timeout, link);
  }

  private static Ack ack(CompletableFuture<Ack> f) throws Exception {
    return f.get(LONG.toSeconds(), TimeUnit.SECONDS);
  }

  private static List<String> awaitingOk(PendingPublishes p) {
    List<String> ids = new ArrayList<>();
    p.forEachAwaitingOk(e -> ids.add(e.id()));
    return ids;
  }

  @Test
  void publish_connected_sentAndCompletedByOk() throws Exception {
    PendingPublishes p = pending(10, LONG);
    SignedEvent a = event(1, "a");
    SignedEvent b = event(1, "b");
    CompletableFuture<Ack> fa = p.publish(a);
    CompletableFuture<Ack> fb = p.publish(b);
    assertThat(link.sent).containsExactly(a, b);
    assertThat(fa).isNotDone();
    p.acknowledge(a.id(), true, "");
    p.acknowledge(b.id(), false, "blocked: spam");
    assertThat(ack(fa)).isEqualTo(new Ack(Outcome.ACCEPTED, ""));
    assertThat(ack(fb)).isEqualTo(new Ack(Outcome.REJECTED, "blocked: spam"));
    assertThat(List.of(p.published(), p.accepted(), p.rejected(), p.timedOut()))
        .containsExactly(2L, 1L, 1L, 0L);
    assertThat(awaitingOk(p)).isEmpty();
  }

  @Test
  void acknowledge_unknownOrRepeatedId_changesNothing() throws Exception {
    PendingPublishes p = pending(10, LONG);
    SignedEvent a = event(1, "a");
    CompletableFuture<Ack> fa = p.publish(a);
    p.acknowledge(event(1, "other").id(), true, "");
    assertThat(fa).isNotDone();
    p.acknowledge(a.id(), true, "");
    p.acknowledge(a.id(), false, "late duplicate");
    assertThat(ack(fa).outcome()).isEqualTo(Outcome.ACCEPTED);
    assertThat(p.accepted()).isEqualTo(1);
    assertThat(p.rejected()).isZero();
  }

  @Test
  void publish_notConnected_keptForTheNextConnectUntilItsOk() throws Exception {
    link.connected = false;
    PendingPublishes p = pending(10, LONG);
    SignedEvent a = event(1, "a");
    CompletableFuture<Ack> fa = p.publish(a);
    assertThat(link.sent).isEmpty();
    assertThat(awaitingOk(p)).containsExactly(a.id());
    p.acknowledge(a.id(), true, "");
    assertThat(ack(fa).accepted()).isTrue();
    assertThat(awaitingOk(p)).isEmpty();
  }

  @Test
  void publish_full_notSentAtOnceAndCounted_tryPublishNullAndUncounted() throws Exception {
    PendingPublishes p = pending(2, LONG);
    SignedEvent a = event(1, "a");
    p.publish(a);
    p.publish(event(1, "b"));
    Ack refused = ack(p.publish(event(1, "c")));
    assertThat(refused).isEqualTo(new Ack(Outcome.NOT_SENT, "too many pending publishes"));
    assertThat(p.published()).isEqualTo(3);
    assertThat(p.timedOut()).isEqualTo(1);
    assertThat(p.tryPublish(event(1, "d"))).isNull();
    assertThat(p.published()).isEqualTo(3);
    assertThat(link.sent).hasSize(2);

    p.acknowledge(a.id(), true, ""); // frees one permit
    assertThat(p.tryPublish(event(1, "e"))).isNotNull();
    assertThat(p.tryPublish(event(1, "f"))).isNull();
  }

  @Test
  void publish_samePendingEventTwice_sharesOutcomeAndOnePermit() throws Exception {
    PendingPublishes p = pending(2, LONG);
    SignedEvent a = event(1, "a");
    CompletableFuture<Ack> first = p.publish(a);
    CompletableFuture<Ack> second = p.publish(a);
    assertThat(second).isSameAs(first);
    assertThat(link.sent).containsExactly(a);
    assertThat(p.tryPublish(event(1, "b"))).as("a holds one permit, not two").isNotNull();
    assertThat(p.tryPublish(event(1, "c"))).isNull();
    p.acknowledge(a.id(), true, "");
    assertThat(ack(second).accepted()).isTrue();
    assertThat(p.accepted()).isEqualTo(1);
    assertThat(p.tryPublish(event(1, "c"))).as("a's permit came back").isNotNull();
  }

  @Test
  void publish_noOkWithinTimeout_timedOutAndRoomReturned() throws Exception {
    PendingPublishes p = pending(1, Duration.ofMillis(100));
    SignedEvent a = event(1, "a");
    CompletableFuture<Ack> f = p.publish(a);
    p.expire(System.nanoTime());
    assertThat(f).as("a sweep before the timeout leaves it pending").isNotDone();
    p.expire(System.nanoTime() + Duration.ofMillis(100).toNanos());
    Ack result = ack(f);
    assertThat(result.outcome()).isEqualTo(Outcome.TIMED_OUT);
    assertThat(result.message()).contains("no OK within");
    await().atMost(LONG).until(() -> p.timedOut() == 1);
    assertThat(p.tryPublish(event(1, "b"))).isNotNull();
    assertThat(awaitingOk(p)).doesNotContain(a.id());
  }

  @Test
  void failAll_completesEveryPendingAsNotSentAndReturnsTheRoom() throws Exception {
    PendingPublishes p = pending(2, LONG);
    CompletableFuture<Ack> fa = p.publish(event(1, "a"));
    CompletableFuture<Ack> fb = p.publish(event(1, "b"));
    p.failAll("pool closed");
    assertThat(ack(fa)).isEqualTo(new Ack(Outcome.NOT_SENT, "pool closed"));
    assertThat(ack(fb)).isEqualTo(new Ack(Outcome.NOT_SENT, "pool closed"));
    assertThat(p.timedOut()).isEqualTo(2);
    assertThat(awaitingOk(p)).isEmpty();
    assertThat(p.tryPublish(event(1, "c"))).isNotNull();
  }

  @Test
  void publish_closed_notSentAndUncounted() throws Exception {
    link.closed = true;
    PendingPublishes p = pending(1, LONG);
    assertThat(ack(p.publish(event(1, "a")))).isEqualTo(new Ack(Outcome.NOT_SENT, "relay closed"));
    assertThat(ack(p.publishWaitingForRoom(event(1, "b"), LONG.toNanos())).message())
        .isEqualTo("relay closed");
    assertThat(p.published()).isZero();
    assertThat(link.sent).isEmpty();
  }

  @Test
  void publishWaitingForRoom_withRoom_publishesWithoutWaiting() throws Exception {
    PendingPublishes p = pending(1, LONG);
    SignedEvent a = event(1, "a");
    CompletableFuture<Ack> f = p.publishWaitingForRoom(a, LONG.toNanos());
    assertThat(f).isNotDone();
    assertThat(link.sent).containsExactly(a);
  }

  @Test
  void publishWaitingForRoom_fullAndConnected_waitsUntilAnOkFreesRoom() throws Exception {
    PendingPublishes p = pending(1, LONG);
    SignedEvent a = event(1, "a");
    SignedEvent b = event(1, "b");
    p.publish(a);
    AtomicReference<CompletableFuture<Ack>> waited = new AtomicReference<>();
    Thread publisher =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    waited.set(p.publishWaitingForRoom(b, LONG.toNanos()));
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    // Parked on the semaphore: the real signal that it waits for room (and has not published b).
    await().atMost(LONG).until(() -> publisher.getState() == Thread.State.TIMED_WAITING);
    assertThat(link.sent).containsExactly(a);
    p.acknowledge(a.id(), true, "");
    assertThat(publisher.join(LONG)).isTrue();
    assertThat(link.sent).containsExactly(a, b);
    assertThat(waited.get()).isNotDone();
    p.acknowledge(b.id(), true, "");
    assertThat(ack(waited.get()).accepted()).isTrue();
    assertThat(p.published()).isEqualTo(2);
    assertThat(p.timedOut()).isZero();
  }

  @Test
  void publishWaitingForRoom_fullAndNoRoomInTime_notSentAfterTheWait() throws Exception {
    PendingPublishes p = pending(1, LONG);
    p.publish(event(1, "a"));
    long start = System.nanoTime();
    Ack result = ack(p.publishWaitingForRoom(event(1, "b"), Duration.ofMillis(200).toNanos()));
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
    assertThat(result).isEqualTo(new Ack(Outcome.NOT_SENT, "too many pending publishes"));
    assertThat(p.published()).isEqualTo(2);
    assertThat(p.timedOut()).isEqualTo(1);
  }

  @Test
  void publishWaitingForRoom_fullAndNotConnected_noWait() throws Exception {
    link.connected = false;
    PendingPublishes p = pending(1, LONG);
    p.publish(event(1, "a"));
    long start = System.nanoTime();
    Ack result = ack(p.publishWaitingForRoom(event(1, "b"), LONG.toNanos()));
    assertThat(result.outcome()).isEqualTo(Outcome.NOT_SENT);
    assertThat(System.nanoTime() - start).isLessThan(LONG.toNanos() / 2);
  }

  @Test
  void publishWaitingForRoom_interrupted_throwsAndPublishesNothing() throws Exception {
    PendingPublishes p = pending(1, LONG);
    p.publish(event(1, "a"));
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread publisher =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    p.publishWaitingForRoom(event(1, "b"), LONG.toNanos());
                  } catch (InterruptedException e) {
                    thrown.set(e);
                  }
                });
    await().atMost(LONG).until(() -> publisher.getState() == Thread.State.TIMED_WAITING);
    publisher.interrupt();
    assertThat(publisher.join(LONG)).isTrue();
    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    assertThat(p.published()).isEqualTo(1);
    assertThat(link.sent).hasSize(1);
  }

  @Test
  void publish_noOk_timeoutMessageNamesTheTimeout() throws Exception {
    PendingPublishes p = pending(1, Duration.ofMillis(50));
    CompletableFuture<Ack> f = p.publish(event(1, "a"));
    p.expire(System.nanoTime() + Duration.ofMillis(50).toNanos());
    assertThat(ack(f).message()).isEqualTo("no OK within PT0.05S");
  }

  @Test
  void expire_completesOnlyThePublishesWhoseTimeoutPassed() throws Exception {
    PendingPublishes p = pending(2, Duration.ofSeconds(10));
    CompletableFuture<Ack> first = p.publish(event(1, "a"));
    long between = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    Thread.sleep(2);
    CompletableFuture<Ack> second = p.publish(event(1, "b"));
    p.expire(between);
    assertThat(ack(first).outcome()).isEqualTo(Outcome.TIMED_OUT);
    assertThat(second).isNotDone();
    assertThat(p.timedOut()).isEqualTo(1);
  }

  @Test
  void sweepInterval_aTwentiethOfTheTimeoutWithinBounds() {
    assertThat(pending(1, Duration.ofSeconds(1)).sweepInterval())
        .isEqualTo(Duration.ofMillis(50).toNanos());
    assertThat(pending(1, Duration.ofMillis(20)).sweepInterval())
        .isEqualTo(Duration.ofMillis(5).toNanos());
    assertThat(pending(1, Duration.ofSeconds(30)).sweepInterval())
        .isEqualTo(Duration.ofMillis(100).toNanos());
  }

  @Test
  void create_noRoom_throws() {
    assertThatThrownBy(() -> new PendingPublishes(0, LONG, link))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
