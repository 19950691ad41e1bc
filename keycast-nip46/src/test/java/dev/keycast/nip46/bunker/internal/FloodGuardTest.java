package dev.keycast.nip46.bunker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycast.nip46.bunker.internal.FloodGuard.Decision;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FloodGuardTest {
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);

  @Test
  void acquire_withinBurst_allows() {
    FloodGuard rl = new FloodGuard(3, 1.0, 100, clock::get);
    assertThat(rl.acquire("a")).isEqualTo(Decision.ALLOW);
    assertThat(rl.acquire("a")).isEqualTo(Decision.ALLOW);
    assertThat(rl.acquire("a")).isEqualTo(Decision.ALLOW);
  }

  @Test
  void acquire_overBurst_repliesThenGoesSilent() {
    FloodGuard rl = new FloodGuard(2, 1.0, 100, clock::get);
    rl.acquire("a");
    rl.acquire("a");
    assertThat(rl.acquire("a")).isEqualTo(Decision.LIMIT_AND_REPLY);
    assertThat(rl.acquire("a")).isEqualTo(Decision.LIMIT_AND_REPLY);
    assertThat(rl.acquire("a")).isEqualTo(Decision.LIMIT_AND_REPLY);
    assertThat(rl.acquire("a")).isEqualTo(Decision.LIMIT_SILENTLY);
  }

  @Test
  void acquire_otherKey_hasOwnBucket() {
    FloodGuard rl = new FloodGuard(1, 1.0, 100, clock::get);
    assertThat(rl.acquire("a")).isEqualTo(Decision.ALLOW);
    assertThat(rl.acquire("a")).isEqualTo(Decision.LIMIT_AND_REPLY);
    assertThat(rl.acquire("b")).isEqualTo(Decision.ALLOW);
  }

  @Test
  void acquire_afterRefill_allowsAgain() {
    FloodGuard rl = new FloodGuard(1, 2.0, 100, clock::get);
    assertThat(rl.acquire("a")).isEqualTo(Decision.ALLOW);
    assertThat(rl.acquire("a")).isNotEqualTo(Decision.ALLOW);
    clock.addAndGet(500_000_000L); // half a second at 2/s = one token
    assertThat(rl.acquire("a")).isEqualTo(Decision.ALLOW);
    assertThat(rl.acquire("a")).isNotEqualTo(Decision.ALLOW);
  }

  @Test
  void acquire_manyKeys_staysBounded() {
    FloodGuard rl = new FloodGuard(1, 1.0, 10, clock::get);
    for (int i = 0; i < 1000; i++) {
      rl.acquire("k" + i);
    }
    assertThat(rl.trackedKeys()).isLessThanOrEqualTo(10);
    clock.addAndGet(10_000_000_000L);
    assertThat(rl.acquire("fresh")).isEqualTo(Decision.ALLOW);
    assertThat(rl.trackedKeys()).isLessThanOrEqualTo(10);
  }

  @Test
  void constructor_badLimits_throw() {
    assertThatThrownBy(() -> new FloodGuard(0, 1, 1, clock::get))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FloodGuard(1, 0, 1, clock::get))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void acquire_floodOfFreshKeysWhileFull_neverResetsATrackedKey() {
    FloodGuard rl = new FloodGuard(2, 1.0, 2, clock::get);
    rl.acquire("a");
    rl.acquire("a");
    rl.acquire("b");
    for (int i = 0; i < 100; i++) {
      rl.acquire("junk" + i); // full, nobody idle: the junk shares the overflow bucket
    }
    assertThat(rl.trackedKeys()).isEqualTo(2);
    assertThat(rl.acquire("a")).isNotEqualTo(Decision.ALLOW); // a's bucket was not reset
    clock.addAndGet(4_000_000_000L); // past a full refill of both buckets: a and b are idle
    assertThat(rl.acquire("fresh")).isEqualTo(Decision.ALLOW);
    assertThat(rl.trackedKeys()).isEqualTo(2);
  }
}
