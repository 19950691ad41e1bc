package dev.keycast.nip46.bunker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

  @Test
  void lastKnown_survivesInvalidation_clearedByMiss() {
    AtomicInteger mode = new AtomicInteger();
    SingleFlightCache<String, String> cache =
        new SingleFlightCache<>(
            k ->
                switch (mode.get()) {
                  case 0 -> Optional.of("v1");
                  case 1 -> throw new IllegalStateException("down");
                  default -> Optional.empty();
                },
            Duration.ofMinutes(1),
            Duration.ofSeconds(5),
            100,
            clock::get);
    assertThat(cache.lastKnown("k")).isEmpty();
    assertThat(cache.get("k")).contains("v1");
    cache.invalidateAll();
    mode.set(1);
    assertThatThrownBy(() -> cache.get("k")).isInstanceOf(IllegalStateException.class);
    assertThat(cache.lastKnown("k")).contains("v1");
    mode.set(2);
    assertThat(cache.get("k")).isEmpty();
    assertThat(cache.lastKnown("k")).isEmpty();
  }
}
