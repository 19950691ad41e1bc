package dev.keycast.nip46.bunker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Rendezvous hashing: even spread, and only the keys of a joining or leaving member move. */
class RendezvousTest {
  private static final Random RANDOM = new Random(42);

  private static List<String> keys(int n) {
    List<String> out = new ArrayList<>();
    byte[] b = new byte[32];
    for (int i = 0; i < n; i++) {
      RANDOM.nextBytes(b);
      out.add(HexFormat.of().formatHex(b));
    }
    return out;
  }

  private static List<Long> members(int n) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(RANDOM.nextLong() & Long.MAX_VALUE);
    }
    return out;
  }

  @Test
  void spread_eachMemberWithinTwentyPercentOfTheMean() {
    List<String> keys = keys(3000);
    for (int n : new int[] {2, 3, 5, 10}) {
      List<Long> members = members(n);
      Map<Long, Integer> count = new HashMap<>();
      for (String k : keys) {
        count.merge(Rendezvous.pick(k, members), 1, Integer::sum);
      }
      double mean = keys.size() / (double) n;
      assertThat(count).hasSize(n);
      assertThat(count.values())
          .as("%d members: %s", n, count)
          .allSatisfy(c -> assertThat(Math.abs(c - mean)).isLessThan(0.2 * mean));
    }
  }

  @Test
  void join_movesOnlyKeysToTheNewMember_leave_movesOnlyTheLeaversKeys() {
    List<String> keys = keys(2000);
    List<Long> three = members(3);
    List<Long> four = new ArrayList<>(three);
    long joiner = RANDOM.nextLong() & Long.MAX_VALUE;
    four.add(joiner);
    Set<String> moved = new HashSet<>();
    for (String k : keys) {
      long before = Rendezvous.pick(k, three);
      long after = Rendezvous.pick(k, four);
      if (before != after) {
        assertThat(after).isEqualTo(joiner);
        moved.add(k);
      }
    }
    assertThat(moved.size()).isBetween(400, 600); // about a quarter
    // the member order does not matter
    List<Long> reversed = new ArrayList<>(four);
    java.util.Collections.reverse(reversed);
    for (String k : keys) {
      assertThat(Rendezvous.pick(k, reversed)).isEqualTo(Rendezvous.pick(k, four));
    }
  }
}
