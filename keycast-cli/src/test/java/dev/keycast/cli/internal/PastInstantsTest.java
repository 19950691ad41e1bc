package dev.keycast.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PastInstantsTest {
  private static final Instant NOW = Instant.parse("2026-12-02T15:00:00Z");

  @Test
  void parse_datesAndDateTimes_utc() {
    assertThat(PastInstants.parse("2026-01-31", NOW))
        .isEqualTo(Instant.parse("2026-01-31T00:00:00Z"));
    assertThat(PastInstants.parse("2026-01-31T12:30", NOW))
        .isEqualTo(Instant.parse("2026-01-31T12:30:00Z"));
    assertThat(PastInstants.parse("2026-01-31T12:30:00Z", NOW))
        .isEqualTo(Instant.parse("2026-01-31T12:30:00Z"));
    assertThat(PastInstants.parse("2026-01-31T12:30+02:00", NOW))
        .isEqualTo(Instant.parse("2026-01-31T10:30:00Z"));
  }

  @Test
  void parse_duration_isThatLongAgo() {
    assertThat(PastInstants.parse("90d", NOW)).isEqualTo(NOW.minus(Duration.ofDays(90)));
    assertThat(PastInstants.parse("PT1H", NOW)).isEqualTo(NOW.minus(Duration.ofHours(1)));
  }

  @Test
  void parse_garbage_throwsWithExamples() {
    for (String bad : new String[] {"yesterday", "2026-13-01", "2026-01-31T25:00", "0d", ""}) {
      assertThatThrownBy(() -> PastInstants.parse(bad, NOW))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("2026-01-31")
          .hasMessageContaining("90d");
    }
  }
}
