package dev.keycast.nip46.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.keycast.nip46.testing.TcpProxy;
import dev.keycast.nip46.testing.TestDatabase;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL going away: calls fail with {@link DatabaseUnavailableException} (not a generic error,
 * not a hang) and the same {@link KeycastDatabase} recovers by itself once the server is back.
 */
class DatabaseUnavailableTest {
  private final KeyEncryption encryption = AesGcmKeyEncryption.create(MasterKey.random());

  @Test
  void serverGoneThenBack_typedFailureThenRecovery() throws Exception {
    try (TestDatabase t = TestDatabase.create(TestDatabase.Backend.POSTGRESQL);
        TcpProxy proxy = new TcpProxy(TestDatabase.PG_PORT)) {
      String url = t.url().replace(":" + TestDatabase.PG_PORT + "/", ":" + proxy.port() + "/");
      KeycastDatabase db =
          t.track(
              KeycastDatabase.builder(url)
                  .keyEncryption(encryption)
                  .connectionTimeout(Duration.ofSeconds(1))
                  .maxPoolSize(2)
                  .open());
      db.keys().generate("alice");

      proxy.stop();
      assertThatThrownBy(db::checkHealth).isInstanceOf(DatabaseUnavailableException.class);
      assertThatThrownBy(() -> db.keys().list())
          .isInstanceOf(DatabaseUnavailableException.class)
          .hasMessageContaining("database unavailable");
      assertThatThrownBy(db::changeVersion).isInstanceOf(DatabaseUnavailableException.class);

      proxy.start();
      assertThat(eventually(() -> db.keys().list().size())).isEqualTo(1);
      db.checkHealth();
    }
  }

  @Test
  void serverStopsAnswering_callFailsTypedWithinQueryTimeoutInsteadOfHanging() throws Exception {
    try (TestDatabase t = TestDatabase.create(TestDatabase.Backend.POSTGRESQL);
        TcpProxy proxy = new TcpProxy(TestDatabase.PG_PORT)) {
      String url = t.url().replace(":" + TestDatabase.PG_PORT + "/", ":" + proxy.port() + "/");
      KeycastDatabase db =
          t.track(
              KeycastDatabase.builder(url)
                  .keyEncryption(encryption)
                  .connectionTimeout(Duration.ofSeconds(1))
                  .queryTimeout(Duration.ofSeconds(1))
                  .maxPoolSize(1)
                  .open());
      db.keys().generate("alice");

      proxy.pause(); // a network partition: the TCP connection stays up, nothing comes back
      assertThatThrownBy(() -> db.keys().list()).isInstanceOf(DatabaseUnavailableException.class);
      proxy.resume();
      assertThat(eventually(() -> db.keys().list().size())).isEqualTo(1);
    }
  }

  @Test
  void backendsTerminated_typedFailureOrTransparentRetry_thenRecovery() throws Exception {
    try (TestDatabase t = TestDatabase.create(TestDatabase.Backend.POSTGRESQL)) {
      KeycastDatabase db = t.open(encryption);
      db.keys().generate("alice");
      t.killConnections();
      // Hikari may notice the dead connections itself; if a call does see one, it must be typed as
      // unavailable.
      assertThat(eventually(() -> db.keys().list().size())).isEqualTo(1);
      assertThat(db.changeVersion()).isPositive();
    }
  }

  /**
   * Calls until the database answers, retrying while it is unavailable (for up to 30 s, every 200
   * ms); any other failure fails the test at once.
   */
  private static <T> T eventually(Callable<T> call) {
    return await("the database answers again")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptionsInstanceOf(DatabaseUnavailableException.class)
        .until(call, r -> true);
  }
}
