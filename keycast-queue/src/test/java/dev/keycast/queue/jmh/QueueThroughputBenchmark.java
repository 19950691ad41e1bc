package dev.keycast.queue.jmh;

import dev.keycast.queue.ConcurrentQueueStatsCounter;
import dev.keycast.queue.QueuedTask;
import dev.keycast.queue.SubmitResult;
import dev.keycast.queue.WorkQueue;
import dev.keycast.queue.WorkQueueConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
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
 * Throughput of trivial tasks with 2 producers (the JMH threads) and N consumers: {@link WorkQueue}
 * (virtual-thread workers polling the shared bounded buffer) against an {@link ArrayBlockingQueue}
 * drained by N platform threads. All are bounded at {@value #CAPACITY}, so in steady state the
 * measured submission rate is the consumption rate (the backlog is at most {@value #CAPACITY} items
 * against millions per iteration).
 *
 * <p>A {@code WorkQueue} producer never blocks: on {@code REJECTED_FULL} it backs off ({@code
 * parkNanos(1 µs)}) and retries. {@code ABQ_PLATFORM_OFFER} gives the ABQ the same non-blocking
 * producer (like-for-like); {@code ABQ_PLATFORM_PUT} lets its producers block in {@code put}, the
 * ABQ's natural use.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(2)
public class QueueThroughputBenchmark {
  static final int CAPACITY = 1024;
  static final long BACK_OFF_NANOS = 1_000;

  /** The implementation under test. */
  public enum Impl {
    /**
     * dev.keycast.queue.WorkQueue with virtual-thread workers and no stats counter (no clock
     * reads).
     */
    WORK_QUEUE,
    /**
     * The same with a ConcurrentQueueStatsCounter (three clock reads and five LongAdder updates per
     * task).
     */
    WORK_QUEUE_STATS,
    /** ArrayBlockingQueue drained by platform threads; producers offer and back off when full. */
    ABQ_PLATFORM_OFFER,
    /** ArrayBlockingQueue drained by platform threads; producers block in put when full. */
    ABQ_PLATFORM_PUT
  }

  @Param({"WORK_QUEUE", "WORK_QUEUE_STATS", "ABQ_PLATFORM_OFFER", "ABQ_PLATFORM_PUT"})
  public Impl impl;

  @Param({"2", "16", "64"})
  public int consumers;

  final LongAdder done = new LongAdder();
  private WorkQueue workQueue;
  private QueuedTask queuedTask;
  private ArrayBlockingQueue<Runnable> abq;
  private Runnable runnable;
  private final List<Thread> platformConsumers = new ArrayList<>();

  @Setup(Level.Trial)
  public void setUp() {
    runnable = done::increment;
    queuedTask = QueuedTask.of("trivial", done::increment);
    switch (impl) {
      case WORK_QUEUE ->
          workQueue =
              WorkQueue.start(
                  WorkQueueConfig.builder()
                      .name("bench")
                      .workers(consumers)
                      .capacity(CAPACITY)
                      .build());
      case WORK_QUEUE_STATS ->
          workQueue =
              WorkQueue.start(
                  WorkQueueConfig.builder()
                      .name("bench")
                      .workers(consumers)
                      .capacity(CAPACITY)
                      .statsCounter(new ConcurrentQueueStatsCounter())
                      .build());
      case ABQ_PLATFORM_OFFER, ABQ_PLATFORM_PUT -> {
        abq = new ArrayBlockingQueue<>(CAPACITY);
        for (int i = 0; i < consumers; i++) {
          platformConsumers.add(
              Thread.ofPlatform()
                  .daemon(true)
                  .name("abq-consumer-" + i)
                  .start(
                      () -> {
                        try {
                          while (true) {
                            abq.take().run();
                          }
                        } catch (InterruptedException e) {
                          // stop
                        }
                      }));
        }
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    if (workQueue != null) {
      workQueue.shutdown(Duration.ofSeconds(30));
    }
    for (Thread t : platformConsumers) {
      t.interrupt();
      t.join();
    }
  }

  @Benchmark
  public void submitTrivialTask() throws InterruptedException {
    switch (impl) {
      case WORK_QUEUE, WORK_QUEUE_STATS -> {
        while (workQueue.submit(queuedTask) == SubmitResult.REJECTED_FULL) {
          LockSupport.parkNanos(BACK_OFF_NANOS);
        }
      }
      case ABQ_PLATFORM_OFFER -> {
        while (!abq.offer(runnable)) {
          LockSupport.parkNanos(BACK_OFF_NANOS);
        }
      }
      case ABQ_PLATFORM_PUT -> abq.put(runnable);
    }
  }
}
