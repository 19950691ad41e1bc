package dev.keycast.nip46.bunker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.nip46.store.AesGcmKeyEncryption;
import dev.keycast.nip46.store.ClusterStore;
import dev.keycast.nip46.store.MasterKey;
import dev.keycast.nip46.testing.TestDatabase;
import dev.keycast.nip46.testing.TestDatabase.Backend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Cluster members whose heartbeats the test runs one at a time: in the order that once lost a
 * request (every slot must reach its rendezvous (HRW) target within a heartbeat of its release),
 * and a takeover whose held requests must run as soon as their slots are won.
 */
class ClusterNodeTest {
  private static final Duration LEASE = Duration.ofSeconds(60); // no lease ends during the test

  private static ClusterNode node(ClusterStore store, String id) {
    ClusterNode.Settings s =
        new ClusterNode.Settings(
            id,
            Duration.ofMillis(500),
            LEASE,
            Duration.ofMillis(300),
            Duration.ofSeconds(15),
            100,
            false);
    return new ClusterNode(store, s, List::of, () -> 0);
  }

  private static long id(ClusterNode n) {
    return n.status().memberId();
  }

  /** Slots without a live owner, or owned by another member than their HRW target. */
  private static List<Integer> misplaced(ClusterStore store, List<Long> live) {
    List<Integer> out = new ArrayList<>();
    for (ClusterStore.SlotOwner o : store.slotOwners()) {
      if (o.ownerMember() != Rendezvous.pickSlot(o.slot(), live)) {
        out.add(o.slot());
      }
    }
    return out;
  }

  /**
   * a owns everything; b joins and a releases b's share; c joins after that release, so b (not c)
   * is the heir of those slots, c's share among them included. c claims what a releases to it and
   * would call itself settled while b still holds c's share of the first release: when b hands that
   * on, c must take it at its very next heartbeat, not at the 30 s full check.
   */
  @ParameterizedTest
  @EnumSource(Backend.class)
  void joinJustAfterARelease_heirHandsOn_targetTakesItAtItsNextHeartbeat(Backend backend)
      throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      ClusterStore store = t.open(AesGcmKeyEncryption.create(MasterKey.random())).cluster();
      ClusterNode a = node(store, "a");
      a.enter();
      assertThat(a.slotsOwned()).isEqualTo(ClusterStore.SLOTS);
      ClusterNode b = node(store, "b");
      b.enter(); // a still owns b's share: b waits
      a.tick(); // releases b's share
      Thread.sleep(20); // database clock: c joins strictly after that release
      ClusterNode c = node(store, "c");
      c.enter(); // b is the heir of the first release; a still owns c's share of the rest
      a.tick(); // releases b's and c's shares of what it still owns (c may claim these)
      c.tick(); // claims them; c's share of the first release waits for b
      b.tick(); // claims the first release whole (it is the heir), hands c's share on next
      b.tick(); // releases c's share
      c.tick(); // must claim it now
      b.tick();
      a.tick();
      List<Long> live = List.of(id(a), id(b), id(c));
      assertThat(misplaced(store, live)).as("slots not owned by their HRW target").isEmpty();
      assertThat(a.slotsOwned() + b.slotsOwned() + c.slotsOwned()).isEqualTo(ClusterStore.SLOTS);
      for (ClusterNode n : List.of(a, b, c)) {
        n.stopAnswering();
        n.leave();
      }
    }
  }

  /**
   * b holds a request for a key of a, which dies; b's takeover claims all 16,384 slots, 16
   * statements. The held request's slot goes in the first statement and the request runs right
   * after it: it once ran after the last, and b, the only member that had seen it, crashed in
   * between (the random-schedule test, three seeds on 2026-12-04).
   */
  @ParameterizedTest
  @EnumSource(Backend.class)
  void takeover_runsHeldRequestsAfterTheFirstClaimStatement(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend);
        StageFixture fx = new StageFixture("social")) {
      ClusterStore real = t.open(AesGcmKeyEncryption.create(MasterKey.random())).cluster();
      AtomicInteger claims = new AtomicInteger();
      ClusterStore store = new ClaimCounting(real, claims);
      ClusterNode.Settings quick =
          new ClusterNode.Settings(
              "a",
              Duration.ofMillis(50),
              Duration.ofMillis(200),
              Duration.ofMillis(50),
              Duration.ofSeconds(15),
              100,
              false);
      ClusterNode a = new ClusterNode(store, quick, List::of, () -> 0);
      a.enter();
      Thread.sleep(20); // database clock: b joins after a's last heartbeat
      ClusterNode b = node(store, "b");
      List<Integer> claimsAtReplay = new CopyOnWriteArrayList<>();
      b.replayTo(task -> claimsAtReplay.add(claims.get()));
      b.enter(); // a owns everything and never releases: b claims nothing
      assertThat(b.slotsOwned()).isZero();
      RequestTask held = fx.task(fx.request("{\"id\":\"1\",\"method\":\"ping\",\"params\":[]}"));
      b.hold(held);
      a.abandon(); // dies without releasing
      Thread.sleep(300); // a's lease ends
      claims.set(0);
      b.tick();
      assertThat(b.slotsOwned()).isEqualTo(ClusterStore.SLOTS);
      assertThat(claims.get()).as("claim statements").isGreaterThan(1);
      assertThat(claimsAtReplay)
          .as("claim statements made when the held request ran")
          .containsExactly(1);
      b.stopAnswering();
      b.leave();
    }
  }

  /** The real store, counting the claim statements. */
  private record ClaimCounting(ClusterStore store, AtomicInteger claims) implements ClusterStore {
    @Override
    public void join(long memberId, String instanceId, Duration lease, long appliedVersion) {
      store.join(memberId, instanceId, lease, appliedVersion);
    }

    @Override
    public boolean renew(long memberId, Duration lease, long appliedVersion) {
      return store.renew(memberId, lease, appliedVersion);
    }

    @Override
    public int removeExpired(Duration after) {
      return store.removeExpired(after);
    }

    @Override
    public List<Member> members() {
      return store.members();
    }

    @Override
    public List<SlotOwner> slotOwners() {
      return store.slotOwners();
    }

    @Override
    public Map<Integer, Long> claim(Collection<Integer> slots, long memberId) {
      claims.incrementAndGet();
      return store.claim(slots, memberId);
    }

    @Override
    public void release(Collection<Integer> slots, long memberId) {
      store.release(slots, memberId);
    }

    @Override
    public void leave(long memberId) {
      store.leave(memberId);
    }
  }
}
