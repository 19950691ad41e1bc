package dev.keycast.nip46.bunker.internal;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A small loading cache with single-flight loads and negative caching.
 *
 * <ul>
 *   <li>Concurrent misses for one key run the loader once; the other callers wait for that load (on
 *       a virtual thread this parks without pinning) and share its result or its exception.
 *   <li>A load that finds nothing ({@link Optional#empty()}) is cached for the (short) negative
 *       TTL, so a flood of events for unknown keys costs one load per key per TTL, not one per
 *       event.
 *   <li>A load that throws is not cached: the next caller retries (a database outage must heal by
 *       itself).
 *   <li>{@link #invalidateAll()} drops everything; a load already in flight when it is called still
 *       answers its waiters but its result is not kept.
 *   <li>Nothing is kept beside the entries: once an entry is invalidated, expired and evicted
 *       ({@link #evictExpired}) or trimmed, the cache holds no reference to its value (values may
 *       be decrypted keys).
 * </ul>
 *
 * <p>Thread-safe. {@link #get} may block while a loader runs (the loader may do I/O): call it from
 * worker (virtual) threads, never from relay listener threads. No lock is held while the loader
 * runs.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class SingleFlightCache<K, V> {

  /**
   * A loaded entry.
   *
   * @param value what the loader found (empty: none)
   * @param expiresAtNanos when it expires, on the cache's clock
   * @param generation the invalidation generation it was loaded in
   */
  record Timed<V>(Optional<V> value, long expiresAtNanos, long generation) {}

  private final Function<K, Optional<V>> loader;
  private final long positiveTtlNanos;
  private final long negativeTtlNanos;
  private final int maxEntries;
  private final LongSupplier nanoClock;
  private final ConcurrentHashMap<K, CompletableFuture<Timed<V>>> entries =
      new ConcurrentHashMap<>();
  private final AtomicLong generation = new AtomicLong();
  private final AtomicLong loads = new AtomicLong();

  /**
   * @param loader loads a value, returning empty when the key has none; may block and may throw
   *     unchecked exceptions (not cached)
   * @param positiveTtl how long a found value is kept
   * @param negativeTtl how long a miss is kept
   * @param maxEntries the soft bound on entries
   * @param nanoClock a monotonic clock in nanoseconds
   */
  public SingleFlightCache(
      Function<K, Optional<V>> loader,
      Duration positiveTtl,
      Duration negativeTtl,
      int maxEntries,
      LongSupplier nanoClock) {
    if (positiveTtl.isNegative() || negativeTtl.isNegative() || maxEntries < 1) {
      throw new IllegalArgumentException("TTLs must be >= 0 and maxEntries >= 1");
    }
    this.loader = loader;
    this.positiveTtlNanos = positiveTtl.toNanos();
    this.negativeTtlNanos = negativeTtl.toNanos();
    this.maxEntries = maxEntries;
    this.nanoClock = nanoClock;
  }

  /**
   * Returns the value for {@code key}, loading it if absent or expired. Blocks while a load for the
   * key runs.
   *
   * @param key the key
   * @return the value, or empty when the loader found none
   * @throws RuntimeException whatever the loader threw (for every caller that waited on that load)
   */
  public Optional<V> get(K key) {
    while (true) {
      CompletableFuture<Timed<V>> existing = entries.get(key);
      if (existing != null) {
        Timed<V> t;
        try {
          t = existing.join();
        } catch (CompletionException e) {
          throw unwrap(e);
        }
        if (nanoClock.getAsLong() - t.expiresAtNanos() < 0) {
          return t.value();
        }
        entries.remove(key, existing);
        continue;
      }
      CompletableFuture<Timed<V>> mine = new CompletableFuture<>();
      if (entries.putIfAbsent(key, mine) != null) {
        continue;
      }
      return load(key, mine);
    }
  }

  /**
   * Returns the entry for {@code key} if it is loaded and fresh, without loading or waiting: null
   * when it is absent, still loading, failed or expired. Never blocks; never calls the loader.
   *
   * @param key the key
   * @return the entry, or null when only {@link #get} could answer
   */
  @Nullable Timed<V> peek(K key) {
    CompletableFuture<Timed<V>> f = entries.get(key);
    if (f == null || !f.isDone() || f.isCompletedExceptionally()) {
      return null;
    }
    Timed<V> t = f.join(); // done and not failed: never blocks, never throws
    return nanoClock.getAsLong() - t.expiresAtNanos() < 0 ? t : null;
  }

  /** Drops every entry. Loads in flight finish for their waiters but are not kept. Never blocks. */
  public void invalidateAll() {
    generation.incrementAndGet();
    entries.clear();
  }

  /**
   * Drops the entries whose key matches. Loads in flight finish for their waiters but are not kept.
   */
  public void invalidateIf(java.util.function.Predicate<K> matches) {
    generation.incrementAndGet();
    entries.keySet().removeIf(matches);
  }

  /**
   * Stores a freshly read value for {@code key}, replacing any entry, as if a load had just
   * returned it (same TTLs). For a caller that read the value from the backend itself, e.g. to keep
   * warm entries warm after an invalidation. Never blocks.
   *
   * @param key the key
   * @param value the value read, or empty for "none"
   */
  public void put(K key, Optional<V> value) {
    long ttl = value.isPresent() ? positiveTtlNanos : negativeTtlNanos;
    entries.put(
        key,
        CompletableFuture.completedFuture(
            new Timed<>(value, nanoClock.getAsLong() + ttl, generation.get())));
    if (entries.size() > maxEntries) {
      trim();
    }
  }

  /** Returns the keys of the entries held (loaded or loading), a weakly consistent snapshot. */
  public java.util.Set<K> keys() {
    return java.util.Set.copyOf(entries.keySet());
  }

  /** Drops one entry. Never blocks. */
  public void invalidate(K key) {
    generation.incrementAndGet();
    entries.remove(key);
  }

  /**
   * Drops the entries whose TTL has passed, so that a value (a decrypted key) is not kept longer
   * than the TTL says even if nobody asks for it again. Loads in flight are left alone. Never
   * blocks; costs one pass over the entries.
   */
  public void evictExpired() {
    long now = nanoClock.getAsLong();
    entries
        .values()
        .removeIf(
            f ->
                f.isDone()
                    && !f.isCompletedExceptionally()
                    && now - f.join().expiresAtNanos() >= 0);
  }

  /** Returns how many times the loader has run (for tests and metrics). */
  public long loadCount() {
    return loads.get();
  }

  /** Returns the number of entries held (loaded or loading). */
  public int size() {
    return entries.size();
  }

  private Optional<V> load(K key, CompletableFuture<Timed<V>> mine) {
    long gen = generation.get();
    Optional<V> value;
    try {
      loads.incrementAndGet();
      value = loader.apply(key);
    } catch (RuntimeException | Error e) {
      entries.remove(key, mine);
      mine.completeExceptionally(e);
      throw e;
    }
    long ttl = value.isPresent() ? positiveTtlNanos : negativeTtlNanos;
    mine.complete(new Timed<>(value, nanoClock.getAsLong() + ttl, gen));
    if (generation.get() != gen) {
      entries.remove(key, mine); // invalidated while loading: answer the waiters, keep nothing
    } else if (entries.size() > maxEntries) {
      trim();
    }
    return value;
  }

  private void trim() {
    long now = nanoClock.getAsLong();
    for (Iterator<Map.Entry<K, CompletableFuture<Timed<V>>>> it = entries.entrySet().iterator();
        it.hasNext() && entries.size() > maxEntries / 2; ) {
      CompletableFuture<Timed<V>> f = it.next().getValue();
      if (f.isDone() && (f.isCompletedExceptionally() || now - f.join().expiresAtNanos() >= 0)) {
        it.remove();
      }
    }
    for (Iterator<Map.Entry<K, CompletableFuture<Timed<V>>>> it = entries.entrySet().iterator();
        it.hasNext() && entries.size() > maxEntries; ) {
      if (it.next().getValue().isDone()) {
        it.remove();
      }
    }
  }

  private static RuntimeException unwrap(CompletionException e) {
    Throwable c = e.getCause();
    if (c instanceof RuntimeException re) {
      return re;
    }
    if (c instanceof Error err) {
      throw err;
    }
    return e;
  }
}
