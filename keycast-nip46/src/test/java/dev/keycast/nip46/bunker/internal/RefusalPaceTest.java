package dev.keycast.nip46.bunker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The overflow lane's token bucket, on a clock the test moves. */
class RefusalPaceTest {
  private long now = 1_000_000_000L;
  private final List<Long> sleeps = new ArrayList<>();

  private RefusalPace pace(int perSecond) {
    return new RefusalPace(
        perSecond,
        () -> now,
        nanos -> {
          sleeps.add(nanos);
          now += nanos;
        });
  }

  @Test
  void startsWithATwentiethOfASecondsWorth_thenWaitsForEachToken() {
    RefusalPace p = pace(1000); // burst 50
    assertThat(p.take(64)).isEqualTo(50);
    assertThat(sleeps).isEmpty();
    assertThat(p.take(64)).isEqualTo(1); // after a sleep of one token's time
    assertThat(sleeps).containsExactly(1_000_000L);
  }

  @Test
  void overTime_grantsTheRate_andNeverMoreThanAsked() {
    RefusalPace p = pace(3000);
    long start = now;
    long granted = 0;
    while (now - start < 10_000_000_000L) { // ten seconds of the test's clock
      int g = p.take(64);
      assertThat(g).isBetween(1, 64);
      granted += g;
    }
    // 30,000 in ten seconds, plus the initial burst of 150
    assertThat(granted).isBetween(30_000L, 30_151L);
    assertThat(p.take(3)).isBetween(1, 3);
  }

  @Test
  void idleTime_fillsTheBucketOnlyToItsBurst() {
    RefusalPace p = pace(1000);
    assertThat(p.take(50)).isEqualTo(50);
    now += 60_000_000_000L; // a minute idle
    assertThat(p.take(1000)).isEqualTo(50);
  }

  @Test
  void rejectsARateBelowOne() {
    assertThatThrownBy(() -> new RefusalPace(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
