package dev.keycast.nip46.store;

import static org.awaitility.Awaitility.await;

import dev.keycast.nip46.testing.TestDatabase;
import dev.keycast.nip46.testing.TestDatabase.Backend;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link KeycastDatabase#changeFeed()}: a commit through another instance (another process) wakes
 * the watch; on PostgreSQL the listener reconnects after the server dropped its connection and
 * wakes the consumer so that it re-reads what it missed.
 */
class ChangeFeedTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final KeyEncryption encryption = AesGcmKeyEncryption.create(MasterKey.random());

  @ParameterizedTest
  @EnumSource(Backend.class)
  void commitByAnotherInstance_wakesTheWatch(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeycastDatabase daemon = t.open(encryption);
      KeycastDatabase cli = t.open(encryption);
      AtomicInteger wakes = new AtomicInteger();
      try (ChangeFeed.Watch w = daemon.changeFeed().watch(wakes::incrementAndGet)) {
        await("the watch connected").atMost(WAIT).until(() -> wakes.get() >= 1);
        int before = wakes.get();
        cli.keys().generate("alice");
        await("woken by the other instance's commit")
            .atMost(WAIT)
            .until(() -> wakes.get() > before);
      }
    }
  }

  @Test
  void postgres_listenerConnectionKilled_reconnectsAndWakes() throws Exception {
    try (TestDatabase t = TestDatabase.postgres()) {
      KeycastDatabase daemon = t.open(encryption);
      KeycastDatabase cli = t.open(encryption);
      AtomicInteger wakes = new AtomicInteger();
      try (ChangeFeed.Watch w = daemon.changeFeed().watch(wakes::incrementAndGet)) {
        await("the watch connected").atMost(WAIT).until(() -> wakes.get() >= 1);
        int before = wakes.get();
        t.killConnections(); // the server drops every connection, the listener's included
        await("reconnected, and woken to re-read what it may have missed")
            .atMost(WAIT)
            .until(() -> wakes.get() > before);
        int after = wakes.get();
        await("the other instance's pool replaced its killed connections")
            .atMost(WAIT)
            .until(
                () -> {
                  try {
                    cli.keys().generate("alice");
                    return true;
                  } catch (DatabaseUnavailableException e) {
                    return false;
                  }
                });
        await("listening again").atMost(WAIT).until(() -> wakes.get() > after);
      }
    }
  }
}
