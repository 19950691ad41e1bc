package dev.keycast.nip46.bunker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keycast.nip46.bunker.ClusterHarness.Failure;
import dev.keycast.nip46.bunker.ClusterHarness.Load;
import dev.keycast.nip46.bunker.ClusterHarness.Member;
import dev.keycast.nip46.bunker.internal.Rendezvous;
import dev.keycast.nip46.client.Nip46Client;
import dev.keycast.nip46.store.ClusterStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Several cluster members in one JVM on one real PostgreSQL database (issue 12): each key answered
 * by one member, takeover after a crash, a clean stop and a cut database connection, a joining
 * member, and a random schedule checked against what each member believed it owned. Every request
 * must get exactly one reply event (identical re-publications are fine). Lease 1.5 s, heartbeat 250
 * ms here (the daemon uses 2 s / 500 ms).
 */
class ClusterPostgresTest {

  @Test
  void threeMembers_oneCrashes_survivorsTakeOver_everyRequestAnsweredOnce() throws Exception {
    try (ClusterHarness h = new ClusterHarness(6)) {
      Member a = h.start("a");
      Member b = h.start("b");
      Member c = h.start("c");
      h.awaitAllKeysOwned(Duration.ofSeconds(10));
      List<Nip46Client> clients = h.connectClients();
      Load load = new Load(clients, Duration.ofMillis(100));
      Thread.sleep(2000);
      Member victim =
          h.members.stream().filter(m -> !m.owned().isEmpty()).findFirst().orElseThrow();
      Set<String> lost = victim.owned();
      long crashedAt = System.nanoTime();
      h.crash(victim);
      h.awaitAllKeysOwned(Duration.ofSeconds(5));
      double failoverSeconds = (System.nanoTime() - crashedAt) / 1e9;
      Thread.sleep(3000);
      load.stop();
      assertThat(lost).isNotEmpty();
      assertThat(failoverSeconds).as("keys taken over after the crash").isLessThan(3.0);
      assertThat(load.failures.stream().filter(f -> !h.answeredByACrash(f)))
          .as("failed requests, but for retryable answers from the member being crashed")
          .isEmpty();
      assertThat(load.ok.get()).isGreaterThan(50);
      h.assertNoRequestAnsweredTwice();
      h.assertAtMostOneOwnerAtAnyInstant();
      for (Member m : h.members) {
        assertThat(m.bunker.cluster().orElseThrow().instances()).isEqualTo(2);
      }
      assertThat(List.of(a, b, c)).contains(victim);
    }
  }

  @Test
  void joiningMemberTakesItsShare_thenCleanStopHandsOver() throws Exception {
    try (ClusterHarness h = new ClusterHarness(8)) {
      h.start("a");
      Member b = h.start("b");
      h.awaitAllKeysOwned(Duration.ofSeconds(10));
      List<Nip46Client> clients = h.connectClients();
      Load load = new Load(clients, Duration.ofMillis(100));
      Thread.sleep(1000);
      Member c = h.start("c");
      // Within 10 s each member owns exactly the keys rendezvous hashing gives it.
      await("the joining member owns its share")
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> assignedAsExpected(h));
      assertThat(c.owned()).hasSize(expectedShare(h, c).size());
      Thread.sleep(1000);
      h.stop(b); // releases its keys: the others claim them at their next heartbeat
      h.awaitAllKeysOwned(Duration.ofSeconds(3));
      Thread.sleep(2000);
      load.stop();
      assertThat(load.failures).as("failed requests").isEmpty();
      h.assertNoRequestAnsweredTwice();
      h.assertAtMostOneOwnerAtAnyInstant();
    }
  }

  @Test
  void cutFromDatabase_fencesItself_othersTakeOver_thenRejoins() throws Exception {
    try (ClusterHarness h = new ClusterHarness(10)) {
      Member a = h.start("a");
      Member b = h.start("b");
      h.awaitAllKeysOwned(Duration.ofSeconds(10));
      // 10 keys over two members: each gets some (all 10 to one member has odds 2^-9)
      await().atMost(Duration.ofSeconds(10)).until(() -> !a.owned().isEmpty());
      List<Nip46Client> clients = h.connectClients();
      Load load = new Load(clients, Duration.ofMillis(100));
      Thread.sleep(1000);
      a.proxy.pause(); // a network partition: connections stay open, nothing passes
      await("the cut member fences itself")
          .atMost(Duration.ofSeconds(3))
          .until(() -> a.bunker.cluster().orElseThrow().fenced());
      assertThat(a.owned()).isEmpty();
      await("the other member takes every key")
          .atMost(Duration.ofSeconds(5))
          .until(() -> b.owned().size() == 10);
      Thread.sleep(1500);
      a.proxy.resume();
      await("the cut member rejoins and takes its share again")
          .atMost(Duration.ofSeconds(15))
          .until(() -> !a.owned().isEmpty() && assignedAsExpected(h));
      Thread.sleep(1000);
      load.stop();
      assertThat(a.bunker.cluster().orElseThrow().fencings()).isGreaterThanOrEqualTo(1);
      assertThat(load.failures).as("failed requests").isEmpty();
      h.assertNoRequestAnsweredTwice();
      h.assertAtMostOneOwnerAtAnyInstant();
    }
  }

  @Test
  void randomJoinsLeavesAndCrashes_neverTwoOwnersAtOnce() throws Exception {
    long seed = Long.getLong("keycast.cluster.seed", System.nanoTime());
    Random random = new Random(seed);
    try (ClusterHarness h = new ClusterHarness(10)) {
      h.start("m0");
      h.awaitAllKeysOwned(Duration.ofSeconds(10));
      List<Nip46Client> clients = h.connectClients();
      List<String> keys = h.keyHexes();
      Load load = new Load(clients, Duration.ofMillis(150), n -> ClusterStore.slotOf(keys.get(n)));
      int next = 1;
      List<String> schedule = new ArrayList<>();
      for (int step = 0; step < 8; step++) {
        int action = random.nextInt(3);
        if (h.members.size() <= 1 || (action == 0 && h.members.size() < 4)) {
          String name = "m" + next++;
          h.start(name);
          schedule.add(
              "join " + name + " at " + (System.nanoTime() - ClusterHarness.START) / 1_000_000);
        } else {
          Member m = h.members.get(random.nextInt(h.members.size()));
          if (action == 1) {
            h.stop(m);
            schedule.add(
                "stop " + m.name + " at " + (System.nanoTime() - ClusterHarness.START) / 1_000_000);
          } else {
            h.crash(m);
            schedule.add(
                "crash "
                    + m.name
                    + " at "
                    + (System.nanoTime() - ClusterHarness.START) / 1_000_000);
          }
        }
        Thread.sleep(300 + random.nextInt(1200));
      }
      h.awaitAllKeysOwned(Duration.ofSeconds(10));
      Thread.sleep(1000);
      load.stop();
      String context = "seed " + seed + ", schedule " + schedule;
      assertThat(h.beliefCount()).as(context).isGreaterThan(10);
      h.assertAtMostOneOwnerAtAnyInstant();
      h.assertNoRequestAnsweredTwice();
      // Two failures less than a lease apart can lose the requests only the failed members saw
      // (relays do not store kind 24133); the test counts those and requires every other answer.
      // A member being crashed may answer a request it was loading "unavailable, retry later" (the
      // harness cuts its database first) or "shutting down": answers a client may retry, counted.
      List<Failure> crashAnswers = load.failures.stream().filter(h::answeredByACrash).toList();
      List<Failure> owed =
          load.failures.stream()
              .filter(f -> !h.answeredByACrash(f))
              .filter(f -> h.owedAnAnswer(f.slot(), f.sentAt()))
              .toList();
      System.out.printf(
          "random schedule: %d answered, %d not answered with a result: %d retryable answers from"
              + " a member being crashed, %d lost with every member that received them; %s%n",
          load.ok.get(),
          load.failures.size(),
          crashAnswers.size(),
          load.failures.size() - crashAnswers.size() - owed.size(),
          context);
      assertThat(owed)
          .as("failed requests a member that received them lived to answer; " + context)
          .isEmpty();
      assertThat(load.ok.get()).as("answered requests").isGreaterThan(100);
    }
  }

  private static Set<String> expectedShare(ClusterHarness h, Member m) {
    List<Long> ids = h.members.stream().map(Member::memberId).toList();
    return h.keyHexes().stream()
        .filter(k -> Rendezvous.pick(k, ids) == m.memberId())
        .collect(Collectors.toSet());
  }

  private static boolean assignedAsExpected(ClusterHarness h) {
    for (Member m : h.members) {
      if (!m.owned().equals(expectedShare(h, m))) {
        return false;
      }
    }
    return true;
  }
}
