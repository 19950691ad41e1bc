package dev.keycast.nip46.bunker;

import static dev.keycast.nip46.bunker.Fixture.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.client.Nip46Client;
import dev.keycast.nip46.client.Nip46Result.Failure;
import dev.keycast.nip46.client.Nip46Result.Success;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.store.NewAuthorization;
import dev.keycast.nip46.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The change feed (issue 12 item 6): a change made through another database handle (another
 * process: the CLI, another daemon) reaches a running bunker without waiting for its poll. The poll
 * is set to ten minutes here, so only the feed can deliver the change within the test's wait.
 */
class BunkerChangeFeedTest {
  private static final Duration NO_POLL = Duration.ofMinutes(10);
  private static final Duration FEED_WAIT = Duration.ofSeconds(5);

  @ParameterizedTest
  @EnumSource(TestDatabase.Backend.class)
  void changesThroughSecondHandle_appliedWithoutPoll(TestDatabase.Backend backend)
      throws Exception {
    try (Fixture fx = new Fixture(TestDatabase.create(backend), 1, b -> b.pollInterval(NO_POLL));
        KeycastDatabase cli = fx.secondHandle()) {
      // created by "the CLI": served and connectable without a poll
      long t0 = System.nanoTime();
      Authorization a =
          cli.authorizations()
              .create(
                  NewAuthorization.builder("alice")
                      .relays(fx.relayUrls())
                      .policyName("social")
                      .maxUses(1)
                      .build());
      String hex = a.bunkerPublicKey().toHex();
      await()
          .atMost(FEED_WAIT)
          .pollInterval(Duration.ofMillis(5))
          .until(() -> fx.bunker.signerKeys().contains(hex));
      System.out.printf(
          "%s: new authorization served %.1f ms after commit%n",
          backend, (System.nanoTime() - t0) / 1e6);
      fx.awaitServing(a);
      Nip46Client c = fx.client(a);
      assertThat(result(c.connect(PermissionSet.empty()))).isEqualTo(new Success("ack"));
      assertThat(result(c.ping())).isEqualTo(new Success("pong"));

      // revoked by "the CLI": the running bunker's cache drops it without a poll
      assertThat(cli.authorizations().revoke(a.id(), Instant.now())).isTrue();
      await()
          .atMost(FEED_WAIT)
          .pollInterval(Duration.ofMillis(50))
          .until(() -> result(c.getPublicKey()).equals(new Failure("unauthorized")));
    }
  }
}
