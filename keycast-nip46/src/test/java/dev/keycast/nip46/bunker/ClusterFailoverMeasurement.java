package dev.keycast.nip46.bunker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.nip46.EventTemplate;
import dev.keycast.nip46.bunker.ClusterHarness.Member;
import dev.keycast.nip46.client.Nip46Client;
import dev.keycast.nip46.client.Nip46Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Failover figures for docs/cluster.md, not a test (it asserts only that every request was
 * answered): three members, 20 times the one owning keys is killed (connections cut, no release)
 * and replaced; measures how long until the survivors own every key, and how long a sign_event sent
 * right after the kill to a key the victim owned takes to be answered. Run with {@code
 * -Dkeycast.measure=true -Dtest=ClusterFailoverMeasurement}; uses the daemon's timing (heartbeat
 * 500 ms, lease 2 s) unless {@code -Dkeycast.measure.fast=true}.
 */
@EnabledIfSystemProperty(named = "keycast.measure", matches = "true")
class ClusterFailoverMeasurement {

  @Test
  void twentyKills() throws Exception {
    int kills = Integer.getInteger("keycast.measure.kills", 20);
    try (ClusterHarness h = new ClusterHarness(6)) {
      h.start("m0");
      h.start("m1");
      h.start("m2");
      h.awaitAllKeysOwned(Duration.ofSeconds(10));
      List<Nip46Client> clients = h.connectClients();
      List<Double> ownedAfter = new ArrayList<>();
      List<Double> answeredAfter = new ArrayList<>();
      int next = 3;
      for (int i = 0; i < kills; i++) {
        h.awaitAllKeysOwned(Duration.ofSeconds(10));
        Member victim =
            h.members.stream().filter(m -> !m.owned().isEmpty()).findFirst().orElseThrow();
        Set<String> lost = victim.owned();
        int keyIndex = h.keyHexes().indexOf(lost.iterator().next());
        long t0 = System.nanoTime();
        h.crash(victim);
        var reply =
            clients
                .get(keyIndex)
                .signEvent(
                    new EventTemplate(
                        1, "failover " + i, List.of(), System.currentTimeMillis() / 1000));
        h.awaitAllKeysOwned(Duration.ofSeconds(10));
        ownedAfter.add((System.nanoTime() - t0) / 1e9);
        Nip46Result r = reply.get(15, TimeUnit.SECONDS);
        answeredAfter.add((System.nanoTime() - t0) / 1e9);
        assertThat(r).isInstanceOf(Nip46Result.Success.class);
        h.start("m" + next++);
      }
      h.assertNoRequestAnsweredTwice();
      System.out.printf(
          "FAILOVER kills=%d keys-owned: median %.2f s, max %.2f s; request answered: median %.2f"
              + " s, max %.2f s%n",
          kills,
          median(ownedAfter),
          Collections.max(ownedAfter),
          median(answeredAfter),
          Collections.max(answeredAfter));
    }
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    return s.get(s.size() / 2);
  }
}
