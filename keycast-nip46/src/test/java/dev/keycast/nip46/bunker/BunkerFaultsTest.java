package dev.keycast.nip46.bunker;

import static dev.keycast.nip46.bunker.Fixture.note;
import static dev.keycast.nip46.bunker.Fixture.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.Filter;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.client.Nip46Client;
import dev.keycast.nip46.client.Nip46Result.Failure;
import dev.keycast.nip46.client.Nip46Result.Success;
import dev.keycast.nip46.relay.DevRelay;
import dev.keycast.nip46.relay.RelayListener;
import dev.keycast.nip46.relay.RelayPool;
import dev.keycast.nip46.relay.RelayState;
import dev.keycast.nip46.server.BunkerHealth;
import dev.keycast.nip46.server.BunkerStats;
import dev.keycast.nip46.server.EventRejectReason;
import dev.keycast.nip46.server.ResponseOutcome;
import dev.keycast.nip46.store.Authorization;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Relay and database faults against a running Bunker; each test has its own set-up. */
class BunkerFaultsTest {

  @Test
  void duplicateDeliveryOverThreeRelays_answeredOnce() throws Exception {
    try (Fixture fx = new Fixture(3, b -> {})) {
      Authorization a = fx.authorize("social", 1);
      Nip46Client c = fx.client(a);
      assertThat(result(c.connect(PermissionSet.empty()))).isEqualTo(new Success("ack"));
      // Observe every reply the bunker publishes, on all three relays.
      Set<String> replyIds = ConcurrentHashMap.newKeySet();
      RelayPool observer =
          RelayPool.create(
              Fixture.FAST_RECONNECT,
              new RelayListener() {
                @Override
                public void onEvent(String relayUrl, String subscriptionId, SignedEvent event) {
                  replyIds.add(event.id());
                }
              });
      try (observer) {
        observer.setRelays(fx.relayUrls());
        observer.subscribe(
            "obs",
            List.of(
                Filter.builder()
                    .kinds(24133)
                    .authors(List.of(a.bunkerPublicKey().toHex()))
                    .build()));
        await()
            .atMost(Fixture.WAIT)
            .until(
                () ->
                    observer.status().values().stream()
                            .filter(s -> s.state() == RelayState.CONNECTED)
                            .count()
                        == 3);
        await()
            .atMost(Fixture.WAIT)
            .until(
                () ->
                    c.relayStatus().values().stream()
                            .filter(s -> s.state() == RelayState.CONNECTED)
                            .count()
                        == 3);
        // The connect went out on three relays too: let its two copies be counted before taking the
        // baseline.
        await()
            .atMost(Fixture.WAIT)
            .until(() -> fx.bunker.stats().rejected(EventRejectReason.DUPLICATE) >= 2);
        BunkerStats before = fx.bunker.stats();
        long pongsBefore = before.responses("ping", ResponseOutcome.OK);
        long dupBefore = before.rejected(EventRejectReason.DUPLICATE);
        replyIds.clear();
        assertThat(result(c.ping())).isEqualTo(new Success("pong"));
        // The two extra copies are counted as duplicates: after that, nothing else can answer this
        // request.
        await()
            .atMost(Fixture.WAIT)
            .until(
                () ->
                    fx.bunker.stats().rejected(EventRejectReason.DUPLICATE) >= dupBefore + 2
                        && fx.bunker.stats().responses("ping", ResponseOutcome.OK)
                            >= pongsBefore + 1);
        assertThat(fx.bunker.stats().responses("ping", ResponseOutcome.OK))
            .isEqualTo(pongsBefore + 1);
        await().atMost(Fixture.WAIT).until(() -> !replyIds.isEmpty());
        assertThat(replyIds).hasSize(1);
      }
    }
  }

  @Test
  void oneOfThreeRelaysDead_serviceContinues() throws Exception {
    try (Fixture fx = new Fixture(3, b -> {})) {
      Authorization a = fx.authorize("social", 1);
      fx.relays.get(2).close();
      Nip46Client c = fx.client(a);
      assertThat(result(c.connect(PermissionSet.empty()))).isEqualTo(new Success("ack"));
      assertThat(result(c.signEvent(note(1, "still here")))).isInstanceOf(Success.class);
      await()
          .atMost(Fixture.WAIT)
          .until(() -> fx.bunker.health().status() == BunkerHealth.Status.DEGRADED);
      assertThat(fx.bunker.health().connectedRelays()).isEqualTo(2);
    }
  }

  @Test
  void relayKilledMidStreamAndRestarted_reconnectsAndServes() throws Exception {
    try (Fixture fx = new Fixture(1, b -> {})) {
      Authorization a = fx.authorize("social", 1);
      Nip46Client c = fx.client(a);
      assertThat(result(c.connect(PermissionSet.empty()))).isEqualTo(new Success("ack"));
      assertThat(result(c.ping())).isEqualTo(new Success("pong"));
      DevRelay relay = fx.relays.get(0);
      int port = relay.port();
      var inFlight = c.signEvent(note(1, "sent as the relay dies"));
      relay.close();
      await().atMost(Fixture.WAIT).until(() -> fx.bunker.health().connectedRelays() == 0);
      assertThat(fx.bunker.health().status()).isEqualTo(BunkerHealth.Status.DOWN);
      DevRelay restarted = DevRelay.start("127.0.0.1", port);
      fx.relays.set(0, restarted);
      await().atMost(Fixture.WAIT).until(() -> fx.bunker.health().connectedRelays() == 1);
      assertThat(c.awaitConnected(Fixture.WAIT)).isTrue();
      await()
          .atMost(Fixture.WAIT)
          .until(
              () ->
                  c.relayStatus().values().stream()
                      .allMatch(s -> s.state() == RelayState.CONNECTED));
      assertThat(result(c.ping())).isEqualTo(new Success("pong"));
      assertThat(result(c.signEvent(note(1, "after restart")))).isInstanceOf(Success.class);
      // The request in flight when the relay died either got its answer or times out: never a wrong
      // answer.
      assertThat(inFlight.isDone() ? inFlight.join() : new Success("pending"))
          .isInstanceOfAny(Success.class, dev.keycast.nip46.client.Nip46Result.TimedOut.class);
    }
  }

  @Test
  void databaseUnavailable_errorReplyThenRecovers() throws Exception {
    try (Fixture fx = new Fixture(1, b -> {})) {
      Authorization a = fx.authorize("social", 2);
      Authorization cold = fx.authorize("social", 1);
      Nip46Client first = fx.client(a);
      assertThat(result(first.connect(PermissionSet.empty()))).isEqualTo(new Success("ack"));
      Nip46Client second = fx.client(a);
      fx.store.down = true;
      try {
        assertThat(result(second.connect(PermissionSet.empty())))
            .isEqualTo(new Failure("unavailable, retry later"));
        // the background probe notices within its interval; health() itself never waits
        await().atMost(Duration.ofSeconds(2)).until(() -> !fx.bunker.health().databaseReachable());
        assertThat(fx.bunker.health().status()).isEqualTo(BunkerHealth.Status.DOWN);
        // Whatever is or is not cached, a connected client gets an answer, never silence.
        assertThat(result(first.ping()))
            .isIn(new Success("pong"), new Failure("unavailable, retry later"));
        // A signer key no request used before the outage: the bunker holds every served key from
        // start, so it answers too (issue 16 item 2); what needs the database fails fast.
        long before = fx.bunker.stats().rejected(EventRejectReason.STORE_UNAVAILABLE);
        Nip46Client coldClient = fx.client(cold);
        assertThat(result(coldClient.connect(PermissionSet.empty())))
            .isEqualTo(new Failure("unavailable, retry later"));
        assertThat(result(coldClient.ping()))
            .isIn(new Success("pong"), new Failure("unavailable, retry later"));
        assertThat(fx.bunker.stats().rejected(EventRejectReason.STORE_UNAVAILABLE))
            .isEqualTo(before);
        // A key seen before, even after the cache was cleared by a change, answers "unavailable".
        fx.bunker.authorizationCache().invalidateAll();
        assertThat(result(first.getPublicKey())).isEqualTo(new Failure("unavailable, retry later"));
      } finally {
        fx.store.down = false;
      }
      assertThat(result(second.connect(PermissionSet.empty()))).isEqualTo(new Success("ack"));
      assertThat(result(second.signEvent(note(1, "recovered")))).isInstanceOf(Success.class);
      await().atMost(Duration.ofSeconds(2)).until(() -> fx.bunker.health().databaseReachable());
    }
  }

  @Test
  void close_answersAndStops_healthDown() throws Exception {
    Fixture fx = new Fixture(1, b -> {});
    try {
      Authorization a = fx.authorize("social", 1);
      Nip46Client c = fx.client(a);
      assertThat(result(c.connect(PermissionSet.empty()))).isEqualTo(new Success("ack"));
      fx.bunker.close();
      assertThat(fx.bunker.health().status()).isEqualTo(BunkerHealth.Status.DOWN);
      fx.bunker.close(); // idempotent
    } finally {
      fx.close();
    }
  }
}
