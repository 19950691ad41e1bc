package dev.keycast.nip46.bunker.internal;

import dev.keycast.nip46.server.BunkerStats;
import dev.keycast.nip46.server.BunkerStatsCounter;
import dev.keycast.nip46.server.EventRejectReason;
import dev.keycast.nip46.server.ResponseOutcome;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signer's own counters (for {@code Bunker.stats()}), forwarding every event to the embedder's
 * hook behind a guard: an exception thrown by the hook is logged (once per hook class and method,
 * then at debug) and swallowed. This guard is the only place in the pipeline that swallows
 * exceptions.
 *
 * <p>Thread-safe and non-blocking: {@link LongAdder}s in concurrent maps whose key sets are bounded
 * (reasons, outcomes and a bounded set of method labels).
 */
public final class StatsRecorder implements BunkerStatsCounter {
  private static final Logger LOG = LoggerFactory.getLogger(StatsRecorder.class);

  private final BunkerStatsCounter delegate;
  private final LongAdder accepted = new LongAdder();
  private final EnumMap<EventRejectReason, LongAdder> rejected =
      new EnumMap<>(EventRejectReason.class);
  private final ConcurrentHashMap<String, EnumMap<ResponseOutcome, LongAdder>> responses =
      new ConcurrentHashMap<>();
  private volatile boolean warned;

  /**
   * @param delegate the embedder's hook (guarded), or {@link BunkerStatsCounter#disabled()}
   */
  public StatsRecorder(BunkerStatsCounter delegate) {
    this.delegate = delegate;
    for (EventRejectReason r : EventRejectReason.values()) {
      rejected.put(r, new LongAdder()); // filled once here, read-only afterwards: safe to share
    }
  }

  @Override
  public void recordRejected(EventRejectReason reason) {
    Objects.requireNonNull(rejected.get(reason), "filled for every reason").increment();
    try {
      delegate.recordRejected(reason);
    } catch (RuntimeException e) {
      hookFailed(e);
    }
  }

  @Override
  public void recordResponse(String method, ResponseOutcome outcome, long latencyNanos) {
    EnumMap<ResponseOutcome, LongAdder> byOutcome =
        responses.computeIfAbsent(
            method,
            m -> {
              EnumMap<ResponseOutcome, LongAdder> counts = new EnumMap<>(ResponseOutcome.class);
              for (ResponseOutcome o : ResponseOutcome.values()) {
                counts.put(o, new LongAdder());
              }
              return counts;
            });
    Objects.requireNonNull(byOutcome.get(outcome), "filled for every outcome").increment();
    try {
      delegate.recordResponse(method, outcome, latencyNanos);
    } catch (RuntimeException e) {
      hookFailed(e);
    }
  }

  @Override
  public void recordAccepted() {
    accepted.increment();
    try {
      delegate.recordAccepted();
    } catch (RuntimeException e) {
      hookFailed(e);
    }
  }

  /** Returns a snapshot; may be an inconsistent view across counters. Never blocks. */
  public BunkerStats snapshot() {
    Map<EventRejectReason, Long> r = new EnumMap<>(EventRejectReason.class);
    rejected.forEach((k, v) -> r.put(k, v.sum()));
    Map<String, Map<ResponseOutcome, Long>> resp = new HashMap<>();
    responses.forEach(
        (method, byOutcome) -> {
          Map<ResponseOutcome, Long> m = new EnumMap<>(ResponseOutcome.class);
          byOutcome.forEach(
              (o, v) -> {
                long n = v.sum();
                if (n > 0) {
                  m.put(o, n);
                }
              });
          resp.put(method, m);
        });
    return new BunkerStats(accepted.sum(), r, resp);
  }

  private void hookFailed(RuntimeException e) {
    if (!warned) {
      warned = true;
      LOG.warn(
          "stats hook {} threw; ignoring (further failures logged at debug)",
          delegate.getClass().getName(),
          e);
    } else {
      LOG.debug("stats hook threw", e);
    }
  }
}
