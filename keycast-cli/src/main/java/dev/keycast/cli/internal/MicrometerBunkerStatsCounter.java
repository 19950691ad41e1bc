package dev.keycast.cli.internal;

import dev.keycast.nip46.Nip46Method;
import dev.keycast.nip46.server.BunkerStatsCounter;
import dev.keycast.nip46.server.EventRejectReason;
import dev.keycast.nip46.server.ResponseOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Micrometer adapter for the bunker's {@link BunkerStatsCounter}: {@code
 * keycast_bunker_accepted_total}, {@code keycast_bunker_rejected_total{reason}} and the timer
 * {@code keycast_bunker_requests{method,outcome}} (count, sum and max of the time from intake to
 * reply). Method tags are the known NIP-46 wire names; anything else a client sends is tagged
 * {@code unknown}, so a client cannot grow the tag space. Timers are created on first use.
 *
 * <p>Thread-safe; never blocks; never throws.
 */
public final class MicrometerBunkerStatsCounter implements BunkerStatsCounter {
  private static final String UNKNOWN = "unknown";
  private final Counter accepted;
  private final Map<EventRejectReason, Counter> rejected = new EnumMap<>(EventRejectReason.class);
  private final MeterRegistry registry;

  /**
   * Timers by "method outcome", created on first use; the key space is bounded (known methods ×
   * outcomes).
   */
  private final ConcurrentHashMap<String, Timer> responses = new ConcurrentHashMap<>();

  /**
   * @param registry where the meters go
   */
  public MicrometerBunkerStatsCounter(MeterRegistry registry) {
    accepted =
        Counter.builder(KeycastMetrics.name("bunker.accepted"))
            .description("request events that passed intake and entered the queue")
            .register(registry);
    for (EventRejectReason r : EventRejectReason.values()) {
      rejected.put(
          r,
          Counter.builder(KeycastMetrics.name("bunker.rejected"))
              .description("request events refused, by reason")
              .tag("reason", r.label())
              .register(registry));
    }
    this.registry = registry;
  }

  @Override
  public void recordAccepted() {
    accepted.increment();
  }

  @Override
  public void recordRejected(EventRejectReason reason) {
    Objects.requireNonNull(rejected.get(reason), "filled for every reason").increment();
  }

  @Override
  public void recordResponse(String method, ResponseOutcome outcome, long latencyNanos) {
    String m = Nip46Method.fromWireName(method).map(Nip46Method::wireName).orElse(UNKNOWN);
    Timer t =
        responses.computeIfAbsent(
            m + " " + outcome.label(),
            k ->
                Timer.builder(KeycastMetrics.name("bunker.requests"))
                    .description(
                        "requests answered, by method and outcome (time from intake to reply)")
                    .tag("method", m)
                    .tag("outcome", outcome.label())
                    .register(registry));
    t.record(Math.max(0, latencyNanos), TimeUnit.NANOSECONDS);
  }
}
