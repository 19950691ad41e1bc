package dev.keycast.nip46.bunker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.Nip46Envelope;
import dev.keycast.nip46.Nip46Response;
import dev.keycast.nip46.relay.RelayState;
import dev.keycast.nip46.server.EventRejectReason;
import dev.keycast.nip46.server.ResponseOutcome;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PublishStageTest {
  /**
   * A relay transport without sockets that records what it is given (the real one needs relays).
   */
  static final class RecordingTransport implements RelayTransport {
    final List<Collection<String>> publishedTo = new CopyOnWriteArrayList<>();
    volatile boolean accept = true;

    @Override
    public void start(Listener listener) {}

    @Override
    public void subscribe(Set<String> signerPubkeysHex) {}

    @Override
    public CompletableFuture<Boolean> publish(SignedEvent event, Collection<String> relayUrls) {
      publishedTo.add(List.copyOf(relayUrls));
      return CompletableFuture.completedFuture(accept);
    }

    @Override
    public Map<String, RelayState> status() {
      return Map.of();
    }

    @Override
    public void close() {}
  }

  final StageFixture fx = new StageFixture("social");
  final RecordingTransport transport = new RecordingTransport();
  final PublishStage publish = new PublishStage(transport, fx.stats);

  PublishStageTest() throws Exception {}

  @AfterEach
  void close() {
    fx.close();
  }

  Reply reply() throws Exception {
    RequestTask task = fx.task(fx.request("{\"id\":\"1\",\"method\":\"ping\",\"params\":[]}"));
    task.relays.add("wss://second.invalid");
    return new Reply(
        task, fx.signer(), Nip46Envelope.Scheme.NIP44, fx.client.publicKey(), "1", "ping");
  }

  @Test
  void publish_toTheRequestsRelaysAndTheAuthorizations_countedFirst() throws Exception {
    Reply reply = reply();
    Nip46Response response = Nip46Response.error("1", "permission denied");
    publish.publish(reply, response, new SealStage(fx.envelope).seal(reply, response));
    assertThat(transport.publishedTo)
        .singleElement()
        .satisfies(
            relays ->
                assertThat(relays)
                    .containsExactlyInAnyOrder(
                        StageFixture.RELAY, "wss://second.invalid", StageFixture.AUTH_RELAY));
    assertThat(fx.stats.snapshot().responses("ping", ResponseOutcome.PERMISSION_DENIED))
        .isEqualTo(1);
    assertThat(fx.rejected(EventRejectReason.REPLY_UNDELIVERED)).isZero();
  }

  @Test
  void publish_noRelayAccepts_countedUndelivered() throws Exception {
    transport.accept = false;
    Reply reply = reply();
    Nip46Response response = Nip46Response.ok("1", "pong");
    publish.publish(reply, response, new SealStage(fx.envelope).seal(reply, response));
    assertThat(fx.rejected(EventRejectReason.REPLY_UNDELIVERED)).isEqualTo(1);
    assertThat(fx.stats.snapshot().responses("ping", ResponseOutcome.OK)).isEqualTo(1);
  }
}
