package dev.keycast.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class QueuePressureTest {
  private final AtomicLong nanos = new AtomicLong(1_000);
  private final QueuePressure pressure = new QueuePressure(0.5, Duration.ofSeconds(10), nanos::get);

  private void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  @Test
  void raisedOnlyAfterTenSecondsAboveHalf() {
    assertThat(pressure.observe(600, 1000)).isFalse();
    advance(Duration.ofSeconds(9));
    assertThat(pressure.observe(900, 1000)).isFalse();
    advance(Duration.ofSeconds(1));
    assertThat(pressure.observe(501, 1000)).isTrue();
    assertThat(pressure.alerting()).isTrue();
    assertThat(pressure.message())
        .isEqualTo("request queue above 50% of capacity for 10 s or more");
  }

  @Test
  void exactlyHalfIsNotAbove_andOneSampleBelowRestartsTheWindow() {
    assertThat(pressure.observe(500, 1000)).isFalse();
    advance(Duration.ofSeconds(20));
    assertThat(pressure.observe(500, 1000)).isFalse();

    pressure.observe(700, 1000);
    advance(Duration.ofSeconds(8));
    pressure.observe(10, 1000); // drained for a moment
    advance(Duration.ofSeconds(1));
    assertThat(pressure.observe(700, 1000)).isFalse();
    advance(Duration.ofSeconds(9));
    assertThat(pressure.observe(700, 1000)).isFalse();
    advance(Duration.ofSeconds(1));
    assertThat(pressure.observe(700, 1000)).isTrue();
  }

  @Test
  void clearedByTheFirstSampleAtOrBelowHalf() {
    pressure.observe(800, 1000);
    advance(Duration.ofSeconds(10));
    assertThat(pressure.observe(800, 1000)).isTrue();
    assertThat(pressure.observe(500, 1000)).isFalse();
    assertThat(pressure.alerting()).isFalse();
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> new QueuePressure(0, Duration.ofSeconds(1), nanos::get))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new QueuePressure(0.5, Duration.ZERO, nanos::get))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new QueuePressure(1, Duration.ofSeconds(1), nanos::get).observe(5, 0)).isFalse();
  }
}
