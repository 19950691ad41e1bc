package dev.keycast.nip46.bunker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class SeenEventsTest {
  @Test
  void firstSighting_sameKeyTwice_secondIsDuplicate() {
    SeenEvents seen = new SeenEvents(100, 60);
    assertThat(seen.firstSighting("x", 1000)).isTrue();
    assertThat(seen.firstSighting("x", 1001)).isFalse();
    assertThat(seen.firstSighting("y", 1001)).isTrue();
  }

  @Test
  void firstSighting_afterWindow_forgets() {
    SeenEvents seen = new SeenEvents(100, 60);
    seen.firstSighting("x", 1000);
    assertThat(seen.firstSighting("x", 1059)).isFalse();
    assertThat(seen.firstSighting("x", 1060)).isTrue();
  }

  @Test
  void firstSighting_overCapacity_evictsOldest() {
    SeenEvents seen = new SeenEvents(3, 600);
    for (String k : new String[] {"a", "b", "c", "d"}) {
      seen.firstSighting(k, 1000);
    }
    assertThat(seen.size()).isEqualTo(3);
    assertThat(seen.firstSighting("d", 1000)).isFalse();
    assertThat(seen.firstSighting("a", 1000)).isTrue();
  }

  @Test
  void firstSighting_concurrentSameKey_exactlyOneWins() throws Exception {
    SeenEvents seen = new SeenEvents(1000, 600);
    ConcurrentLinkedQueue<Boolean> results = new ConcurrentLinkedQueue<>();
    CountDownLatch go = new CountDownLatch(1);
    try (var ex = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 32; i++) {
        ex.submit(
            () -> {
              go.await();
              results.add(seen.firstSighting("same", 1000));
              return null;
            });
      }
      go.countDown();
    }
    assertThat(results).hasSize(32);
    assertThat(results.stream().filter(b -> b).count()).isEqualTo(1);
  }
}
