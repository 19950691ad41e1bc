package dev.keycast.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keycast.queue.internal.StuckTaskWatchdog;
import dev.keycast.queue.internal.TaskSlot;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

class StuckTaskWatchdogTest {
  private static final Duration GENEROUS = Duration.ofSeconds(20);
  private static final int SEVERAL_SCANS = 4;

  @Test
  void watchdog_stuckWorkerTask_reportedOnceWithStackThenEnded() throws Exception {
    RecordingStatsCounter stats = new RecordingStatsCounter();
    CountDownLatch release = new CountDownLatch(1);
    try (WorkQueue q =
        WorkQueue.start(
            WorkQueueConfig.builder()
                .name("wd")
                .workers(2)
                .stuckThreshold(Duration.ofMillis(100))
                .statsCounter(stats)
                .build())) {
      q.submit(QueuedTask.of("stuck-io", () -> waitHereUntilReleased(release)));
      await().atMost(GENEROUS).until(() -> stats.stuck.size() == 1);
      StuckTask report = stats.stuck.getFirst();
      assertThat(report.taskName()).isEqualTo("stuck-io");
      assertThat(report.poolName()).isEqualTo("wd");
      assertThat(report.threadName()).startsWith("wd-worker-");
      assertThat(report.runningFor()).isGreaterThanOrEqualTo(Duration.ofMillis(100));
      assertThat(report.stackTrace())
          .anyMatch(f -> f.getMethodName().equals("waitHereUntilReleased"));
      assertThat(report.formattedStack()).contains("waitHereUntilReleased");
      // Still stuck for several more scans: reported once only.
      long scans = q.watchdogScans();
      await().atMost(GENEROUS).until(() -> q.watchdogScans() >= scans + SEVERAL_SCANS);
      assertThat(stats.stuck).hasSize(1);
      assertThat(stats.ended).isEmpty();
      release.countDown();
      await().atMost(GENEROUS).until(() -> stats.ended.size() == 1);
      assertThat(stats.ended.getFirst()).isSameAs(report);
    }
    assertThat(stats.snapshot().stuckReported()).isEqualTo(1);
    assertThat(stats.snapshot().stuckEnded()).isEqualTo(1);
  }

  @Test
  void watchdog_sameTaskObjectRunOverAndOver_notStuckUntilOneRunLasts() throws Exception {
    // An untimed queue publishes the caller's task object itself, and a caller may submit one
    // instance many times:
    // the watchdog must tell the runs apart, not see one endless run.
    RecordingStatsCounter stats = new RecordingStatsCounter();
    TaskSlot slot = new TaskSlot();
    slot.bindOwner(Thread.currentThread());
    QueuedTask same = QueuedTask.of("same-instance", () -> {});
    StuckTaskWatchdog watchdog =
        new StuckTaskWatchdog(
            "repeat", Duration.ofMillis(60), false, stats, List.of(slot)); // scans every 15 ms
    watchdog.start();
    try {
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(600);
      while (System.nanoTime()
          < until) { // ten threshold lengths of back-to-back 2 ms runs of the same object
        slot.startUntracked(same);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        slot.clear();
      }
      assertThat(stats.stuck).isEmpty();

      slot.startUntracked(same); // now one run that lasts
      await().atMost(GENEROUS).until(() -> stats.stuck.size() == 1);
      assertThat(stats.stuck.getFirst().taskName()).isEqualTo("same-instance");
      assertThat(stats.stuck.getFirst().threadName()).isEqualTo(Thread.currentThread().getName());
      slot.clear();
      slot.startUntracked(same); // ended, and the same object started again: the report must end
      await().atMost(GENEROUS).until(() -> stats.ended.size() == 1);
      slot.clear();
    } finally {
      watchdog.close();
    }
  }

  @Test
  void completedScans_whileRunning_growOnePeriodApart() {
    Duration threshold = Duration.ofMillis(60); // scans every 15 ms
    StuckTaskWatchdog watchdog =
        new StuckTaskWatchdog(
            "count", threshold, false, new RecordingStatsCounter(), List.of(new TaskSlot()));
    assertThat(watchdog.completedScans()).isZero();
    watchdog.start();
    try {
      long from = System.nanoTime();
      long n = watchdog.completedScans();
      await().atMost(GENEROUS).until(() -> watchdog.completedScans() >= n + 1 + SEVERAL_SCANS);
      // Scan n + 1 ended after `from`; each later one started at least a period after the previous
      // one ended.
      assertThat(System.nanoTime() - from)
          .isGreaterThanOrEqualTo(SEVERAL_SCANS * StuckTaskWatchdog.period(threshold).toNanos());
    } finally {
      watchdog.close();
    }
  }

  @Test
  void completedScans_pastThresholdAfterTaskStart_taskAlreadyReported() {
    RecordingStatsCounter stats = new RecordingStatsCounter();
    TaskSlot slot = new TaskSlot();
    slot.bindOwner(Thread.currentThread());
    Duration threshold = Duration.ofMillis(60);
    StuckTaskWatchdog watchdog =
        new StuckTaskWatchdog("past", threshold, false, stats, List.of(slot));
    watchdog.start();
    try {
      slot.startUntracked(QueuedTask.of("long-run", () -> {}));
      awaitScansPastThreshold(watchdog::completedScans, threshold);
      // No further wait: the documented count is enough for the report to have been made.
      assertThat(stats.stuck).extracting(StuckTask::taskName).containsExactly("long-run");
      slot.clear();
    } finally {
      watchdog.close();
    }
  }

  @Test
  void watchdog_fastWorkerTasks_staysQuiet() throws Exception {
    RecordingStatsCounter stats = new RecordingStatsCounter();
    try (WorkQueue q =
        WorkQueue.start(
            WorkQueueConfig.builder()
                .workers(4)
                .capacity(1000)
                .stuckThreshold(Duration.ofSeconds(1))
                .statsCounter(stats)
                .build())) {
      for (int round = 0; round < 5; round++) {
        for (int i = 0; i < 200; i++) {
          q.submit(QueuedTask.of("fast" + i, () -> {}));
        }
        // Let the watchdog scan (every 250 ms) across idle and busy slots.
        long scans = q.watchdogScans();
        await().atMost(GENEROUS).until(() -> q.watchdogScans() > scans);
      }
      await().atMost(GENEROUS).until(() -> stats.snapshot().completed() == 1000);
      awaitScansPastThreshold(q::watchdogScans, q.config().stuckThreshold());
    }
    assertThat(stats.stuck).isEmpty();
    assertThat(stats.ended).isEmpty();
  }

  @Test
  void watchdog_stuckCpuTask_reportedWithStackThenEnded() throws Exception {
    RecordingStatsCounter stats = new RecordingStatsCounter();
    AtomicBoolean stop = new AtomicBoolean();
    try (CpuExecutor cpu =
        CpuExecutor.start(
            CpuExecutorConfig.builder()
                .name("wdcpu")
                .threads(1)
                .stuckThreshold(Duration.ofMillis(100))
                .statsCounter(stats)
                .build())) {
      CompletableFuture<Long> f = cpu.submit("spin", () -> spinHereUntilStopped(stop));
      await().atMost(GENEROUS).until(() -> stats.stuck.size() == 1);
      StuckTask report = stats.stuck.getFirst();
      assertThat(report.taskName()).isEqualTo("spin");
      assertThat(report.poolName()).isEqualTo("wdcpu");
      assertThat(report.threadName()).startsWith("wdcpu-");
      assertThat(report.stackTrace())
          .anyMatch(fr -> fr.getMethodName().equals("spinHereUntilStopped"));
      stop.set(true);
      assertThat(f.get(20, TimeUnit.SECONDS)).isPositive();
      await().atMost(GENEROUS).until(() -> stats.ended.size() == 1);
    }
  }

  @Test
  void watchdog_fastCpuTasks_staysQuiet() throws Exception {
    RecordingStatsCounter stats = new RecordingStatsCounter();
    try (CpuExecutor cpu =
        CpuExecutor.start(
            CpuExecutorConfig.builder()
                .threads(2)
                .stuckThreshold(Duration.ofSeconds(1))
                .statsCounter(stats)
                .build())) {
      for (int i = 0; i < 500; i++) {
        cpu.submit("fast" + i, () -> 1);
      }
      await().atMost(GENEROUS).until(() -> stats.snapshot().completed() == 500);
      awaitScansPastThreshold(cpu::watchdogScans, cpu.config().stuckThreshold());
    }
    assertThat(stats.stuck).isEmpty();
  }

  /**
   * Waits until the watchdog has scanned every slot at least {@code threshold} after this call: a
   * task that started before the call and still runs (or is wrongly still seen as running) has been
   * reported by then.
   */
  private static void awaitScansPastThreshold(LongSupplier scans, Duration threshold) {
    long period = StuckTaskWatchdog.period(threshold).toNanos();
    long enough = scans.getAsLong() + 2 + (threshold.toNanos() + period - 1) / period;
    await().atMost(GENEROUS).until(() -> scans.getAsLong() >= enough);
  }

  private static void waitHereUntilReleased(CountDownLatch release) throws InterruptedException {
    release.await();
  }

  private static long spinHereUntilStopped(AtomicBoolean stop) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] buf = "spin".getBytes(StandardCharsets.UTF_8);
    long rounds = 0;
    while (!stop.get()) {
      buf = sha.digest(buf);
      rounds++;
    }
    return rounds;
  }
}
