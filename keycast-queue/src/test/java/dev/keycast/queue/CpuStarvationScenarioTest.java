package dev.keycast.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production review's scenario: a burst of CPU-bound requests must not starve a light I/O
 * request. With the crypto on the {@link CpuExecutor}, the workers wait (unmounted) and the probe
 * runs at once; the second test shows the faulty design (crypto on the workers) for contrast: the
 * carriers are all busy and the probe cannot even start.
 */
class CpuStarvationScenarioTest {
  private static final Logger LOG = LoggerFactory.getLogger(CpuStarvationScenarioTest.class);

  @Test
  void lightTask_cpuPoolSaturatedByBurst_completesPromptly() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger burnsFinished = new AtomicInteger();
    try (CpuExecutor cpu =
            CpuExecutor.start(CpuExecutorConfig.builder().threads(2).queueCapacity(64).build());
        WorkQueue q =
            WorkQueue.start(WorkQueueConfig.builder().workers(32).capacity(256).build())) {
      int burst = 12;
      for (int i = 0; i < burst; i++) {
        q.submit(
            QueuedTask.of(
                "sign" + i,
                () -> {
                  cpu.call("burn", () -> burnUntilStopped(stop));
                  burnsFinished.incrementAndGet();
                }));
      }
      // The CPU pool is saturated: both threads burning, the rest of the burst queued behind them.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> cpu.activeThreads() == 2 && cpu.queuedTasks() == burst - 2);
      assertThat(q.busyWorkers()).isEqualTo(burst);

      CountDownLatch probeDone = new CountDownLatch(1);
      long start = System.nanoTime();
      assertThat(
              q.submit(
                  QueuedTask.of(
                      "probe-io",
                      () -> {
                        Thread.sleep(1); // stands for a small database or relay round trip
                        probeDone.countDown();
                      })))
          .isEqualTo(SubmitResult.ACCEPTED);
      boolean prompt = probeDone.await(10, TimeUnit.SECONDS);
      long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
      LOG.info(
          "probe completed: {} after {} us, burst still running: {}",
          prompt,
          micros,
          cpu.activeThreads());

      assertThat(prompt).as("light task completes while the CPU burst goes on").isTrue();
      // Honest: the burst really was still going on when the probe finished.
      assertThat(stop).isFalse();
      assertThat(burnsFinished).hasValue(0);
      assertThat(cpu.activeThreads()).isEqualTo(2);
      stop.set(true);
      await().atMost(Duration.ofSeconds(30)).until(() -> burnsFinished.get() == burst);
    } finally {
      stop.set(true);
    }
  }

  @Test
  void lightTask_cryptoOnWorkersSaturatesCarriers_cannotStartUntilBurstEnds() throws Exception {
    int carriers =
        Integer.getInteger(
            "jdk.virtualThreadScheduler.parallelism", Runtime.getRuntime().availableProcessors());
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger burning = new AtomicInteger();
    try (WorkQueue q =
        WorkQueue.start(WorkQueueConfig.builder().workers(32).capacity(256).build())) {
      for (int i = 0; i < carriers + 2; i++) {
        q.submit(
            QueuedTask.of(
                "inline-sign" + i,
                () -> {
                  burning.incrementAndGet();
                  burnUntilStopped(stop); // the faulty design: crypto on the worker's carrier
                }));
      }
      // Once `carriers` burners run, every carrier is held by a loop that never yields.
      await().atMost(Duration.ofSeconds(30)).until(() -> burning.get() >= carriers);
      CountDownLatch probeDone = new CountDownLatch(1);
      q.submit(QueuedTask.of("probe-io", probeDone::countDown));
      assertThat(probeDone.await(1, TimeUnit.SECONDS))
          .as("probe starved by inline crypto")
          .isFalse();
      stop.set(true);
      assertThat(probeDone.await(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      stop.set(true);
    }
  }

  /** CPU-bound work standing in for signing: SHA-256 rounds until told to stop. */
  static long burnUntilStopped(AtomicBoolean stop) throws NoSuchAlgorithmException {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] buf = "burn".getBytes(StandardCharsets.UTF_8);
    long rounds = 0;
    while (!stop.get()) {
      buf = sha.digest(buf);
      rounds++;
    }
    return rounds;
  }
}
