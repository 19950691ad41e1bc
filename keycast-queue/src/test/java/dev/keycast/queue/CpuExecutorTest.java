package dev.keycast.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CpuExecutorTest {
  private static final Duration GENEROUS = Duration.ofSeconds(20);

  private static CpuExecutor start(int threads, int queueCapacity, QueueStatsCounter stats) {
    return CpuExecutor.start(
        CpuExecutorConfig.builder()
            .name("cpu")
            .threads(threads)
            .queueCapacity(queueCapacity)
            .statsCounter(stats)
            .build());
  }

  @Test
  void call_fromVirtualThread_runsOnPlatformPoolThread() throws Exception {
    RecordingStatsCounter stats = new RecordingStatsCounter();
    try (CpuExecutor cpu = start(2, 8, stats)) {
      AtomicReference<Thread> ranOn = new AtomicReference<>();
      AtomicReference<Integer> result = new AtomicReference<>();
      Thread caller =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      result.set(
                          cpu.call(
                              "add",
                              () -> {
                                ranOn.set(Thread.currentThread());
                                return 40 + 2;
                              }));
                    } catch (Exception e) {
                      throw new AssertionError(e);
                    }
                  });
      assertThat(caller.join(GENEROUS)).isTrue();
      assertThat(result.get()).isEqualTo(42);
      assertThat(ranOn.get().isVirtual()).isFalse();
      assertThat(ranOn.get().getName()).startsWith("cpu-");
    }
    QueueStats s = stats.snapshot();
    assertThat(s.submitted()).isEqualTo(1);
    assertThat(s.succeeded()).isEqualTo(1);
  }

  @Test
  void call_workThrows_rethrowsSameException() throws Exception {
    RecordingStatsCounter stats = new RecordingStatsCounter();
    IOException boom = new IOException("expected by the test");
    try (CpuExecutor cpu = start(1, 8, stats)) {
      assertThatThrownBy(
              () ->
                  cpu.call(
                      "bad",
                      () -> {
                        throw boom;
                      }))
          .isSameAs(boom);
    }
    assertThat(stats.snapshot().failed()).isEqualTo(1);
  }

  @Test
  void submit_full_failsImmediatelyWithFullAndCounts() throws Exception {
    RecordingStatsCounter stats = new RecordingStatsCounter();
    CountDownLatch release = new CountDownLatch(1);
    try (CpuExecutor cpu = start(1, 2, stats)) {
      CompletableFuture<Object> running =
          cpu.submit(
              "blocker",
              () -> {
                release.await();
                return "done";
              });
      await().atMost(GENEROUS).until(() -> cpu.activeThreads() == 1);
      CompletableFuture<Object> q1 = cpu.submit("q1", () -> 1);
      CompletableFuture<Object> q2 = cpu.submit("q2", () -> 2);
      assertThat(cpu.queuedTasks()).isEqualTo(2);
      CompletableFuture<Object> rejected = cpu.submit("q3", () -> 3);
      assertThat(rejected).isCompletedExceptionally();
      assertThatThrownBy(rejected::get)
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOfSatisfying(
              CpuTaskRejectedException.class,
              e -> assertThat(e.reason()).isEqualTo(RejectReason.FULL));
      assertThat(stats.snapshot().rejectedFull()).isEqualTo(1);
      release.countDown();
      assertThat(running.get(20, TimeUnit.SECONDS)).isEqualTo("done");
      assertThat(q1.get(20, TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(q2.get(20, TimeUnit.SECONDS)).isEqualTo(2);
    }
  }

  @Test
  void call_full_waitsForRoomThenCompletes() throws Exception {
    RecordingStatsCounter stats = new RecordingStatsCounter();
    CountDownLatch release = new CountDownLatch(1);
    try (CpuExecutor cpu = start(1, 1, stats)) {
      cpu.submit("blocker", () -> release.await(30, TimeUnit.SECONDS));
      await().atMost(GENEROUS).until(() -> cpu.activeThreads() == 1);
      cpu.submit("queued", () -> 1);
      AtomicReference<Object> result = new AtomicReference<>();
      Thread caller =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      result.set(cpu.call("waiter", () -> "ok"));
                    } catch (Exception e) {
                      result.set(e);
                    }
                  });
      // The caller waits (the documented policy) rather than failing: it is still alive with no
      // result.
      await().atMost(GENEROUS).until(() -> caller.getState() == Thread.State.WAITING);
      assertThat(result.get()).isNull();
      release.countDown();
      assertThat(caller.join(GENEROUS)).isTrue();
      assertThat(result.get()).isEqualTo("ok");
    }
    assertThat(stats.snapshot().rejected()).isZero();
    assertThat(stats.snapshot().succeeded()).isEqualTo(3);
  }

  @Test
  void call_afterShutdown_throwsRejectedShutdown() {
    RecordingStatsCounter stats = new RecordingStatsCounter();
    CpuExecutor cpu = start(1, 1, stats);
    assertThat(cpu.shutdown(Duration.ofSeconds(5)).terminated()).isTrue();
    assertThatThrownBy(() -> cpu.call("late", () -> 1))
        .isInstanceOfSatisfying(
            CpuTaskRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(RejectReason.SHUTDOWN))
        .hasMessageContaining("late");
    assertThat(cpu.submit("late2", () -> 1)).isCompletedExceptionally();
    assertThat(stats.snapshot().rejectedShutdown()).isEqualTo(2);
  }

  @Test
  void shutdown_pastDeadline_failsQueuedFuturesAndInterruptsRunning() throws Exception {
    RecordingStatsCounter stats = new RecordingStatsCounter();
    CpuExecutor cpu = start(1, 10, stats);
    CountDownLatch never = new CountDownLatch(1);
    CompletableFuture<Object> running =
        cpu.submit(
            "blocker",
            () -> {
              never.await();
              return "unreachable";
            });
    await().atMost(GENEROUS).until(() -> cpu.activeThreads() == 1);
    List<CompletableFuture<Object>> queued = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      queued.add(cpu.submit("q" + i, () -> "ran"));
    }
    ShutdownReport report = cpu.shutdown(Duration.ofMillis(100));
    assertThat(report.abandoned()).isEqualTo(5);
    assertThat(report.stillRunning()).containsExactly("blocker");
    for (CompletableFuture<Object> f : queued) {
      assertThatThrownBy(f::get).cause().isInstanceOf(CpuTaskRejectedException.class);
    }
    assertThatThrownBy(() -> running.get(20, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(InterruptedException.class);
    QueueStats s = stats.snapshot();
    assertThat(s.abandoned()).isEqualTo(5);
    assertThat(s.submitted()).isEqualTo(6);
  }

  @Test
  void call_fromPoolThread_runsInlineWithoutDeadlock() throws Exception {
    try (CpuExecutor cpu = start(1, 1, QueueStatsCounter.disabled())) {
      Object nested =
          cpu.submit("outer", () -> cpu.call("inner", () -> Thread.currentThread().getName()))
              .get(20, TimeUnit.SECONDS);
      assertThat((String) nested).startsWith("cpu-");
    }
  }

  @Test
  void submit_cancelledBeforeStart_isSkippedAndCountedAbandoned() throws Exception {
    RecordingStatsCounter stats = new RecordingStatsCounter();
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean ran = new AtomicBoolean();
    try (CpuExecutor cpu = start(1, 4, stats)) {
      cpu.submit("blocker", () -> release.await(30, TimeUnit.SECONDS));
      await().atMost(GENEROUS).until(() -> cpu.activeThreads() == 1);
      CompletableFuture<Object> victim = cpu.submit("victim", () -> ran.getAndSet(true));
      victim.cancel(false);
      release.countDown();
      await().atMost(GENEROUS).until(() -> stats.snapshot().abandoned() == 1);
    }
    assertThat(ran).isFalse();
    assertThat(stats.snapshot().succeeded()).isEqualTo(1);
  }

  @Test
  void gauges_idleExecutor_reportConfiguredBounds() {
    try (CpuExecutor cpu = start(3, 7, QueueStatsCounter.disabled())) {
      assertThat(cpu.threads()).isEqualTo(3);
      assertThat(cpu.queueCapacity()).isEqualTo(7);
      assertThat(cpu.queuedTasks()).isZero();
      assertThat(cpu.activeThreads()).isZero();
    }
  }
}
