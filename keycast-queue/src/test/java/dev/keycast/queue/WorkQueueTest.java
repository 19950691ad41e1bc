package dev.keycast.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class WorkQueueTest {
  private static final Duration GENEROUS = Duration.ofSeconds(20);

  @Test
  void submit_task_runsOnVirtualWorkerAndCounts() throws Exception {
    RecordingStatsCounter stats = new RecordingStatsCounter();
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    try (WorkQueue q =
        WorkQueue.start(
            WorkQueueConfig.builder().name("t").workers(2).statsCounter(stats).build())) {
      assertThat(
              q.submit(
                  QueuedTask.of(
                      "one",
                      () -> {
                        ranOn.set(Thread.currentThread());
                        done.countDown();
                      })))
          .isEqualTo(SubmitResult.ACCEPTED);
      assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
      await().atMost(GENEROUS).until(() -> stats.snapshot().succeeded() == 1);
    }
    assertThat(ranOn.get().isVirtual()).isTrue();
    assertThat(ranOn.get().getName()).startsWith("t-worker-");
    QueueStats s = stats.snapshot();
    assertThat(s.submitted()).isEqualTo(1);
    assertThat(s.started()).isEqualTo(1);
    assertThat(s.succeeded()).isEqualTo(1);
    assertThat(s.rejected()).isZero();
  }

  @Test
  void submit_fullQueue_returnsFullImmediatelyAndCounts() throws Exception {
    RecordingStatsCounter stats = new RecordingStatsCounter();
    CountDownLatch release = new CountDownLatch(1);
    try (WorkQueue q =
        WorkQueue.start(
            WorkQueueConfig.builder().workers(1).capacity(2).statsCounter(stats).build())) {
      q.submit(QueuedTask.of("blocker", release::await));
      await().atMost(GENEROUS).until(() -> q.busyWorkers() == 1);
      assertThat(q.submit(QueuedTask.of("a", () -> {}))).isEqualTo(SubmitResult.ACCEPTED);
      assertThat(q.submit(QueuedTask.of("b", () -> {}))).isEqualTo(SubmitResult.ACCEPTED);
      assertThat(q.depth()).isEqualTo(2);
      // The queue is full and its only worker is blocked: a blocking submit would hang this test
      // forever.
      for (int i = 0; i < 100; i++) {
        assertThat(q.submit(QueuedTask.of("c" + i, () -> {})))
            .isEqualTo(SubmitResult.REJECTED_FULL);
      }
      assertThat(stats.snapshot().rejectedFull()).isEqualTo(100);
      assertThat(q.capacity()).isEqualTo(2);
      release.countDown();
      await().atMost(GENEROUS).until(() -> stats.snapshot().succeeded() == 3);
    }
    QueueStats s = stats.snapshot();
    assertThat(s.submitted()).isEqualTo(3);
    assertThat(s.rejectedShutdown()).isZero();
  }

  @Test
  void submit_afterShutdown_returnsRejectedShutdownAndCounts() {
    RecordingStatsCounter stats = new RecordingStatsCounter();
    WorkQueue q = WorkQueue.start(WorkQueueConfig.builder().workers(1).statsCounter(stats).build());
    ShutdownReport report = q.shutdown(Duration.ofSeconds(5));
    assertThat(report.terminated()).isTrue();
    assertThat(q.isShutdown()).isTrue();
    assertThat(q.submit(QueuedTask.of("late", () -> {}))).isEqualTo(SubmitResult.REJECTED_SHUTDOWN);
    assertThat(stats.snapshot().rejectedShutdown()).isEqualTo(1);
  }

  @Test
  void run_throwingTask_countsFailureAndWorkerSurvives() {
    RecordingStatsCounter stats = new RecordingStatsCounter();
    try (WorkQueue q =
        WorkQueue.start(WorkQueueConfig.builder().workers(1).statsCounter(stats).build())) {
      q.submit(
          QueuedTask.of(
              "bad",
              () -> {
                throw new IllegalStateException("expected by the test");
              }));
      q.submit(
          QueuedTask.of(
              "error",
              () -> {
                throw new AssertionError("an Error, expected by the test");
              }));
      q.submit(QueuedTask.of("good", () -> {}));
      await().atMost(GENEROUS).until(() -> stats.snapshot().completed() == 3);
    }
    QueueStats s = stats.snapshot();
    assertThat(s.failed()).isEqualTo(2);
    assertThat(s.succeeded()).isEqualTo(1);
  }

  @Test
  void submit_throwingStatsCounter_queueStillWorks() throws Exception {
    CountDownLatch done = new CountDownLatch(3);
    try (WorkQueue q =
        WorkQueue.start(
            WorkQueueConfig.builder()
                .workers(2)
                .statsCounter(new QueueStatsTest.ThrowingStatsCounter())
                .build())) {
      for (int i = 0; i < 3; i++) {
        assertThat(q.submit(QueuedTask.of("t" + i, done::countDown)))
            .isEqualTo(SubmitResult.ACCEPTED);
      }
      assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
      assertThat(q.stats()).isEqualTo(QueueStats.empty());
    }
  }

  @Test
  void shutdown_backlogWithinDeadline_drainsEverything() {
    RecordingStatsCounter stats = new RecordingStatsCounter();
    List<QueuedTask> abandoned = new CopyOnWriteArrayList<>();
    AtomicInteger ran = new AtomicInteger();
    WorkQueue q =
        WorkQueue.start(
            WorkQueueConfig.builder()
                .workers(4)
                .capacity(500)
                .statsCounter(stats)
                .onAbandoned(abandoned::add)
                .build());
    for (int i = 0; i < 500; i++) {
      assertThat(q.submit(QueuedTask.of("t" + i, ran::incrementAndGet)))
          .isEqualTo(SubmitResult.ACCEPTED);
    }
    ShutdownReport report = q.shutdown(Duration.ofSeconds(60));
    assertThat(report.terminated()).isTrue();
    assertThat(report.abandoned()).isZero();
    assertThat(report.stillRunning()).isEmpty();
    assertThat(ran).hasValue(500);
    assertThat(abandoned).isEmpty();
    assertThat(stats.snapshot().succeeded()).isEqualTo(500);
    assertThat(q.depth()).isZero();
  }

  @Test
  void shutdown_backlogPastDeadline_handsBackRestOnceAndKeepsDeadline() throws Exception {
    RecordingStatsCounter stats = new RecordingStatsCounter();
    Map<String, Integer> handedBack = new ConcurrentHashMap<>();
    Map<String, Integer> ran = new ConcurrentHashMap<>();
    CountDownLatch neverReleased = new CountDownLatch(1);
    AtomicInteger interrupted = new AtomicInteger();
    WorkQueue q =
        WorkQueue.start(
            WorkQueueConfig.builder()
                .workers(2)
                .capacity(100)
                .statsCounter(stats)
                .onAbandoned(t -> handedBack.merge(t.name(), 1, Integer::sum))
                .build());
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String name = "slow" + i;
      names.add(name);
      q.submit(
          QueuedTask.of(
              name,
              () -> {
                ran.merge(name, 1, Integer::sum);
                try {
                  neverReleased.await();
                } catch (InterruptedException e) {
                  interrupted.incrementAndGet();
                  throw e;
                }
              }));
    }
    await().atMost(GENEROUS).until(() -> q.busyWorkers() == 2);
    long start = System.nanoTime();
    ShutdownReport report = q.shutdown(Duration.ofMillis(300));
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(elapsedMillis).isGreaterThanOrEqualTo(300).isLessThan(10_000);
    assertThat(report.terminated()).isFalse();
    assertThat(report.stillRunning()).hasSize(2);
    assertThat(report.abandoned()).isEqualTo(48);
    await().atMost(GENEROUS).until(() -> interrupted.get() == 2);
    // Every task either ran once or was handed back once, never both, never neither.
    assertThat(handedBack.values()).allMatch(n -> n == 1);
    assertThat(ran.values()).allMatch(n -> n == 1);
    assertThat(handedBack.keySet()).doesNotContainAnyElementsOf(ran.keySet());
    List<String> all = new ArrayList<>(handedBack.keySet());
    all.addAll(ran.keySet());
    assertThat(all).containsExactlyInAnyOrderElementsOf(names);
    await().atMost(GENEROUS).until(() -> stats.snapshot().completed() == 2);
    QueueStats s = stats.snapshot();
    assertThat(s.abandoned()).isEqualTo(48);
    assertThat(s.failed()).isEqualTo(2);
    assertThat(s.submitted()).isEqualTo(50);
  }

  @Test
  void shutdown_pastDeadlineWithStuckWorkerHoldingBatch_handsBackItsUnstartedTasksOnceOldestFirst()
      throws Exception {
    RecordingStatsCounter stats = new RecordingStatsCounter();
    List<String> ran = new CopyOnWriteArrayList<>();
    List<String> handedBack = new CopyOnWriteArrayList<>();
    CountDownLatch releaseFirst = new CountDownLatch(1);
    CountDownLatch stuckStarted = new CountDownLatch(1);
    CountDownLatch neverReleased = new CountDownLatch(1);
    WorkQueue q =
        WorkQueue.start(
            WorkQueueConfig.builder()
                .name("batch")
                .workers(1)
                .capacity(64)
                .statsCounter(stats)
                .onAbandoned(t -> handedBack.add(t.name()))
                .build());
    q.submit(
        QueuedTask.of(
            "first",
            () -> {
              ran.add("first");
              releaseFirst.await();
            }));
    await().atMost(GENEROUS).until(() -> q.busyWorkers() == 1);
    // Queued behind "first": the single worker's next take sees 10 tasks and takes "stuck" plus 7
    // extras.
    q.submit(
        QueuedTask.of(
            "stuck",
            () -> {
              ran.add("stuck");
              stuckStarted.countDown();
              neverReleased.await();
            }));
    List<String> rest = new ArrayList<>();
    for (int i = 2; i <= 10; i++) {
      String name = "b" + i;
      rest.add(name);
      q.submit(QueuedTask.of(name, () -> ran.add(name)));
    }
    releaseFirst.countDown();
    assertThat(stuckStarted.await(20, TimeUnit.SECONDS)).isTrue();
    assertThat(q.depth())
        .as("b9 and b10 still in the buffer; b2..b8 in the worker's batch")
        .isEqualTo(2);

    ShutdownReport report = q.shutdown(Duration.ofMillis(100));

    assertThat(report.terminated()).isFalse();
    assertThat(report.stillRunning()).containsExactly("stuck");
    assertThat(report.abandoned()).isEqualTo(9);
    assertThat(handedBack).containsExactlyElementsOf(rest);
    // The interrupted task ends as a failure; the worker must then find its batch claimed and not
    // run it. Once the
    // worker has ended, nothing more can run.
    assertThat(q.awaitTermination(GENEROUS)).isTrue();
    assertThat(ran).containsExactly("first", "stuck");
    QueueStats s = stats.snapshot();
    assertThat(s.failed()).isEqualTo(1);
    assertThat(s.submitted()).isEqualTo(11);
    assertThat(s.started()).isEqualTo(2);
    assertThat(s.succeeded()).isEqualTo(1);
    assertThat(s.abandoned()).isEqualTo(9);
  }

  @Test
  void shutdown_zeroDeadlineWithIdleQueue_terminates() {
    WorkQueue q = WorkQueue.start(WorkQueueConfig.builder().workers(8).build());
    ShutdownReport report = q.shutdown(Duration.ZERO);
    assertThat(report.abandoned()).isZero();
    assertThat(report.stillRunning()).isEmpty();
  }

  @Test
  void shutdown_calledTwice_returnsFirstReport() {
    WorkQueue q = WorkQueue.start(WorkQueueConfig.builder().workers(1).build());
    ShutdownReport first = q.shutdown(Duration.ofSeconds(5));
    assertThat(q.shutdown(Duration.ofSeconds(5))).isSameAs(first);
  }

  @Test
  void awaitTermination_beforeShutdown_waitsTheTimeoutAndReturnsFalse() throws Exception {
    try (WorkQueue q = WorkQueue.start(WorkQueueConfig.builder().workers(2).build())) {
      long start = System.nanoTime();
      assertThat(q.awaitTermination(Duration.ofMillis(100))).isFalse();
      assertThat(System.nanoTime() - start)
          .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
    }
  }

  @Test
  void awaitTermination_afterShutdownPastDeadline_trueOnlyOnceTheRunningTaskHasEnded()
      throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger interrupts = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    WorkQueue q = WorkQueue.start(WorkQueueConfig.builder().workers(2).build());
    q.submit(
        QueuedTask.of(
            "ignores-interrupts",
            () -> {
              started.countDown();
              while (true) {
                try {
                  release.await();
                  break;
                } catch (InterruptedException e) {
                  interrupts
                      .incrementAndGet(); // the shutdown deadline passed; this task finishes anyway
                }
              }
              finished.incrementAndGet();
            }));
    assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();

    assertThat(q.shutdown(Duration.ZERO).stillRunning()).containsExactly("ignores-interrupts");
    assertThat(q.awaitTermination(Duration.ZERO)).isFalse();
    release.countDown();

    assertThat(q.awaitTermination(GENEROUS)).isTrue();
    assertThat(finished.get()).isEqualTo(1);
    assertThat(interrupts.get()).as("interrupted once, before the release").isEqualTo(1);
    assertThat(q.awaitTermination(Duration.ZERO)).as("stays terminated").isTrue();
  }

  @Test
  void awaitTermination_negativeTimeout_throws() {
    try (WorkQueue q = WorkQueue.start(WorkQueueConfig.builder().workers(1).build())) {
      assertThatThrownBy(() -> q.awaitTermination(Duration.ofMillis(-1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("timeout");
    }
  }

  @Test
  void shutdown_negativeDeadline_throws() {
    try (WorkQueue q = WorkQueue.start(WorkQueueConfig.builder().workers(1).build())) {
      assertThatThrownBy(() -> q.shutdown(Duration.ofSeconds(-1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("deadline");
    }
  }

  @Test
  void shutdown_throwingAbandonedCallback_handsBackEveryTaskThenThrows() throws Exception {
    AtomicInteger offered = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    WorkQueue q =
        WorkQueue.start(
            WorkQueueConfig.builder()
                .workers(1)
                .onAbandoned(
                    t -> {
                      offered.incrementAndGet();
                      throw new IllegalStateException("callback failed for " + t.name());
                    })
                .build());
    q.submit(QueuedTask.of("blocker", release::await));
    await().atMost(GENEROUS).until(() -> q.busyWorkers() == 1);
    for (int i = 0; i < 5; i++) {
      q.submit(QueuedTask.of("left" + i, () -> {}));
    }
    assertThatThrownBy(() -> q.shutdown(Duration.ofMillis(50)))
        .isInstanceOf(IllegalStateException.class)
        .satisfies(e -> assertThat(e.getSuppressed()).hasSize(4));
    assertThat(offered).hasValue(5);
    assertThat(q.isShutdown()).isTrue();
    assertThat(q.submit(QueuedTask.of("late", () -> {}))).isEqualTo(SubmitResult.REJECTED_SHUTDOWN);
    release.countDown();
  }

  @Test
  void submit_beforeRun_happensBefore() throws Exception {
    int[] plain = new int[1];
    CountDownLatch done = new CountDownLatch(1);
    AtomicInteger seen = new AtomicInteger(-1);
    try (WorkQueue q = WorkQueue.start(WorkQueueConfig.builder().workers(4).build())) {
      plain[0] = 42;
      q.submit(
          QueuedTask.of(
              "read",
              () -> {
                seen.set(plain[0]);
                done.countDown();
              }));
      assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(seen).hasValue(42);
  }

  @Test
  void busyWorkers_blockedTasks_countsThem() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (WorkQueue q = WorkQueue.start(WorkQueueConfig.builder().workers(5).build())) {
      for (int i = 0; i < 3; i++) {
        q.submit(QueuedTask.of("b" + i, release::await));
      }
      await().atMost(GENEROUS).until(() -> q.busyWorkers() == 3);
      assertThat(q.workers()).isEqualTo(5);
      release.countDown();
      await().atMost(GENEROUS).until(() -> q.busyWorkers() == 0);
    }
  }

  @Test
  void isShutdown_whileDraining_trueWithoutBlocking() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    WorkQueue q = WorkQueue.start(WorkQueueConfig.builder().workers(1).build());
    q.submit(QueuedTask.of("blocker", release::await));
    await().atMost(GENEROUS).until(() -> q.busyWorkers() == 1);
    Thread closer = Thread.ofPlatform().start(() -> q.shutdown(Duration.ofSeconds(60)));
    // shutdown() is still waiting for the blocker; isShutdown() must answer anyway.
    await().atMost(GENEROUS).until(q::isShutdown);
    assertThat(closer.isAlive()).isTrue();
    assertThat(q.submit(QueuedTask.of("late", () -> {}))).isEqualTo(SubmitResult.REJECTED_SHUTDOWN);
    release.countDown();
    closer.join(GENEROUS);
    assertThat(closer.isAlive()).isFalse();
  }

  @Test
  void shutdown_fromOwnWorker_doesNotWaitForItself() throws Exception {
    AtomicReference<WorkQueue> self = new AtomicReference<>();
    AtomicReference<ShutdownReport> report = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    WorkQueue q = WorkQueue.start(WorkQueueConfig.builder().workers(2).build());
    self.set(q);
    q.submit(
        QueuedTask.of(
            "shutdown-command",
            () -> {
              // Without the self-skip this would wait the full 10 minutes for its own thread to
              // end.
              report.set(self.get().shutdown(Duration.ofMinutes(10)));
              done.countDown();
            }));
    assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
    assertThat(report.get().abandoned()).isZero();
    assertThat(q.isShutdown()).isTrue();
  }
}
