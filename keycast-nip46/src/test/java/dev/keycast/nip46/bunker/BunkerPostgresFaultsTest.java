package dev.keycast.nip46.bunker;

import static dev.keycast.nip46.bunker.Fixture.note;
import static dev.keycast.nip46.bunker.Fixture.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.client.Nip46Client;
import dev.keycast.nip46.client.Nip46Result;
import dev.keycast.nip46.client.Nip46Result.Failure;
import dev.keycast.nip46.client.Nip46Result.Success;
import dev.keycast.nip46.server.BunkerHealth;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.testing.TestDatabase;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Database faults on PostgreSQL: the server kills every connection of the signer (a real fault: the
 * pool must replace them), and an outage injected in front of the real store. Skipped visibly
 * without PostgreSQL unless {@code KEYCAST_REQUIRE_PG=1}.
 */
class BunkerPostgresFaultsTest {

  @Test
  void connectionsKilledByServer_everyRequestAnswered_thenServes() throws Exception {
    try (Fixture fx = new Fixture(TestDatabase.postgres(), 1, b -> {})) {
      Authorization a = fx.authorize("social", 5);
      Nip46Client c = fx.client(a);
      assertThat(result(c.connect(PermissionSet.empty()))).isEqualTo(new Success("ack"));
      fx.database.killConnections();
      // Whatever the pool does with its dead connections, every request gets an answer, never
      // silence...
      Nip46Client other = fx.client(a);
      Nip46Result first = result(other.connect(PermissionSet.empty()));
      assertThat(first)
          .isIn(
              new Success("ack"),
              new Failure("unavailable, retry later"),
              new Failure("internal error"));
      // ... and the signer serves normally again once the pool has reconnected.
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(300))
          .until(
              () -> result(fx.client(a).connect(PermissionSet.empty())).equals(new Success("ack")));
      assertThat(result(c.signEvent(note(1, "after the kill")))).isInstanceOf(Success.class);
      await().atMost(Duration.ofSeconds(2)).until(() -> fx.bunker.health().databaseReachable());
    }
  }

  @Test
  void databaseUnavailable_errorReplyThenRecovers() throws Exception {
    try (Fixture fx = new Fixture(TestDatabase.postgres(), 1, b -> {})) {
      Authorization a = fx.authorize("social", 2);
      Nip46Client second = fx.client(a);
      assertThat(result(second.ping()))
          .isEqualTo(new Success("pong")); // the signer key is now known
      fx.store.down = true;
      try {
        assertThat(result(second.connect(PermissionSet.empty())))
            .isEqualTo(new Failure("unavailable, retry later"));
        // the background probe notices within its interval; health() itself never waits
        await()
            .atMost(Duration.ofSeconds(2))
            .until(() -> fx.bunker.health().status() == BunkerHealth.Status.DOWN);
      } finally {
        fx.store.down = false;
      }
      assertThat(result(second.connect(PermissionSet.empty()))).isEqualTo(new Success("ack"));
      await().atMost(Duration.ofSeconds(2)).until(() -> fx.bunker.health().databaseReachable());
    }
  }
}
