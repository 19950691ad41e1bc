package dev.keycast.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.nip46.server.ResponseOutcome;
import dev.keycast.nip46.server.TaskSnapshot;
import org.junit.jupiter.api.Test;

class ConsoleStatsTest {
  @Test
  void bucket_boundsAreUpperInclusive() {
    assertThat(ConsoleStats.bucket(0)).isZero();
    assertThat(ConsoleStats.bucket(50)).isZero();
    assertThat(ConsoleStats.bucket(51)).isEqualTo(1);
    assertThat(ConsoleStats.bucket(Long.MAX_VALUE)).isGreaterThan(ConsoleStats.bucket(60_000_000));
  }

  @Test
  void quantileMillis_p50AndP99OfAKnownHistogram() {
    long[] counts = new long[ConsoleStats.bucket(Long.MAX_VALUE) + 1];
    counts[ConsoleStats.bucket(1_000)] = 98; // 98 requests near 1 ms
    counts[ConsoleStats.bucket(100_000)] = 2; // 2 near 100 ms
    assertThat(ConsoleStats.quantileMillis(counts, 100, 0.50)).isBetween(1.0, 1.2);
    assertThat(ConsoleStats.quantileMillis(counts, 100, 0.98)).isBetween(1.0, 1.2);
    assertThat(ConsoleStats.quantileMillis(counts, 100, 0.99)).isBetween(100.0, 120.0);
  }

  @Test
  void group_everyOutcomeHasAChartedGroup() {
    for (ResponseOutcome o : ResponseOutcome.values()) {
      assertThat(ConsoleStats.GROUPS).contains(ConsoleStats.group(o));
    }
    assertThat(ConsoleStats.group(ResponseOutcome.PERMISSION_DENIED)).isEqualTo("denied");
    assertThat(ConsoleStats.group(ResponseOutcome.OVERLOADED)).isEqualTo("limited");
    assertThat(ConsoleStats.group(ResponseOutcome.AUTH_URL)).isEqualTo("approval");
  }

  @Test
  void busy_isTheShareOfThreadTimeBetweenTwoSnapshots() {
    TaskSnapshot.Pool before = new TaskSnapshot.Pool(0, 2, 1_000, 10_000);
    TaskSnapshot.Pool after = new TaskSnapshot.Pool(1, 2, 11_000, 20_000); // 10k busy of 2×10k
    assertThat(ConsoleStats.busy(before, after)).isEqualTo(0.5);
    assertThat(ConsoleStats.busy(after, after)).isZero();
  }
}
