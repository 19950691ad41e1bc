package dev.keycast.nip46.bunker.internal;

import dev.keycast.crypto.PublicKey;
import dev.keycast.nip46.policy.Policy;
import dev.keycast.nip46.policy.RateLimit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The policy's rate limit: a fixed-window request counter per (authorization, connected client)
 * enforcing the authorization's {@link Policy#rateLimit()}, run by the authorize stage before any
 * decryption, for connected clients only (a key that is not connected never gets an entry, so a
 * flood of junk keys cannot touch it). (The flood guard in front of it, {@link FloodGuard}, is a
 * token bucket per client key that applies whatever the policy.)
 *
 * <p>Memory is bounded, in O(1) per request: at most {@code maxClients} entries in an
 * access-ordered {@link LinkedHashMap}. When it is full, a new pair may replace the least recently
 * used entry only if that entry's window has passed (forgetting it changes nothing); otherwise the
 * new pair is refused (fail closed) until one has. No entry is ever dropped inside its window, so
 * no client's count is reset by other clients.
 *
 * <p>Thread-safe: one {@link ReentrantLock} held for a few map operations, never across I/O. Time
 * is passed in by the caller (for example {@link System#nanoTime()}), which keeps the class
 * deterministic under test.
 */
final class PolicyRateLimiter {
  private final int maxClients;
  private final ReentrantLock lock = new ReentrantLock();
  private final LinkedHashMap<Key, Window> windows = new LinkedHashMap<>(16, 0.75f, true);

  /** One client of one authorization. */
  private record Key(long authorizationId, PublicKey client) {}

  private static final class Window {
    long startNanos;
    long endNanos;
    int count;

    Window(long startNanos, long windowNanos) {
      this.startNanos = startNanos;
      this.endNanos = startNanos + windowNanos;
    }
  }

  /**
   * Creates a limiter.
   *
   * @param maxClients maximum number of (authorization, client) pairs tracked at once, at least 1
   * @throws IllegalArgumentException if {@code maxClients < 1}
   */
  public PolicyRateLimiter(int maxClients) {
    if (maxClients < 1) {
      throw new IllegalArgumentException("maxClients must be at least 1, got " + maxClients);
    }
    this.maxClients = maxClients;
  }

  /**
   * Counts one request of a connected client and says whether it is within the limit.
   *
   * @param authorizationId the authorization the client is connected through
   * @param client the requesting client (connected)
   * @param limit the limit to apply (normally the authorization's {@link Policy#rateLimit()})
   * @param nowNanos the current time from a monotonic clock, in nanoseconds
   * @return true if allowed; false if the client exceeded {@code limit.maxRequests()} in the
   *     current window, or if the limiter is full of clients inside their windows
   */
  public boolean tryAcquire(
      long authorizationId, PublicKey client, RateLimit limit, long nowNanos) {
    long windowNanos = limit.window().toNanos();
    Key key = new Key(authorizationId, client);
    lock.lock();
    try {
      Window w = windows.get(key);
      if (w == null) {
        if (windows.size() >= maxClients) {
          Map.Entry<Key, Window> eldest = windows.entrySet().iterator().next();
          if (nowNanos - eldest.getValue().endNanos < 0) {
            return false; // full of live windows: fail closed, reset nobody
          }
          windows.remove(eldest.getKey());
        }
        w = new Window(nowNanos, windowNanos);
        windows.put(key, w);
      } else if (nowNanos - w.startNanos >= windowNanos) {
        w.startNanos = nowNanos;
        w.endNanos = nowNanos + windowNanos;
        w.count = 0;
      }
      if (w.count < Integer.MAX_VALUE) {
        w.count++;
      }
      return w.count <= limit.maxRequests();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The number of pairs currently tracked.
   *
   * @return the number of tracked (authorization, client) pairs
   */
  public int trackedClients() {
    lock.lock();
    try {
      return windows.size();
    } finally {
      lock.unlock();
    }
  }
}
