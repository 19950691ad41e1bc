package dev.keycast.cli.internal;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;

/**
 * The daemon's Micrometer registry, exposed as Prometheus text on {@code /metrics}. Keycast's own
 * meters are named {@link #PREFIX}{@code .…} (Prometheus: {@code keycast_…}); JVM and process
 * meters keep their standard names ({@code jvm_…}, {@code process_…}, {@code system_…}). No meter
 * carries secrets, contents or user keys as tags.
 *
 * <p>Thread-safe.
 */
public final class KeycastMetrics implements AutoCloseable {
  /** The prefix of every Keycast meter name. */
  public static final String PREFIX = "keycast";

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc;

  private KeycastMetrics() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    gc = new JvmGcMetrics();
    gc.bindTo(registry);
    // Exact, unlike jvm_gc_memory_allocated_bytes (counted per young collection): every thread's
    // heap allocation since start, virtual threads' included (they allocate on their carriers).
    if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
        && threads.isThreadAllocatedMemorySupported()) {
      FunctionCounter.builder(
              name("jvm.allocated"),
              threads,
              com.sun.management.ThreadMXBean::getTotalThreadAllocatedBytes)
          .baseUnit("bytes")
          .description("Bytes allocated on the heap by all threads since the daemon started")
          .register(registry);
    }
  }

  /** Returns a registry with the JVM meters bound. */
  public static KeycastMetrics create() {
    return new KeycastMetrics();
  }

  /**
   * Returns the full meter name for a suffix.
   *
   * @param suffix the name after the prefix, dot-separated ({@code queue.depth})
   * @return {@code keycast.<suffix>}
   */
  public static String name(String suffix) {
    return PREFIX + "." + suffix;
  }

  /** Returns the registry to bind meters to. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Returns the Prometheus text exposition of every meter (may take a few milliseconds). */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
