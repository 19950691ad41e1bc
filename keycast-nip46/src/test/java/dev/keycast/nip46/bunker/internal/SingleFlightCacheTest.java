package dev.keycast.nip46.bunker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SingleFlightCacheTest {
  private final AtomicLong clock = new AtomicLong(0);

  @Test
  void get_concurrentMisses_loadOnce() throws Exception {
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    SingleFlightCache<String, String> cache =
        new SingleFlightCache<>(
            k -> {
              loads.incrementAndGet();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return Optional.of("v-" + k);
            },
            Duration.ofMinutes(1),
            Duration.ofSeconds(5),
            100,
            clock::get);
    List<Future<Optional<String>>> results = new ArrayList<>();
    try (var ex = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 64; i++) {
        results.add(ex.submit(() -> cache.get("k")));
      }
      // let all 64 callers pile up on the one load before releasing it
      while (cache.size() == 0) {
        Thread.onSpinWait();
      }
      release.countDown();
    }
    for (Future<Optional<String>> f : results) {
      assertThat(f.get()).contains("v-k");
    }
    assertThat(loads.get()).isEqualTo(1);
    assertThat(cache.loadCount()).isEqualTo(1);
  }

  @Test
  void get_miss_isCachedForNegativeTtl() {
    AtomicInteger loads = new AtomicInteger();
    SingleFlightCache<String, String> cache =
        new SingleFlightCache<>(
            k -> {
              loads.incrementAndGet();
              return Optional.empty();
            },
            Duration.ofMinutes(1),
            Duration.ofSeconds(5),
            100,
            clock::get);
    for (int i = 0; i < 10; i++) {
      assertThat(cache.get("nope")).isEmpty();
    }
    assertThat(loads.get()).isEqualTo(1);
    clock.addAndGet(Duration.ofSeconds(5).toNanos());
    assertThat(cache.get("nope")).isEmpty();
    assertThat(loads.get()).isEqualTo(2);
  }

  @Test
  void get_loaderThrows_notCachedAndRetried() {
    AtomicInteger loads = new AtomicInteger();
    SingleFlightCache<String, String> cache =
        new SingleFlightCache<>(
            k -> {
              if (loads.incrementAndGet() == 1) {
                throw new IllegalStateException("db down");
              }
              return Optional.of("ok");
            },
            Duration.ofMinutes(1),
            Duration.ofSeconds(5),
            100,
            clock::get);
    assertThatThrownBy(() -> cache.get("k"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("db down");
    assertThat(cache.get("k")).contains("ok");
    assertThat(loads.get()).isEqualTo(2);
  }

  @Test
  void invalidateAll_forcesReload() {
    AtomicInteger loads = new AtomicInteger();
    SingleFlightCache<String, Integer> cache =
        new SingleFlightCache<>(
            k -> Optional.of(loads.incrementAndGet()),
            Duration.ofMinutes(1),
            Duration.ofSeconds(5),
            100,
            clock::get);
    assertThat(cache.get("k")).contains(1);
    assertThat(cache.get("k")).contains(1);
    cache.invalidateAll();
    assertThat(cache.get("k")).contains(2);
  }

  @Test
  void get_positiveExpired_reloads() {
    AtomicInteger loads = new AtomicInteger();
    SingleFlightCache<String, Integer> cache =
        new SingleFlightCache<>(
            k -> Optional.of(loads.incrementAndGet()),
            Duration.ofSeconds(30),
            Duration.ofSeconds(5),
            100,
            clock::get);
    assertThat(cache.get("k")).contains(1);
    clock.addAndGet(Duration.ofSeconds(31).toNanos());
    assertThat(cache.get("k")).contains(2);
  }

  @Test
  void get_manyKeys_staysBounded() {
    SingleFlightCache<Integer, Integer> cache =
        new SingleFlightCache<>(
            Optional::of, Duration.ofMinutes(1), Duration.ofSeconds(5), 16, clock::get);
    for (int i = 0; i < 1000; i++) {
      cache.get(i);
    }
    assertThat(cache.size()).isLessThanOrEqualTo(16);
  }

  /** A value the test can watch for collection (stands for a decrypted key). */
  private static final class Secret {}

  /**
   * Issue 13 item 10: once an entry is invalidated, nothing in the cache may still reference its
   * value (it used to keep a "last good" copy of every value indefinitely).
   */
  @Test
  void invalidate_keepsNoReferenceToTheValue() throws Exception {
    SingleFlightCache<String, Secret> cache =
        new SingleFlightCache<>(
            k -> Optional.of(new Secret()),
            Duration.ofMinutes(1),
            Duration.ofSeconds(5),
            100,
            clock::get);
    WeakReference<Secret> loaded = new WeakReference<>(cache.get("k").orElseThrow());
    cache.invalidate("k");
    assertThat(collected(loaded)).as("the value is unreachable after invalidation").isTrue();
  }

  @Test
  void evictExpired_dropsExpiredValuesNobodyAskedForAgain() throws Exception {
    SingleFlightCache<String, Secret> cache =
        new SingleFlightCache<>(
            k -> Optional.of(new Secret()),
            Duration.ofSeconds(60),
            Duration.ofSeconds(5),
            100,
            clock::get);
    WeakReference<Secret> loaded = new WeakReference<>(cache.get("k").orElseThrow());
    cache.evictExpired();
    assertThat(cache.size()).isEqualTo(1); // not expired yet: kept
    clock.addAndGet(Duration.ofSeconds(61).toNanos());
    cache.evictExpired();
    assertThat(cache.size()).isZero();
    assertThat(collected(loaded)).as("the value is unreachable after expiry").isTrue();
  }

  /** Runs the collector until {@code ref} is cleared, a few times at most. */
  static boolean collected(WeakReference<?> ref) throws InterruptedException {
    for (int i = 0; i < 20 && ref.get() != null; i++) {
      System.gc();
      Thread.sleep(10);
    }
    return ref.get() == null;
  }
}
