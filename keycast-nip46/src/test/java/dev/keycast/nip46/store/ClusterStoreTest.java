package dev.keycast.nip46.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.nip46.testing.TestDatabase;
import dev.keycast.nip46.testing.TestDatabase.Backend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The slot table: batch claims and releases, and what a claim may take. */
class ClusterStoreTest {
  private final KeyEncryption encryption = AesGcmKeyEncryption.create(MasterKey.random());

  private static List<Integer> range(int from, int to) {
    return IntStream.range(from, to).boxed().toList();
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void claim_everySlotAtOnce_thenNoneForAnother_thenReleasedOnesExactly(Backend backend)
      throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      ClusterStore c = t.open(encryption).cluster();
      assertThat(c.slotOwners()).hasSize(ClusterStore.SLOTS);
      c.join(1, "a", Duration.ofSeconds(30), 0);
      c.join(2, "b", Duration.ofSeconds(30), 0);
      Map<Integer, Long> all = c.claim(range(0, ClusterStore.SLOTS), 1);
      assertThat(all).hasSize(ClusterStore.SLOTS).containsValue(1L);
      assertThat(c.claim(range(0, ClusterStore.SLOTS), 2)).isEmpty(); // a's lease is live
      List<Integer> some = new ArrayList<>(range(100, 1337));
      some.addAll(range(5000, 5024));
      c.release(some, 2); // not b's: nothing happens
      assertThat(c.claim(some, 2)).isEmpty();
      c.release(some, 1);
      Map<Integer, Long> taken = c.claim(range(0, ClusterStore.SLOTS), 2);
      assertThat(taken.keySet()).containsExactlyInAnyOrderElementsOf(some);
      assertThat(taken.values()).containsOnly(2L); // second claim of each: token 2
      Set<Integer> byB = new HashSet<>();
      for (ClusterStore.SlotOwner o : c.slotOwners()) {
        if (o.ownerMember() == 2) {
          byB.add(o.slot());
        } else {
          assertThat(o.ownerMember()).isEqualTo(1);
        }
      }
      assertThat(byB).containsExactlyInAnyOrderElementsOf(some);
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void claim_slotsOfAnEndedLease_areTaken_leave_releasesEverySlot(Backend backend)
      throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      ClusterStore c = t.open(encryption).cluster();
      c.join(1, "a", Duration.ofMillis(200), 0);
      c.join(2, "b", Duration.ofSeconds(30), 0);
      assertThat(c.claim(range(0, 3000), 1)).hasSize(3000);
      Thread.sleep(400); // a's lease ends (database clock)
      assertThat(c.renew(1, Duration.ofSeconds(30), 0)).isFalse();
      assertThat(c.claim(range(0, 4000), 2)).hasSize(4000);
      c.leave(2);
      assertThat(c.slotOwners()).allSatisfy(o -> assertThat(o.ownerMember()).isZero());
    }
  }

  @Test
  void slotOf_isStableAndInRange() {
    assertThat(ClusterStore.slotOf("0000000000000000" + "0".repeat(48)))
        .isBetween(0, ClusterStore.SLOTS - 1);
    String k = "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
    assertThat(ClusterStore.slotOf(k)).isEqualTo(ClusterStore.slotOf(k.toUpperCase()));
  }
}
