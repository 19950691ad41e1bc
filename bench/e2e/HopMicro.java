// What one CPU-pool hop costs the daemon's process: 64 virtual workers (as the request workers) each hand K small
// CPU tasks per request to a CpuExecutor of 2 platform threads (as VerifyStage, DecryptStage, the handler and the
// seal each did with CpuExecutor.call), K = 4 (a warm sign_event before FrontStage and SealAhead) against K = 2
// (after); the same work per request either way (8 SHA-256 of 64 bytes), split over K calls. Process CPU
// (OperatingSystemMXBean) and allocated bytes per request, alternated 4 2 4 2 ... in one JVM after a warm-up.
// Two modes: saturated (the workers loop, so the pool threads never idle: the hop's bare cost) and paced (RATE
// requests per second, each on its own virtual thread, as the daemon under an offered load: threads park and are
// woken on every hop, which is what a hop costs the daemon at 1,000/s).
//   java -cp keycast.jar bench/e2e/HopMicro.java [ROUNDS] [RATE]
import dev.keycast.queue.*;
import java.lang.management.ManagementFactory;
import java.security.MessageDigest;
import java.util.concurrent.*;
import java.util.concurrent.atomic.AtomicInteger;

public class HopMicro {
  static volatile byte sink;

  static int work(int units) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    byte[] b = new byte[64];
    for (int i = 0; i < units; i++) b = java.util.Arrays.copyOf(md.digest(b), 64);
    sink = b[0];
    return b[0];
  }

  static double[] run(CpuExecutor cpu, int hops, int requests) throws Exception {
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    AtomicInteger left = new AtomicInteger(requests);
    int units = 8 / hops;
    long c0 = os.getProcessCpuTime(), b0 = mx.getTotalThreadAllocatedBytes();
    try (var workers = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int w = 0; w < 64; w++) {
        workers.submit(() -> {
          while (left.getAndDecrement() > 0) {
            for (int h = 0; h < hops; h++) cpu.call("hop", () -> work(units));
          }
          return null;
        });
      }
    }
    long c1 = os.getProcessCpuTime(), b1 = mx.getTotalThreadAllocatedBytes();
    return new double[] {(c1 - c0) / 1000.0 / requests, (b1 - b0) / (double) requests};
  }

  static double[] paced(CpuExecutor cpu, int hops, int requests, int rate) throws Exception {
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    int units = 8 / hops;
    long period = 1_000_000_000L / rate;
    long c0 = os.getProcessCpuTime(), b0 = mx.getTotalThreadAllocatedBytes();
    try (var workers = Executors.newVirtualThreadPerTaskExecutor()) {
      long next = System.nanoTime();
      for (int i = 0; i < requests; i++) {
        next += period;
        long wait;
        while ((wait = next - System.nanoTime()) > 0) java.util.concurrent.locks.LockSupport.parkNanos(wait);
        workers.submit(() -> {
          for (int h = 0; h < hops; h++) cpu.call("hop", () -> work(units));
          return null;
        });
      }
    }
    long c1 = os.getProcessCpuTime(), b1 = mx.getTotalThreadAllocatedBytes();
    return new double[] {(c1 - c0) / 1000.0 / requests, (b1 - b0) / (double) requests};
  }

  public static void main(String[] a) throws Exception {
    int rounds = a.length > 0 ? Integer.parseInt(a[0]) : 3;
    int rate = a.length > 1 ? Integer.parseInt(a[1]) : 1000;
    try (CpuExecutor cpu = CpuExecutor.start(CpuExecutorConfig.builder().name("hop").threads(2).build())) {
      run(cpu, 4, 100_000);
      run(cpu, 2, 100_000);
      for (int r = 0; r < rounds; r++) {
        for (int hops : new int[] {4, 2}) {
          double[] x = run(cpu, hops, 100_000);
          System.out.printf("saturated hops=%d cpu_us/request=%.1f bytes/request=%.0f%n", hops, x[0], x[1]);
        }
      }
      paced(cpu, 4, rate * 3, rate);
      paced(cpu, 2, rate * 3, rate);
      for (int r = 0; r < rounds; r++) {
        for (int hops : new int[] {4, 2}) {
          double[] x = paced(cpu, hops, rate * 5, rate);
          System.out.printf("paced %d/s hops=%d cpu_us/request=%.1f bytes/request=%.0f%n", rate, hops, x[0], x[1]);
        }
      }
    }
  }
}
