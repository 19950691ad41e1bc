package dev.keycast.nip46.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LongSummaryStatistics;
import org.junit.jupiter.api.Test;

class ReconnectBackoffTest {
  private final ReconnectBackoff backoff =
      new ReconnectBackoff(Duration.ofMillis(500), Duration.ofSeconds(30));

  @Test
  void nominalDelay_doublesFromInitialUpToTheCap() {
    assertThat(backoff.nominalDelayMillis(1)).isEqualTo(500);
    assertThat(backoff.nominalDelayMillis(2)).isEqualTo(1_000);
    assertThat(backoff.nominalDelayMillis(3)).isEqualTo(2_000);
    assertThat(backoff.nominalDelayMillis(6)).isEqualTo(16_000);
    assertThat(backoff.nominalDelayMillis(7)).isEqualTo(30_000);
    assertThat(backoff.nominalDelayMillis(8)).isEqualTo(30_000);
  }

  @Test
  void nominalDelay_hugeOrLowAttempt_capOrInitialWithoutOverflow() {
    assertThat(backoff.nominalDelayMillis(64)).isEqualTo(30_000);
    assertThat(backoff.nominalDelayMillis(Integer.MAX_VALUE)).isEqualTo(30_000);
    assertThat(backoff.nominalDelayMillis(0)).isEqualTo(500);
    assertThat(backoff.nominalDelayMillis(-3)).isEqualTo(500);
    ReconnectBackoff wide =
        new ReconnectBackoff(Duration.ofMillis(1), Duration.ofMillis(Long.MAX_VALUE));
    assertThat(wide.nominalDelayMillis(62)).isEqualTo(1L << 61);
    assertThat(wide.nominalDelayMillis(Integer.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void nominalDelay_capNotAPowerOfTwoOfInitial_reachesTheCapExactly() {
    ReconnectBackoff b = new ReconnectBackoff(Duration.ofMillis(100), Duration.ofMillis(500));
    assertThat(b.nominalDelayMillis(3)).isEqualTo(400);
    assertThat(b.nominalDelayMillis(4)).isEqualTo(500);
  }

  @Test
  void delay_jitteredBetweenHalfAndAllOfTheNominalDelay() {
    for (int attempt : new int[] {1, 3, 7, 100}) {
      long nominal = backoff.nominalDelayMillis(attempt);
      LongSummaryStatistics stats = new LongSummaryStatistics();
      for (int i = 0; i < 5_000; i++) {
        stats.accept(backoff.delayMillis(attempt));
      }
      assertThat(stats.getMin()).as("attempt %d", attempt).isGreaterThanOrEqualTo(nominal / 2);
      assertThat(stats.getMax()).as("attempt %d", attempt).isLessThanOrEqualTo(nominal);
      // Spread over the range, not a constant: 5,000 uniform draws all in one tenth has probability
      // 0.9^5000.
      assertThat(stats.getMin()).as("attempt %d", attempt).isLessThan(nominal / 2 + nominal / 10);
      assertThat(stats.getMax()).as("attempt %d", attempt).isGreaterThan(nominal - nominal / 10);
    }
  }

  @Test
  void delay_oneMillisecond_staysWithinRange() {
    ReconnectBackoff tiny = new ReconnectBackoff(Duration.ofMillis(1), Duration.ofMillis(1));
    for (int i = 0; i < 100; i++) {
      assertThat(tiny.delayMillis(1)).isBetween(0L, 1L);
    }
  }

  @Test
  void create_invalidBounds_throws() {
    assertThatThrownBy(() -> new ReconnectBackoff(Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ReconnectBackoff(Duration.ofMillis(-1), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ReconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
