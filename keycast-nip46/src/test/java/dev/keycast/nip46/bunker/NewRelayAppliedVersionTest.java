package dev.keycast.nip46.bunker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.BunkerUri;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.client.Nip46Client;
import dev.keycast.nip46.client.Nip46Result;
import dev.keycast.nip46.relay.DevRelay;
import dev.keycast.nip46.store.AesGcmKeyEncryption;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.store.MasterKey;
import dev.keycast.nip46.store.NewAuthorization;
import dev.keycast.nip46.testing.TcpProxy;
import dev.keycast.nip46.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An authorization naming a relay the daemon is not connected to yet: the daemon's applied version
 * (what {@code keycast authorize} waits for before printing the URI) must not cover it until the
 * daemon is connected and subscribed there too, or the client's first {@code connect} on that relay
 * would be lost (kind 24133 is not stored). The new relay sits behind a paused proxy, so the
 * daemon's WebSocket handshake to it hangs until the test resumes it.
 */
class NewRelayAppliedVersionTest {

  @Test
  void authorizationNamingANewRelay_appliedOnlyOnceSubscribedThere_thenConnectAnswered()
      throws Exception {
    try (TestDatabase t = TestDatabase.sqlite();
        KeycastDatabase db =
            KeycastDatabase.open(t.url(), AesGcmKeyEncryption.create(MasterKey.random()));
        DevRelay known = DevRelay.start("127.0.0.1", 0);
        DevRelay fresh = DevRelay.start("127.0.0.1", 0);
        TcpProxy slow = new TcpProxy(fresh.port())) {
      db.keys().generate("alice");
      slow.pause(); // the daemon's handshake to the new relay waits until resume()
      Bunker.Builder b =
          Bunker.builder()
              .database(db)
              .relays(List.of(known.url()))
              .relayPoolConfig(Fixture.FAST_RECONNECT)
              .pollInterval(Duration.ofMillis(200))
              .shutdownDeadline(Duration.ofSeconds(2));
      b.cluster("one", true);
      try (Bunker bunker = b.build().start()) {
        String viaProxy = "ws://127.0.0.1:" + slow.port();
        Authorization a =
            db.authorizations()
                .create(NewAuthorization.builder("alice").relays(List.of(viaProxy)).build());
        long version = db.changeVersion();
        String hex = a.bunkerPublicKey().toHex();
        await().atMost(Fixture.WAIT).until(() -> bunker.signerKeys().contains(hex));
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
        while (System.nanoTime() - until < 0) { // 3 heartbeats: the known relay acknowledged
          assertThat(bunker.cluster().orElseThrow().appliedVersion())
              .as("applied before the daemon is subscribed on the authorization's relay")
              .isLessThan(version);
          Thread.sleep(50);
        }
        slow.resume();
        await("applied once subscribed there")
            .atMost(Duration.ofSeconds(5))
            .until(() -> bunker.cluster().orElseThrow().appliedVersion() >= version);
        try (Nip46Client c =
            Nip46Client.builder(
                    new BunkerUri(a.bunkerPublicKey(), List.of(fresh.url()), a.secret()),
                    SecretKey.generate())
                .timeout(Duration.ofSeconds(10))
                .build()) {
          assertThat(c.awaitConnected(Duration.ofSeconds(10))).isTrue();
          assertThat(c.connect(PermissionSet.empty()).get(15, TimeUnit.SECONDS))
              .isEqualTo(new Nip46Result.Success("ack"));
        }
      }
    }
  }
}
