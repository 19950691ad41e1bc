package dev.keycast.queue.jmh;

import dev.keycast.queue.CpuExecutor;
import dev.keycast.queue.CpuExecutorConfig;
import dev.keycast.queue.QueuedTask;
import dev.keycast.queue.SubmitResult;
import dev.keycast.queue.WorkQueue;
import dev.keycast.queue.WorkQueueConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * The production review's starvation scenario as a benchmark: the latency (p50/p99 via SampleTime)
 * of a light probe task submitted to the {@link WorkQueue} (64 workers) while a sustained CPU burst
 * runs. A feeder thread (standing in for the relay I/O thread) keeps {@value #BURST} signing
 * requests in flight at all times; each does {@value #SHA_ROUNDS} SHA-256 rounds (a stand-in for
 * signing, so this module does not depend on keycast-crypto).
 *
 * <p>{@code ON_WORKERS} is the faulty design (benchmark-only): the requests run their crypto on the
 * virtual-thread workers, so they hold the carrier threads and the probe waits behind them. {@code
 * CPU_EXECUTOR} is the design this module ships: the workers hand the crypto to the {@link
 * CpuExecutor} (default size: one platform thread per core) and wait unmounted, so a free worker
 * runs the probe on a free carrier at once.
 *
 * <p>(A variant where each request re-submits itself from its worker starves the probe outright in
 * the faulty design: the two workers holding the carriers never park, and continuations woken from
 * outside never run; the watchdog reported it. This version keeps the measurement bounded.)
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
public class CpuStarvationBenchmark {
  static final int BURST = 32;
  static final int SHA_ROUNDS = 5_000;

  /** Where the burst's crypto runs. */
  public enum Placement {
    /** On the CPU executor (the shipped design). */
    CPU_EXECUTOR,
    /** On the virtual-thread workers themselves (the faulty design, benchmark-only). */
    ON_WORKERS
  }

  @Param({"CPU_EXECUTOR", "ON_WORKERS"})
  public Placement placement;

  private WorkQueue queue;
  private CpuExecutor cpu;
  private Thread feeder;
  private volatile boolean bursting;

  @Setup(Level.Trial)
  public void setUp() {
    queue =
        WorkQueue.start(
            WorkQueueConfig.builder().name("starve").workers(64).capacity(4096).build());
    cpu = CpuExecutor.start(CpuExecutorConfig.builder().name("starve-cpu").build());
    bursting = true;
    Semaphore inFlight = new Semaphore(BURST);
    QueuedTask request =
        QueuedTask.of(
            "sign",
            () -> {
              try {
                if (placement == Placement.ON_WORKERS) {
                  shaRounds(SHA_ROUNDS);
                } else {
                  cpu.call("sign-crypto", () -> shaRounds(SHA_ROUNDS));
                }
              } finally {
                inFlight.release();
              }
            });
    feeder =
        Thread.ofPlatform()
            .daemon(true)
            .name("burst-feeder")
            .start(
                () -> {
                  try {
                    while (bursting) {
                      inFlight.acquire();
                      if (queue.submit(request) != SubmitResult.ACCEPTED) {
                        inFlight.release();
                      }
                    }
                  } catch (InterruptedException e) {
                    // stop
                  }
                });
  }

  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    bursting = false;
    feeder.interrupt();
    feeder.join();
    queue.shutdown(Duration.ofSeconds(30));
    cpu.shutdown(Duration.ofSeconds(30));
  }

  @Benchmark
  public void lightProbeLatency() throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    if (queue.submit(QueuedTask.of("probe", done::countDown)) != SubmitResult.ACCEPTED) {
      throw new IllegalStateException("probe refused");
    }
    done.await();
  }

  static byte[] shaRounds(int rounds) throws NoSuchAlgorithmException {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] buf = "burst".getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < rounds; i++) {
      buf = sha.digest(buf);
    }
    return buf;
  }
}
