package dev.keycast.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class BoundedBufferTest {
  private static final Duration GENEROUS = Duration.ofSeconds(20);

  enum Op {
    OFFER,
    TAKE,
    DRAIN,
    CLOSE
  }

  @Provide
  Arbitrary<List<Op>> ops() {
    // CLOSE is rare so that most sequences exercise the open buffer for a while.
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(10, Arbitraries.just(Op.OFFER)),
            net.jqwik.api.Tuple.of(8, Arbitraries.just(Op.TAKE)),
            net.jqwik.api.Tuple.of(1, Arbitraries.just(Op.DRAIN)),
            net.jqwik.api.Tuple.of(1, Arbitraries.just(Op.CLOSE)))
        .list()
        .ofMaxSize(200);
  }

  @Test
  void take_withExtras_takesAtMostAnEqualShareOfTheBacklogOldestFirst() throws Exception {
    BoundedBuffer<Integer> buffer = new BoundedBuffer<>(64);
    for (int i = 0; i < 20; i++) {
      assertThat(buffer.offer(i)).isEqualTo(BoundedBuffer.Offer.ACCEPTED);
    }
    BoundedBuffer.TakeStatus status = new BoundedBuffer.TakeStatus();
    Object[] extras = new Object[7];

    // 20 present, 2 consumers: a share of 10, capped at the first plus 7 extras.
    assertThat(buffer.take(status, extras, 2)).isEqualTo(0);
    assertThat(status.extras()).isEqualTo(7);
    assertThat(extras).containsExactly(1, 2, 3, 4, 5, 6, 7);
    java.util.Arrays.fill(extras, null);

    // 12 present, 4 consumers: a share of 3, so the first plus 2 extras.
    assertThat(buffer.take(status, extras, 4)).isEqualTo(8);
    assertThat(status.extras()).isEqualTo(2);
    assertThat(extras).containsExactly(9, 10, null, null, null, null, null);
    java.util.Arrays.fill(extras, null);

    // 9 present, 5 consumers: less than 2 per consumer, so no batch.
    assertThat(buffer.take(status, extras, 5)).isEqualTo(11);
    assertThat(status.extras()).isZero();
    assertThat(extras).containsOnlyNulls();
    assertThat(buffer.size()).isEqualTo(8);

    // Without an extras array: one element whatever the backlog.
    assertThat(buffer.take(status)).isEqualTo(12);
    assertThat(status.extras()).isZero();
    assertThat(buffer.drain()).containsExactly(13, 14, 15, 16, 17, 18, 19);
  }

  /**
   * Single-threaded model check: FIFO order, FULL iff at capacity, CLOSED once closed, drain
   * empties.
   */
  @Property(tries = 200)
  void operations_anySequence_matchBoundedFifoModel(
      @ForAll @IntRange(min = 1, max = 8) int capacity,
      @ForAll("ops") @Size(max = 200) List<Op> ops)
      throws Exception {
    BoundedBuffer<Integer> buffer = new BoundedBuffer<>(capacity);
    ArrayDeque<Integer> model = new ArrayDeque<>();
    boolean closed = false;
    int next = 0;
    for (Op op : ops) {
      switch (op) {
        case OFFER -> {
          BoundedBuffer.Offer expected =
              closed
                  ? BoundedBuffer.Offer.CLOSED
                  : model.size() == capacity
                      ? BoundedBuffer.Offer.FULL
                      : BoundedBuffer.Offer.ACCEPTED;
          assertThat(buffer.offer(next)).isEqualTo(expected);
          if (expected == BoundedBuffer.Offer.ACCEPTED) {
            model.addLast(next);
          }
          next++;
        }
        case TAKE -> {
          if (!model.isEmpty()) {
            assertThat(buffer.take()).isEqualTo(model.removeFirst());
          } else if (closed) {
            assertThat(buffer.take()).isNull(); // closed and empty: returns at once
          }
        }
        case DRAIN -> {
          assertThat(buffer.drain()).containsExactlyElementsOf(model);
          model.clear();
        }
        case CLOSE -> {
          buffer.close();
          closed = true;
        }
      }
      assertThat(buffer.size()).isEqualTo(model.size());
    }
    assertThat(buffer.capacity()).isEqualTo(capacity);
  }

  @Test
  void take_emptyThenClosed_wakesAndReturnsNull() throws Exception {
    BoundedBuffer<String> buffer = new BoundedBuffer<>(2);
    AtomicReference<Object> got = new AtomicReference<>("unset");
    Thread taker =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    got.set(buffer.take());
                  } catch (InterruptedException e) {
                    got.set(e);
                  }
                });
    await().atMost(GENEROUS).until(() -> taker.getState() == Thread.State.WAITING);
    buffer.close();
    assertThat(taker.join(GENEROUS)).isTrue();
    assertThat(got.get()).isNull();
  }

  @Test
  void put_fullThenTaken_completesWithoutLoss() throws Exception {
    BoundedBuffer<Integer> buffer = new BoundedBuffer<>(1);
    assertThat(buffer.offer(1)).isEqualTo(BoundedBuffer.Offer.ACCEPTED);
    AtomicReference<Object> outcome = new AtomicReference<>();
    Thread putter =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    outcome.set(buffer.put(2));
                  } catch (InterruptedException e) {
                    outcome.set(e);
                  }
                });
    await().atMost(GENEROUS).until(() -> putter.getState() == Thread.State.WAITING);
    assertThat(buffer.take()).isEqualTo(1);
    assertThat(putter.join(GENEROUS)).isTrue();
    assertThat(outcome.get()).isEqualTo(BoundedBuffer.Offer.ACCEPTED);
    assertThat(buffer.take()).isEqualTo(2);
  }

  @Test
  void put_fullThenClosed_returnsClosedAndDoesNotAdd() throws Exception {
    BoundedBuffer<Integer> buffer = new BoundedBuffer<>(1);
    buffer.offer(1);
    AtomicReference<Object> outcome = new AtomicReference<>();
    Thread putter =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    outcome.set(buffer.put(2));
                  } catch (InterruptedException e) {
                    outcome.set(e);
                  }
                });
    await().atMost(GENEROUS).until(() -> putter.getState() == Thread.State.WAITING);
    buffer.close();
    assertThat(putter.join(GENEROUS)).isTrue();
    assertThat(outcome.get()).isEqualTo(BoundedBuffer.Offer.CLOSED);
    assertThat(buffer.drain()).containsExactly(1);
  }

  /**
   * Producers racing close: every element is accepted-then-taken-or-drained exactly once, or
   * refused.
   */
  @Property(tries = 30)
  void offer_racingCloseAndConsumers_everyElementExactlyOnce(
      @ForAll @IntRange(min = 1, max = 32) int capacity,
      @ForAll @IntRange(min = 1, max = 3) int consumers,
      @ForAll @IntRange(min = 0, max = 2000) int closeAfter)
      throws Exception {
    BoundedBuffer<Integer> buffer = new BoundedBuffer<>(capacity);
    int total = 2000;
    BoundedBuffer.Offer[] results = new BoundedBuffer.Offer[total];
    int[] seen = new int[total];
    List<List<Integer>> taken = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < consumers; c++) {
      List<Integer> mine = new ArrayList<>();
      taken.add(mine);
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      Integer e;
                      while ((e = buffer.take()) != null) {
                        mine.add(e);
                      }
                    } catch (InterruptedException ex) {
                      throw new AssertionError(ex);
                    }
                  }));
    }
    java.util.concurrent.atomic.AtomicInteger offered =
        new java.util.concurrent.atomic.AtomicInteger();
    Thread producer =
        Thread.ofPlatform()
            .start(
                () -> {
                  for (int i = 0; i < total; i++) {
                    results[i] = buffer.offer(i);
                    offered.incrementAndGet();
                    if (results[i] == BoundedBuffer.Offer.FULL) {
                      Thread.onSpinWait();
                    }
                  }
                });
    int closeAt = closeAfter;
    while (producer.isAlive() && offered.get() < closeAt) {
      Thread.onSpinWait();
    }
    buffer.close();
    producer.join();
    List<Integer> drained = buffer.drain();
    for (Thread t : threads) {
      assertThat(t.join(GENEROUS)).isTrue();
    }
    for (List<Integer> mine : taken) {
      mine.forEach(e -> seen[e]++);
    }
    drained.forEach(e -> seen[e]++);
    for (int i = 0; i < total; i++) {
      int expected = results[i] == BoundedBuffer.Offer.ACCEPTED ? 1 : 0;
      assertThat(seen[i]).as("element %d (%s)", i, results[i]).isEqualTo(expected);
    }
  }

  /**
   * Racing producers sending bursts to many consumers that park and wake between them: every
   * accepted element is taken exactly once while the buffer is still open (closing wakes every
   * consumer, so it would hide a lost wake-up; here the buffer is closed only after all elements
   * were seen taken).
   */
  @Property(tries = 25)
  void offer_burstsToParkingConsumers_everyElementTakenWithoutClose(
      @ForAll @IntRange(min = 1, max = 16) int capacity,
      @ForAll @IntRange(min = 1, max = 64) int consumers,
      @ForAll @IntRange(min = 1, max = 3) int producers,
      @ForAll @IntRange(min = 1, max = 40) int burst)
      throws Exception {
    BoundedBuffer<Integer> buffer = new BoundedBuffer<>(capacity);
    int perProducer = 600;
    java.util.concurrent.atomic.AtomicIntegerArray seen =
        new java.util.concurrent.atomic.AtomicIntegerArray(producers * perProducer);
    java.util.concurrent.atomic.AtomicInteger takenCount =
        new java.util.concurrent.atomic.AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < consumers; c++) {
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      Integer e;
                      while ((e = buffer.take()) != null) {
                        seen.incrementAndGet(e);
                        takenCount.incrementAndGet();
                      }
                    } catch (InterruptedException ex) {
                      throw new AssertionError(ex);
                    }
                  }));
    }
    List<Thread> producerThreads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int base = p * perProducer;
      producerThreads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < perProducer; i++) {
                      while (buffer.offer(base + i) == BoundedBuffer.Offer.FULL) {
                        Thread.onSpinWait();
                      }
                      if (i % burst == burst - 1) {
                        // Let the consumers drain and park before the next burst.
                        java.util.concurrent.locks.LockSupport.parkNanos(20_000);
                      }
                    }
                  }));
    }
    for (Thread t : producerThreads) {
      t.join();
    }
    int total = producers * perProducer;
    await().atMost(GENEROUS).until(() -> takenCount.get() == total);
    assertThat(buffer.size()).isZero();
    buffer.close();
    for (Thread t : threads) {
      assertThat(t.join(GENEROUS)).isTrue();
    }
    for (int i = 0; i < total; i++) {
      assertThat(seen.get(i)).as("element %d", i).isEqualTo(1);
    }
  }

  /**
   * The wake-up cascade: a burst of k elements offered to k or more sleeping consumers is taken by
   * k consumers at once, even though each consumer, once it has an element, holds it (a slow task)
   * until released. Without the cascade (a producer wakes one consumer, and that consumer wakes the
   * next before returning) the elements after the first would wait for the first consumer to
   * finish.
   */
  @Property(tries = 25)
  void offer_burstToSleepingConsumersHoldingTheirElement_allTakenConcurrently(
      @ForAll @IntRange(min = 1, max = 16) int capacity,
      @ForAll @IntRange(min = 1, max = 48) int consumers,
      @ForAll @IntRange(min = 1, max = 48) int burst,
      @ForAll @IntRange(min = 1, max = 3) int producers)
      throws Exception {
    int k = Math.min(burst, consumers);
    BoundedBuffer<Integer> buffer = new BoundedBuffer<>(capacity);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicIntegerArray seen =
        new java.util.concurrent.atomic.AtomicIntegerArray(k);
    java.util.concurrent.atomic.AtomicInteger holding =
        new java.util.concurrent.atomic.AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < consumers; c++) {
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      Integer e;
                      while ((e = buffer.take()) != null) {
                        seen.incrementAndGet(e);
                        holding.incrementAndGet();
                        release.await();
                      }
                    } catch (InterruptedException ex) {
                      throw new AssertionError(ex);
                    }
                  }));
    }
    // Every consumer asleep in take() before the burst.
    await()
        .atMost(GENEROUS)
        .until(() -> threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING));
    List<Thread> producerThreads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int first = p;
      producerThreads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = first; i < k; i += producers) {
                      while (buffer.offer(i) == BoundedBuffer.Offer.FULL) {
                        Thread.onSpinWait();
                      }
                    }
                  }));
    }
    await().atMost(GENEROUS).until(() -> holding.get() == k);
    for (Thread t : producerThreads) {
      t.join();
    }
    assertThat(buffer.size()).isZero();
    release.countDown();
    buffer.close();
    for (Thread t : threads) {
      assertThat(t.join(GENEROUS)).isTrue();
    }
    for (int i = 0; i < k; i++) {
      assertThat(seen.get(i)).as("element %d", i).isEqualTo(1);
    }
  }
}
