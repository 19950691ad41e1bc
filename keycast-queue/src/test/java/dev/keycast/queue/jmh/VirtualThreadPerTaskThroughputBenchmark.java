package dev.keycast.queue.jmh;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * The third baseline for {@link QueueThroughputBenchmark}: {@code
 * Executors.newVirtualThreadPerTaskExecutor()}, one new virtual thread per trivial task, with the
 * same bound ({@value QueueThroughputBenchmark#CAPACITY} tasks in flight, a producer waits on a
 * semaphore when it is reached) and the same 2 producers. It has no consumer count.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(2)
public class VirtualThreadPerTaskThroughputBenchmark {
  final LongAdder done = new LongAdder();
  private ExecutorService executor;
  private Semaphore inFlight;
  private Runnable task;

  @Setup(Level.Trial)
  public void setUp() {
    executor = Executors.newVirtualThreadPerTaskExecutor();
    inFlight = new Semaphore(QueueThroughputBenchmark.CAPACITY);
    task =
        () -> {
          try {
            done.increment();
          } finally {
            inFlight.release();
          }
        };
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    executor.close();
  }

  @Benchmark
  public void submitTrivialTask() throws InterruptedException {
    inFlight.acquire();
    executor.execute(task);
  }
}
