package dev.keycast.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Accounting under concurrency: K producers x M consumers x random capacities; every item is run or
 * refused (or handed back at shutdown) exactly once, and the metric totals agree with what
 * happened.
 */
class WorkQueueAccountingTest {
  private static final Duration GENEROUS = Duration.ofSeconds(60);
  // Properties run one try at a time; reset at the start of each.
  private static final AtomicInteger INTERRUPTED = new AtomicInteger();

  /** A task that knows its id, counts its runs, and fails or dawdles for some ids. */
  record IdTask(int id, AtomicIntegerArray runs) implements QueuedTask {
    @Override
    public String name() {
      return "item-" + id;
    }

    @Override
    public void run() throws Exception {
      runs.incrementAndGet(id);
      if (id % 97 == 0) {
        throw new IllegalStateException("failure of item " + id + ", expected by the test");
      }
      if (id % 13 == 0) {
        try {
          Thread.sleep(1);
        } catch (InterruptedException e) {
          INTERRUPTED.incrementAndGet(); // interrupted at the shutdown deadline: a failure too
          throw e;
        }
      }
    }
  }

  /** What one run of producers did. */
  record Outcome(SubmitResult[] results, AtomicIntegerArray runs, AtomicIntegerArray handedBack) {}

  private static Outcome produce(
      WorkQueue q,
      int producers,
      int perProducer,
      AtomicIntegerArray runs,
      AtomicIntegerArray handedBack,
      AtomicInteger attempts,
      Runnable whileProducing)
      throws InterruptedException {
    SubmitResult[] results = new SubmitResult[producers * perProducer];
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int base = p * perProducer;
      threads.add(
          Thread.ofPlatform()
              .name("producer-" + p)
              .start(
                  () -> {
                    for (int i = 0; i < perProducer; i++) {
                      results[base + i] = q.submit(new IdTask(base + i, runs));
                      attempts.incrementAndGet();
                    }
                  }));
    }
    whileProducing.run();
    for (Thread t : threads) {
      t.join();
    }
    return new Outcome(results, runs, handedBack);
  }

  private static void assertAccounting(Outcome o, QueueStats s, boolean allowShutdownRejections) {
    long accepted = 0;
    long full = 0;
    long shut = 0;
    long ran = 0;
    long handed = 0;
    long failedExpected = 0;
    for (int id = 0; id < o.results().length; id++) {
      SubmitResult r = o.results()[id];
      int runs = o.runs().get(id);
      int back = o.handedBack().get(id);
      assertThat(runs).as("runs of %d", id).isBetween(0, 1);
      assertThat(back).as("hand-backs of %d", id).isBetween(0, 1);
      switch (r) {
        case ACCEPTED -> {
          accepted++;
          assertThat(runs + back)
              .as("accepted item %d run or handed back exactly once", id)
              .isEqualTo(1);
          if (runs == 1 && id % 97 == 0) {
            failedExpected++;
          }
        }
        case REJECTED_FULL -> {
          full++;
          assertThat(runs + back).as("rejected item %d never run", id).isZero();
        }
        case REJECTED_SHUTDOWN -> {
          shut++;
          assertThat(allowShutdownRejections).as("shutdown rejection without shutdown").isTrue();
          assertThat(runs + back).as("rejected item %d never run", id).isZero();
        }
      }
      ran += runs;
      handed += back;
    }
    assertThat(s.submitted()).isEqualTo(accepted);
    assertThat(s.rejectedFull()).isEqualTo(full);
    assertThat(s.rejectedShutdown()).isEqualTo(shut);
    assertThat(s.started()).isEqualTo(ran);
    assertThat(s.completed()).isEqualTo(ran);
    assertThat(s.failed()).isEqualTo(failedExpected + INTERRUPTED.get());
    assertThat(s.abandoned()).isEqualTo(handed);
    assertThat(accepted + full + shut).isEqualTo(o.results().length);
  }

  @Property(tries = 25)
  void submit_concurrentProducersAndWorkers_everyItemRunOrRejectedExactlyOnce(
      @ForAll @IntRange(min = 1, max = 4) int producers,
      @ForAll @IntRange(min = 1, max = 16) int workers,
      @ForAll @IntRange(min = 1, max = 64) int capacity,
      @ForAll @IntRange(min = 1, max = 300) int perProducer)
      throws Exception {
    INTERRUPTED.set(0);
    RecordingStatsCounter stats = new RecordingStatsCounter();
    int total = producers * perProducer;
    AtomicIntegerArray runs = new AtomicIntegerArray(total);
    AtomicIntegerArray handedBack = new AtomicIntegerArray(total);
    WorkQueue q =
        WorkQueue.start(
            WorkQueueConfig.builder()
                .workers(workers)
                .capacity(capacity)
                .statsCounter(stats)
                .onAbandoned(t -> handedBack.incrementAndGet(((IdTask) t).id()))
                .build());
    Outcome o = produce(q, producers, perProducer, runs, handedBack, new AtomicInteger(), () -> {});
    ShutdownReport report = q.shutdown(GENEROUS);
    assertThat(report.terminated()).isTrue();
    assertAccounting(o, stats.snapshot(), false);
    assertThat(stats.snapshot().abandoned()).isZero();
  }

  @Property(tries = 25)
  void shutdown_racingProducers_nothingLostNothingDuplicated(
      @ForAll @IntRange(min = 1, max = 4) int producers,
      @ForAll @IntRange(min = 1, max = 16) int workers,
      @ForAll @IntRange(min = 1, max = 64) int capacity,
      @ForAll @IntRange(min = 1, max = 300) int perProducer,
      @ForAll @IntRange(min = 0, max = 300) int shutdownAfterAttempts,
      @ForAll @IntRange(min = 0, max = 20) int deadlineMillis,
      @ForAll boolean timed)
      throws Exception {
    INTERRUPTED.set(0);
    // Without a stats counter the queue takes its untimed path (the caller's task object is queued
    // as it is).
    RecordingStatsCounter stats = new RecordingStatsCounter();
    int total = producers * perProducer;
    AtomicIntegerArray runs = new AtomicIntegerArray(total);
    AtomicIntegerArray handedBack = new AtomicIntegerArray(total);
    AtomicInteger attempts = new AtomicInteger();
    WorkQueueConfig.Builder config =
        WorkQueueConfig.builder()
            .workers(workers)
            .capacity(capacity)
            .onAbandoned(t -> handedBack.incrementAndGet(((IdTask) t).id()));
    WorkQueue q = WorkQueue.start(timed ? config.statsCounter(stats).build() : config.build());
    ShutdownReport[] report = new ShutdownReport[1];
    Outcome o =
        produce(
            q,
            producers,
            perProducer,
            runs,
            handedBack,
            attempts,
            () -> {
              int target = Math.min(shutdownAfterAttempts, total);
              while (attempts.get() < target) {
                Thread.onSpinWait();
              }
              report[0] = q.shutdown(Duration.ofMillis(deadlineMillis));
            });
    // Tasks still running at the deadline were interrupted and finish on their own; once every
    // worker has ended,
    // nothing more can run (a duplicate run, if any, has happened by then).
    assertThat(q.awaitTermination(GENEROUS)).isTrue();
    if (timed) {
      QueueStats s = stats.snapshot();
      assertAccounting(o, s, true);
      assertThat(report[0].abandoned()).isEqualTo(s.abandoned());
      return;
    }
    // Untimed: no counts to compare; every accepted item must end up run or handed back exactly
    // once.
    int handed = 0;
    for (int id = 0; id < total; id++) {
      int expected = o.results()[id] == SubmitResult.ACCEPTED ? 1 : 0;
      assertThat(runs.get(id) + handedBack.get(id))
          .as("item %d (%s)", id, o.results()[id])
          .isEqualTo(expected);
      handed += handedBack.get(id);
    }
    assertThat(report[0].abandoned()).isEqualTo(handed);
  }

  @Test
  void submit_stress4ProducersX64Workers_accountingExact() throws Exception {
    INTERRUPTED.set(0);
    RecordingStatsCounter stats = new RecordingStatsCounter();
    int producers = 4;
    int perProducer = 25_000;
    AtomicIntegerArray runs = new AtomicIntegerArray(producers * perProducer);
    AtomicIntegerArray handedBack = new AtomicIntegerArray(producers * perProducer);
    WorkQueue q =
        WorkQueue.start(
            WorkQueueConfig.builder().workers(64).capacity(256).statsCounter(stats).build());
    Outcome o = produce(q, producers, perProducer, runs, handedBack, new AtomicInteger(), () -> {});
    assertThat(q.shutdown(GENEROUS).terminated()).isTrue();
    assertAccounting(o, stats.snapshot(), false);
  }
}
