package dev.keycast.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The benchmark-only switch that runs CPU work on the caller (bench/e2e/review.sh). */
class CpuExecutorBenchmarkSwitchTest {
  /** Returns {caller, thread the work ran on}. */
  private static Thread[] callFromVirtualThread(CpuExecutor cpu) throws Exception {
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    AtomicReference<Thread> caller = new AtomicReference<>();
    Thread t = Thread.ofVirtual().start(() -> {
      caller.set(Thread.currentThread());
      try {
        cpu.call("probe", () -> {
          ranOn.set(Thread.currentThread());
          return null;
        });
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
    assertThat(t.join(Duration.ofSeconds(20))).isTrue();
    assertThat(ranOn.get()).isNotNull();
    return new Thread[] {caller.get(), ranOn.get()};
  }

  @Test
  void call_propertySetAtStart_runsOnCallingThread() throws Exception {
    System.setProperty(CpuExecutor.BENCHMARK_CALLER_RUNS_PROPERTY, "true");
    CpuExecutor cpu;
    try {
      cpu = CpuExecutor.start(CpuExecutorConfig.builder().name("bench-cpu").threads(1).build());
    } finally {
      System.clearProperty(CpuExecutor.BENCHMARK_CALLER_RUNS_PROPERTY);
    }
    try (cpu) {
      Thread[] t = callFromVirtualThread(cpu);
      assertThat(t[1]).isSameAs(t[0]);
    }
  }

  @Test
  void call_propertyUnset_runsOnPoolThread() throws Exception {
    System.clearProperty(CpuExecutor.BENCHMARK_CALLER_RUNS_PROPERTY);
    try (CpuExecutor cpu = CpuExecutor.start(CpuExecutorConfig.builder().name("real-cpu").threads(1).build())) {
      Thread[] t = callFromVirtualThread(cpu);
      assertThat(t[1]).isNotSameAs(t[0]);
      assertThat(t[1].isVirtual()).isFalse();
      assertThat(t[1].getName()).startsWith("real-cpu-");
    }
  }
}
