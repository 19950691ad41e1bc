package dev.keycast.nip46.bunker;

import static dev.keycast.nip46.bunker.Fixture.note;
import static dev.keycast.nip46.bunker.Fixture.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.client.Nip46Client;
import dev.keycast.nip46.client.Nip46Result.Success;
import dev.keycast.nip46.server.BunkerHealth;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.testing.TcpProxy;
import dev.keycast.nip46.testing.TestDatabase;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The database goes away behind a real TCP proxy in front of the real PostgreSQL (issue 16): {@link
 * Bunker#health()} never waits on it, says why while it is away, and reports it reachable again
 * soon after it is back. Skipped visibly without PostgreSQL unless {@code KEYCAST_REQUIRE_PG=1}.
 */
class BunkerDatabaseOutageTest {
  /** The bound a health check must answer within, whatever the database does (issue 16, item 1). */
  private static final long HEALTH_BOUND_NANOS = Duration.ofSeconds(1).toNanos();

  @Test
  void silentNetwork_healthAnswersAtOnceWithTheReason_thenRecovers() throws Exception {
    TestDatabase database = TestDatabase.postgres();
    try (TcpProxy proxy = new TcpProxy(TestDatabase.PG_PORT);
        Fixture fx = new Fixture(database, proxy.rewrite(database.url()), 1, b -> {})) {
      Authorization a = fx.authorize("social", 5);
      Nip46Client c = fx.client(a);
      assertThat(result(c.connect(PermissionSet.empty()))).isEqualTo(new Success("ack"));
      await().atMost(Duration.ofSeconds(2)).until(() -> fx.bunker.health().databaseReachable());

      proxy.pause();
      await("the probe notices a database that stops answering")
          .atMost(Duration.ofSeconds(3))
          .until(() -> !timedHealth(fx).databaseReachable());
      BunkerHealth during = timedHealth(fx);
      assertThat(during.status()).isEqualTo(BunkerHealth.Status.DOWN);
      assertThat(during.databaseProblem()).contains("did not answer within");
      for (int i = 0; i < 20; i++) {
        timedHealth(fx); // every check during the outage answers within the bound
        Thread.sleep(50);
      }

      proxy.resume();
      await("healthy again once the database answers")
          .atMost(Duration.ofSeconds(5))
          .until(() -> timedHealth(fx).databaseReachable());
      assertThat(result(c.signEvent(note(1, "after the outage")))).isInstanceOf(Success.class);
    }
  }

  @Test
  void connectionsCut_healthSaysUnreachable_thenRecoversWithinSeconds() throws Exception {
    TestDatabase database = TestDatabase.postgres();
    try (TcpProxy proxy = new TcpProxy(TestDatabase.PG_PORT);
        Fixture fx = new Fixture(database, proxy.rewrite(database.url()), 1, b -> {})) {
      Authorization a = fx.authorize("social", 5);
      Nip46Client c = fx.client(a);
      assertThat(result(c.connect(PermissionSet.empty()))).isEqualTo(new Success("ack"));

      proxy.stop();
      await("the probe notices the refused connections")
          .atMost(Duration.ofSeconds(3))
          .until(() -> !timedHealth(fx).databaseReachable());
      assertThat(timedHealth(fx).databaseProblem()).isNotBlank();

      long back = System.nanoTime();
      proxy.start();
      await("healthy within 5 s of the database returning")
          .atMost(Duration.ofSeconds(5))
          .until(() -> timedHealth(fx).databaseReachable());
      System.out.printf(
          "database outage: healthy %d ms after the database returned%n",
          (System.nanoTime() - back) / 1_000_000);
      assertThat(result(c.signEvent(note(1, "after the cut")))).isInstanceOf(Success.class);
    }
  }

  /** Calls {@link Bunker#health()} and checks it answered within the bound. */
  private static BunkerHealth timedHealth(Fixture fx) {
    long start = System.nanoTime();
    BunkerHealth h = fx.bunker.health();
    long took = System.nanoTime() - start;
    assertThat(took).as("health() took %d ms", took / 1_000_000).isLessThan(HEALTH_BOUND_NANOS);
    return h;
  }
}
