package dev.keycast.nip46.bunker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.SchnorrSigner;
import dev.keycast.crypto.SecretKey;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.crypto.UnsignedEvent;
import dev.keycast.nip46.ClientMessage;
import dev.keycast.nip46.Filter;
import dev.keycast.nip46.RelayMessages;
import dev.keycast.nip46.relay.DevRelay;
import dev.keycast.nip46.relay.RelayPoolConfig;
import dev.keycast.nip46.relay.RelayState;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The bunker's subscription for many signer keys (bench/e2e/keys.sh: 100,000 authorizations). */
class RelayPoolTransportTest {
  private static final int COMMON_RELAY_MESSAGE_CAP = 128 * 1024;

  private static Set<String> keys(int n, long seed) {
    Random r = new Random(seed);
    Set<String> out = new HashSet<>();
    byte[] b = new byte[32];
    while (out.size() < n) {
      r.nextBytes(b);
      out.add(HexFormat.of().formatHex(b));
    }
    return out;
  }

  @Test
  void subscriptionsFor_noKeys_none() {
    assertThat(RelayPoolTransport.subscriptionsFor(Set.of(), 0)).isEmpty();
  }

  @Test
  void subscriptionsFor_manyKeys_chunksCoverEveryKeyOnceAndStayUnderRelayMessageCaps() {
    Set<String> keys = keys(2_500, 1);
    List<List<Filter>> subs = RelayPoolTransport.subscriptionsFor(keys, 1_700_000_000L);
    assertThat(subs).hasSize(3);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < subs.size(); i++) {
      Filter f = subs.get(i).getFirst();
      assertThat(f.kinds()).containsExactly(24133);
      assertThat(f.since()).isEqualTo(1_700_000_000L);
      assertThat(f.tags().get('p'))
          .hasSizeLessThanOrEqualTo(RelayPoolTransport.KEYS_PER_SUBSCRIPTION);
      for (String k : f.tags().get('p')) {
        assertThat(seen.add(k)).as("key in two subscriptions").isTrue();
      }
      String req =
          RelayMessages.toJson(
              new ClientMessage.Req(RelayPoolTransport.subscriptionId(i), subs.get(i)));
      assertThat(req.length()).isLessThan(COMMON_RELAY_MESSAGE_CAP);
    }
    assertThat(seen).isEqualTo(keys);
  }

  @Test
  void subscriptionsFor_beyondTheKeyedLimit_oneSubscriptionWithoutRecipientFilter() {
    int n =
        RelayPoolTransport.KEYS_PER_SUBSCRIPTION * RelayPoolTransport.MAX_KEYED_SUBSCRIPTIONS + 1;
    List<List<Filter>> subs = RelayPoolTransport.subscriptionsFor(keys(n, 2), 5);
    assertThat(subs).hasSize(1);
    Filter f = subs.getFirst().getFirst();
    assertThat(f.kinds()).containsExactly(24133);
    assertThat(f.tags()).isEmpty();
    assertThat(f.since()).isEqualTo(5);
  }

  /**
   * Over a real relay: with 12,000 keys (chunked) and with 100,000 (beyond the keyed limit), a
   * request to the last key in sort order still arrives. One REQ with every key (the former
   * behaviour) is over the dev relay's 1 MiB message cap from about 16,000 keys on, and the relay
   * closes the connection.
   */
  @ParameterizedTest
  @ValueSource(ints = {12_000, 100_000})
  void subscribe_thousandsOfKeys_eventToAnyKeyArrives(int n) throws Exception {
    SecretKey signer = SecretKey.generate();
    Set<String> keys = keys(n - 1, n);
    keys.add(signer.publicKey().toHex());
    String last = keys.stream().max(String::compareTo).orElseThrow();
    try (DevRelay relay = DevRelay.start("127.0.0.1", 0);
        RelayPoolTransport t =
            new RelayPoolTransport(List.of(relay.url()), 64 * 1024, RelayPoolConfig.defaults())) {
      List<SignedEvent> received = new CopyOnWriteArrayList<>();
      t.start((url, ev) -> received.add(ev));
      t.subscribe(keys);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> t.status().get(relay.url()) == RelayState.CONNECTED);
      SecretKey client = SecretKey.generate();
      SignedEvent ev =
          NostrEvents.sign(
              new UnsignedEvent(
                  client.publicKey(),
                  System.currentTimeMillis() / 1000,
                  24133,
                  List.of(List.of("p", last)),
                  "x"),
              SchnorrSigner.create(client));
      // Ephemeral events reach live subscriptions only: publish once the relay holds one that
      // matches.
      assertThat(relay.awaitSubscription(f -> f.matches(ev), Duration.ofSeconds(30))).isTrue();
      assertThat(t.publish(ev, List.of(relay.url())).get(30, TimeUnit.SECONDS)).isTrue();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> received.stream().anyMatch(e -> e.id().equals(ev.id())));
      assertThat(t.status().get(relay.url())).isEqualTo(RelayState.CONNECTED);
    }
  }
}
