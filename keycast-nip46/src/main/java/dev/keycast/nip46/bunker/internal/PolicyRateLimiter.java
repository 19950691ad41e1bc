package dev.keycast.nip46.bunker.internal;

import dev.keycast.crypto.PublicKey;
import dev.keycast.nip46.policy.Policy;
import dev.keycast.nip46.policy.RateLimit;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The policy's rate limit: a per-client fixed-window request counter enforcing an authorization's
 * {@link Policy#rateLimit()}, run by the authorize stage before any decryption. (The flood guard in
 * front of it, {@link FloodGuard}, is a token bucket per client key that applies whatever the
 * policy.) Memory is bounded: at most {@code maxClients} entries; when full, entries whose window
 * has passed are dropped first, then arbitrary ones (a dropped client simply starts a new window).
 *
 * <p>Thread-safe and non-blocking (a per-key atomic update of a {@link ConcurrentHashMap}; no I/O,
 * no lock held across anything slow). Time is passed in by the caller (for example {@link
 * System#nanoTime()}), which keeps the class deterministic under test.
 */
final class PolicyRateLimiter {
  private final int maxClients;
  private final ConcurrentHashMap<PublicKey, Window> windows = new ConcurrentHashMap<>();

  private record Window(long startNanos, int count) {}

  /**
   * Creates a limiter.
   *
   * @param maxClients maximum number of clients tracked at once, at least 1
   * @throws IllegalArgumentException if {@code maxClients < 1}
   */
  public PolicyRateLimiter(int maxClients) {
    if (maxClients < 1) {
      throw new IllegalArgumentException("maxClients must be at least 1, got " + maxClients);
    }
    this.maxClients = maxClients;
  }

  /**
   * Counts one request and says whether it is within the limit.
   *
   * @param client the requesting client
   * @param limit the limit to apply (normally the authorization's {@link Policy#rateLimit()})
   * @param nowNanos the current time from a monotonic clock, in nanoseconds
   * @return true if allowed; false if the client exceeded {@code limit.maxRequests()} in the
   *     current window
   */
  public boolean tryAcquire(PublicKey client, RateLimit limit, long nowNanos) {
    long windowNanos = limit.window().toNanos();
    Window w =
        windows.compute(
            client,
            (k, old) -> {
              if (old == null || nowNanos - old.startNanos() >= windowNanos) {
                return new Window(nowNanos, 1);
              }
              return new Window(
                  old.startNanos(),
                  old.count() == Integer.MAX_VALUE ? old.count() : old.count() + 1);
            });
    if (windows.size() > maxClients) {
      evict(nowNanos, windowNanos, client);
    }
    return w.count() <= limit.maxRequests();
  }

  /**
   * The number of clients currently tracked (a snapshot; may be stale under concurrency).
   *
   * @return the number of tracked clients
   */
  public int trackedClients() {
    return windows.size();
  }

  private void evict(long nowNanos, long windowNanos, PublicKey keep) {
    windows.entrySet().removeIf(e -> nowNanos - e.getValue().startNanos() >= windowNanos);
    Iterator<PublicKey> it = windows.keySet().iterator();
    while (windows.size() > maxClients && it.hasNext()) {
      PublicKey k = it.next();
      if (!k.equals(keep)) {
        it.remove();
      }
    }
  }
}
