package dev.keycast.nip46.relay;

import static dev.keycast.nip46.relay.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keycast.crypto.SecretKey;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.ClientMessage;
import dev.keycast.nip46.Filter;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RelayPoolTest {
  private static final Duration GENEROUS = Duration.ofSeconds(30);

  /** One delivery as the listener saw it. */
  record Delivery(String relayUrl, String subscriptionId, SignedEvent event) {}

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose.reversed()) {
      c.close();
    }
  }

  private <T extends AutoCloseable> T closeLater(T c) {
    toClose.add(c);
    return c;
  }

  private DevRelay relay() {
    return closeLater(DevRelay.start("127.0.0.1", 0));
  }

  private static RelayPoolConfig.Builder fastConfig() {
    return RelayPoolConfig.builder().backoff(Duration.ofMillis(50), Duration.ofMillis(500));
  }

  private RelayPool listeningPool(RelayPoolConfig config) {
    return closeLater(
        RelayPool.create(config, (url, sub, ev) -> deliveries.add(new Delivery(url, sub, ev))));
  }

  private RelayPool publisher() {
    return closeLater(RelayPool.create(fastConfig().build(), (url, sub, ev) -> {}));
  }

  private Delivery nextDelivery() throws InterruptedException {
    Delivery d = deliveries.poll(GENEROUS.toSeconds(), TimeUnit.SECONDS);
    if (d == null) {
      throw new AssertionError("no event delivered within " + GENEROUS);
    }
    return d;
  }

  private static void awaitConnected(RelayPool pool, String url, long connects) {
    await()
        .atMost(GENEROUS)
        .until(
            () -> {
              RelayStatus s = pool.status().get(url);
              return s != null && s.state() == RelayState.CONNECTED && s.connects() >= connects;
            });
  }

  private static Filter signerFilter(String pubkey) {
    return Filter.builder()
        .kinds(24133)
        .tag('p', List.of(pubkey))
        .since(TestEvents.now() - 30)
        .build();
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void subscribe_thenPublishFromAnotherPool_deliversWithRelayUrl() throws Exception {
    DevRelay relay = relay();
    String signer = SecretKey.generate().publicKey().toHex();
    RelayPool pool = listeningPool(fastConfig().build());
    String url = pool.addRelay(relay.url());
    pool.subscribe("nip46", List.of(signerFilter(signer)));
    awaitConnected(pool, url, 1);
    Subscriptions.awaitAddressedTo(relay, signer, GENEROUS);

    SignedEvent other = TestEvents.toP(SecretKey.generate().publicKey().toHex(), "not for us");
    SignedEvent mine = TestEvents.toP(signer, "for us");
    RelayPool pub = publisher();
    assertThat(pub.publish(other, List.of(relay.url())).get(30, TimeUnit.SECONDS).acceptedByAny())
        .isTrue();
    PublishResult r = pub.publish(mine, List.of(relay.url())).get(30, TimeUnit.SECONDS);
    assertThat(r.acks()).containsOnlyKeys(url);
    assertThat(r.acceptedBy()).containsExactly(url);

    assertThat(nextDelivery()).isEqualTo(new Delivery(url, "nip46", mine));
    assertThat(pool.status().get(url).eventsReceived()).isEqualTo(1);
  }

  @Test
  void publish_forgedEvent_reportsRejectionWithReason() throws Exception {
    DevRelay a = relay();
    DevRelay b = relay();
    RelayPool pub = publisher();
    SignedEvent forged = TestEvents.forged(event(1, "x"));
    PublishResult r = pub.publish(forged, List.of(a.url(), b.url())).get(30, TimeUnit.SECONDS);
    assertThat(r.eventId()).isEqualTo(forged.id());
    assertThat(r.acks().values())
        .hasSize(2)
        .allSatisfy(
            ack -> {
              assertThat(ack.outcome()).isEqualTo(PublishResult.Outcome.REJECTED);
              assertThat(ack.message()).startsWith("invalid:");
            });
    assertThat(r.acceptedByAny()).isFalse();
    await()
        .atMost(GENEROUS)
        .until(() -> pub.status().values().stream().allMatch(s -> s.publishRejected() == 1));
  }

  @Test
  void publish_deadRelay_timesOutWhileLiveOnesAccept() throws Exception {
    DevRelay live = relay();
    String dead = "ws://127.0.0.1:" + freePort();
    RelayPool pub =
        closeLater(
            RelayPool.create(
                fastConfig().publishTimeout(Duration.ofSeconds(5)).build(), (url, sub, ev) -> {}));
    // Connect first: the (short) publish timeout must only have to cover the dead relay.
    awaitConnected(pub, pub.addRelay(live.url()), 1);
    PublishResult r =
        pub.publish(event(1, "x"), List.of(live.url(), dead)).get(30, TimeUnit.SECONDS);
    assertThat(r.acks().get(RelayPool.normalizeUrl(live.url())).outcome())
        .isEqualTo(PublishResult.Outcome.ACCEPTED);
    assertThat(r.acks().get(dead).outcome()).isEqualTo(PublishResult.Outcome.TIMED_OUT);
    RelayStatus deadStatus = pub.status().get(dead);
    assertThat(deadStatus.state()).isIn(RelayState.CONNECTING, RelayState.BACKOFF);
    assertThat(deadStatus.lastError()).startsWith("connect failed");
    assertThat(deadStatus.connects()).isZero();
  }

  @Test
  void relayKilledAndRestartedOnSamePort_poolReconnectsResubscribesAndReceives() throws Exception {
    DevRelay relay = DevRelay.start("127.0.0.1", 0);
    int port = relay.port();
    String signer = SecretKey.generate().publicKey().toHex();
    RelayPool pool = listeningPool(fastConfig().build());
    String url = pool.addRelay(relay.url());
    pool.subscribe("nip46", List.of(signerFilter(signer)));
    awaitConnected(pool, url, 1);
    Subscriptions.awaitAddressedTo(relay, signer, GENEROUS);
    RelayPool pub = publisher();
    SignedEvent before = TestEvents.toP(signer, "before");
    pub.publish(before, List.of(url)).get(30, TimeUnit.SECONDS);
    assertThat(nextDelivery().event()).isEqualTo(before);

    relay.close();
    await().atMost(GENEROUS).until(() -> pool.status().get(url).state() != RelayState.CONNECTED);
    assertThat(pool.status().get(url).lastError()).isNotNull();

    DevRelay restarted = closeLater(DevRelay.start("127.0.0.1", port));
    awaitConnected(pool, url, 2);
    awaitConnected(pub, url, 2);
    Subscriptions.awaitAddressedTo(restarted, signer, GENEROUS);
    SignedEvent after = TestEvents.toP(signer, "after");
    PublishResult r = pub.publish(after, List.of(url)).get(30, TimeUnit.SECONDS);
    assertThat(r.acceptedByAny()).isTrue();
    assertThat(nextDelivery()).isEqualTo(new Delivery(url, "nip46", after));
    assertThat(restarted.connectionCount()).isEqualTo(2);
  }

  @Test
  void oneOfThreeRelaysDead_othersKeepWorking_andDuplicatesAreVisiblePerRelay() throws Exception {
    DevRelay a = relay();
    DevRelay b = relay();
    String dead = "ws://127.0.0.1:" + freePort();
    String signer = SecretKey.generate().publicKey().toHex();
    RelayPool pool = listeningPool(fastConfig().build());
    pool.setRelays(List.of(a.url(), b.url(), dead));
    pool.subscribe("nip46", List.of(signerFilter(signer)));
    String ua = RelayPool.normalizeUrl(a.url());
    String ub = RelayPool.normalizeUrl(b.url());
    awaitConnected(pool, ua, 1);
    awaitConnected(pool, ub, 1);
    Subscriptions.awaitAddressedTo(a, signer, GENEROUS);
    Subscriptions.awaitAddressedTo(b, signer, GENEROUS);

    RelayPool pub =
        closeLater(
            RelayPool.create(
                fastConfig().publishTimeout(Duration.ofSeconds(5)).build(), (url, sub, ev) -> {}));
    awaitConnected(pub, pub.addRelay(a.url()), 1);
    awaitConnected(pub, pub.addRelay(b.url()), 1);
    SignedEvent e = TestEvents.toP(signer, "once, thrice delivered");
    PublishResult r = pub.publish(e, List.of(a.url(), b.url(), dead)).get(30, TimeUnit.SECONDS);
    assertThat(r.acceptedBy()).containsExactlyInAnyOrder(ua, ub);
    assertThat(r.acks().get(dead).outcome()).isEqualTo(PublishResult.Outcome.TIMED_OUT);

    Delivery d1 = nextDelivery();
    Delivery d2 = nextDelivery();
    assertThat(List.of(d1.relayUrl(), d2.relayUrl())).containsExactlyInAnyOrder(ua, ub);
    assertThat(d1.event()).isEqualTo(e);
    assertThat(d2.event()).isEqualTo(e);
    Map<String, RelayStatus> status = pool.status();
    assertThat(status).containsOnlyKeys(ua, ub, dead);
    assertThat(status.get(dead).state()).isNotEqualTo(RelayState.CONNECTED);
  }

  @Test
  void duplicateDelivery_sameEventOnThreeRelays_deliveredThreeTimesWithDistinctUrls()
      throws Exception {
    List<DevRelay> relays = List.of(relay(), relay(), relay());
    String signer = SecretKey.generate().publicKey().toHex();
    RelayPool pool = listeningPool(fastConfig().build());
    List<String> urls = relays.stream().map(DevRelay::url).toList();
    pool.setRelays(urls);
    pool.subscribe("nip46", List.of(signerFilter(signer)));
    urls.forEach(u -> awaitConnected(pool, u, 1));
    for (DevRelay r : relays) {
      Subscriptions.awaitAddressedTo(r, signer, GENEROUS);
    }
    SignedEvent e = TestEvents.toP(signer, "dup");
    assertThat(publisher().publish(e, urls).get(30, TimeUnit.SECONDS).acceptedBy()).hasSize(3);
    List<String> from = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Delivery d = nextDelivery();
      assertThat(d.event()).isEqualTo(e);
      from.add(d.relayUrl());
    }
    assertThat(from).containsExactlyInAnyOrderElementsOf(urls);
  }

  @Test
  void subscribe_replaced_newFiltersApply() throws Exception {
    DevRelay relay = relay();
    String oldKey = SecretKey.generate().publicKey().toHex();
    String newKey = SecretKey.generate().publicKey().toHex();
    RelayPool pool = listeningPool(fastConfig().build());
    String url = pool.addRelay(relay.url());
    pool.subscribe("nip46", List.of(signerFilter(oldKey)));
    awaitConnected(pool, url, 1);
    pool.subscribe("nip46", List.of(signerFilter(newKey)));
    RelayPool pub = publisher();
    // The REQ replacement is asynchronous: publish once the relay holds the new filter (a probe
    // published before would reach no one: kind 24133 is not stored), then check the old one is
    // gone.
    SignedEvent probe = TestEvents.toP(newKey, "probe");
    assertThat(relay.awaitSubscription(f -> f.matches(probe), GENEROUS)).isTrue();
    pub.publish(probe, List.of(url)).get(30, TimeUnit.SECONDS);
    assertThat(nextDelivery().event()).isEqualTo(probe);
    SignedEvent oldOne = TestEvents.toP(oldKey, "old");
    SignedEvent newOne = TestEvents.toP(newKey, "new");
    pub.publish(oldOne, List.of(url)).get(30, TimeUnit.SECONDS);
    pub.publish(newOne, List.of(url)).get(30, TimeUnit.SECONDS);
    assertThat(nextDelivery().event()).isEqualTo(newOne);

    pool.unsubscribe("nip46");
    assertThat(pool.subscriptions()).isEmpty();
  }

  @Test
  void fragmentedFrames_reassembled_oversizedDropped_andResubscribeCoversGap() throws Exception {
    int port = freePort();
    SignedEvent scripted =
        event(1, 1234, List.of(List.of("t", "x".repeat(300))), "fragmented " + "y".repeat(500));
    ScriptedRelay first = ScriptedRelay.start(port, scripted, 5000);
    RelayPool pool =
        listeningPool(
            fastConfig().maxMessageChars(4000).resubscribeOverlap(Duration.ofSeconds(10)).build());
    String url = pool.addRelay(first.url());
    pool.subscribe("s", List.of(Filter.builder().kinds(1).since(1000).build()));

    ClientMessage.Req firstReq = first.reqs.poll(30, TimeUnit.SECONDS);
    assertThat(firstReq).isNotNull();
    assertThat(firstReq.filters().getFirst().since()).isEqualTo(1000L);
    assertThat(nextDelivery()).isEqualTo(new Delivery(url, "s", scripted));
    await().atMost(GENEROUS).until(() -> pool.status().get(url).messagesDropped() == 1);

    long beforeKill = TestEvents.now();
    first.close();
    await().atMost(GENEROUS).until(() -> pool.status().get(url).state() != RelayState.CONNECTED);
    ScriptedRelay second = ScriptedRelay.start(port, scripted, 10);
    try {
      ClientMessage.Req resumed = second.reqs.poll(30, TimeUnit.SECONDS);
      assertThat(resumed).isNotNull();
      assertThat(resumed.subscriptionId()).isEqualTo("s");
      Long since = resumed.filters().getFirst().since();
      // Resumes from the disconnect minus the 10 s overlap: later than the original since, early
      // enough for the gap.
      assertThat(since).isBetween(beforeKill - 10 - 5, TestEvents.now() - 10);
      assertThat(resumed.filters().getFirst().kinds()).containsExactly(1);
      assertThat(nextDelivery().event()).isEqualTo(scripted);
    } finally {
      second.close();
    }
  }

  @Test
  void closedByRelay_subscriptionRetriedWithBackoff() throws Exception {
    SignedEvent scripted = event(1, 1234, List.of(), "after refusals");
    try (ScriptedRelay relay = ScriptedRelay.start(0, scripted, 1).refuse(2)) {
      RelayPool pool = listeningPool(fastConfig().build());
      String url = pool.addRelay(relay.url());
      pool.subscribe("s", List.of(Filter.builder().kinds(1).build()));
      assertThat(nextDelivery()).isEqualTo(new Delivery(url, "s", scripted));
      assertThat(relay.reqs).hasSize(3);
      assertThat(pool.status().get(url).lastError()).contains("closed by relay: error: try again");
      assertThat(pool.status().get(url).connects()).isEqualTo(1);
    }
  }

  @Test
  void publish_whileRelayDown_sentWhenItComesUp() throws Exception {
    int port = freePort();
    String url = "ws://127.0.0.1:" + port;
    RelayPool pub =
        closeLater(
            RelayPool.create(
                fastConfig().publishTimeout(Duration.ofSeconds(60)).build(), (u, s, e) -> {}));
    SignedEvent e = event(1, "queued");
    var future = pub.publish(e, List.of(url));
    await().atMost(GENEROUS).until(() -> pub.status().get(url).lastError() != null);
    assertThat(future).isNotDone();
    DevRelay relay = closeLater(DevRelay.start("127.0.0.1", port));
    PublishResult r = future.get(60, TimeUnit.SECONDS);
    assertThat(r.acks().get(url).outcome()).isEqualTo(PublishResult.Outcome.ACCEPTED);
    assertThat(relay.storedEventCount()).isEqualTo(1);
  }

  @Test
  void silentConnection_droppedAfterMissedPongs_andReconnected() throws Exception {
    try (ScriptedRelay relay = ScriptedRelay.start(0, event(1, "unused"), 1).silent()) {
      RelayPool pool = listeningPool(fastConfig().pingInterval(Duration.ofMillis(200)).build());
      String url = pool.addRelay(relay.url());
      pool.subscribe("s", List.of(Filter.builder().kinds(1).build()));
      await().atMost(GENEROUS).until(() -> pool.status().get(url).connects() >= 2);
      assertThat(relay.reqs.size()).isGreaterThanOrEqualTo(2);
      await()
          .atMost(GENEROUS)
          .until(
              () -> {
                String err = pool.status().get(url).lastError();
                return err != null && err.startsWith("no traffic");
              });
    }
  }

  @Test
  void removeRelay_closesIt_andSetRelaysReplacesMembership() throws Exception {
    DevRelay a = relay();
    DevRelay b = relay();
    RelayPool pool = listeningPool(fastConfig().build());
    String ua = pool.addRelay(a.url());
    assertThat(pool.addRelay(a.url() + "/")).isEqualTo(ua);
    awaitConnected(pool, ua, 1);
    pool.setRelays(List.of(b.url()));
    String ub = RelayPool.normalizeUrl(b.url());
    assertThat(pool.relays()).containsExactly(ub);
    awaitConnected(pool, ub, 1);
    await().atMost(GENEROUS).until(() -> a.connectionCount() == 0);
    assertThat(pool.removeRelay(b.url())).isTrue();
    assertThat(pool.removeRelay(b.url())).isFalse();
    assertThat(pool.status()).isEmpty();
  }

  @Test
  void close_rightAfterPublish_flushesQueuedFramesFirst() throws Exception {
    DevRelay relay = relay();
    RelayPool pool = RelayPool.create(fastConfig().build(), (u, s, e) -> {});
    String url = pool.addRelay(relay.url());
    awaitConnected(pool, url, 1);
    for (int i = 0; i < 20; i++) {
      pool.publish(event(1, "last words " + i), List.of(url));
    }
    pool.close();
    await().atMost(GENEROUS).until(() -> relay.storedEventCount() == 20);
  }

  @Test
  void publishWaitingForRoom_relayFull_waitsForAnOkInsteadOfDropping() throws Exception {
    SignedEvent scripted = event(1, "scripted");
    try (ScriptedRelay relay = ScriptedRelay.start(0, scripted, 1).holdOks()) {
      RelayPool pool =
          closeLater(
              RelayPool.create(fastConfig().maxPendingPerRelay(2).build(), (url, sub, ev) -> {}));
      String url = pool.addRelay(relay.url());
      awaitConnected(pool, url, 1);
      var first = pool.publish(event(1, "a"), List.of(url));
      var second = pool.publish(event(1, "b"), List.of(url));
      await().atMost(GENEROUS).until(() -> relay.eventsReceived.get() == 2);
      // Without flow control: no room, NOT_SENT at once.
      PublishResult dropped = pool.publish(event(1, "c"), List.of(url)).get(30, TimeUnit.SECONDS);
      assertThat(dropped.acks().get(url).outcome()).isEqualTo(PublishResult.Outcome.NOT_SENT);
      // With it: the caller waits for room...
      var waited = new java.util.concurrent.CompletableFuture<PublishResult>();
      Thread waiter =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      pool.publishWaitingForRoom(event(1, "d"), List.of(url), GENEROUS)
                          .whenComplete((r, e) -> waited.complete(r));
                    } catch (InterruptedException e) {
                      waited.completeExceptionally(e);
                    }
                  });
      await().atMost(GENEROUS).until(() -> waiter.getState() == Thread.State.TIMED_WAITING);
      assertThat(relay.eventsReceived.get()).isEqualTo(2);
      assertThat(waited).isNotDone();
      // ...and publishes once the relay's OKs make room.
      relay.releaseOks();
      assertThat(first.get(30, TimeUnit.SECONDS).acceptedByAny()).isTrue();
      assertThat(second.get(30, TimeUnit.SECONDS).acceptedByAny()).isTrue();
      PublishResult r = waited.get(30, TimeUnit.SECONDS);
      assertThat(r.acks().get(url).outcome()).isEqualTo(PublishResult.Outcome.ACCEPTED);
      assertThat(relay.eventsReceived.get()).isEqualTo(3);
    }
  }

  @Test
  void publishWaitingForRoom_oneRelayFull_anotherTakesIt_noWait() throws Exception {
    SignedEvent scripted = event(1, "scripted");
    DevRelay live = relay();
    try (ScriptedRelay slow = ScriptedRelay.start(0, scripted, 1).holdOks()) {
      RelayPool pool =
          closeLater(
              RelayPool.create(fastConfig().maxPendingPerRelay(1).build(), (url, sub, ev) -> {}));
      String slowUrl = pool.addRelay(slow.url());
      String liveUrl = pool.addRelay(live.url());
      awaitConnected(pool, slowUrl, 1);
      awaitConnected(pool, liveUrl, 1);
      pool.publish(event(1, "fills the slow relay"), List.of(slowUrl));
      await().atMost(GENEROUS).until(() -> slow.eventsReceived.get() == 1);
      // The slow relay has no room, the live one has: no wait, the event goes where it can.
      PublishResult r =
          pool.publishWaitingForRoom(
                  event(1, "e"), List.of(slowUrl, liveUrl), Duration.ofMinutes(10))
              .get(30, TimeUnit.SECONDS);
      assertThat(r.acks().get(slowUrl).outcome()).isEqualTo(PublishResult.Outcome.NOT_SENT);
      assertThat(r.acks().get(liveUrl).outcome()).isEqualTo(PublishResult.Outcome.ACCEPTED);
      slow.releaseOks();
    }
  }

  @Test
  void close_completesPendingPublishesAsNotSent() throws Exception {
    String dead = "ws://127.0.0.1:" + freePort();
    RelayPool pool =
        RelayPool.create(
            fastConfig().publishTimeout(Duration.ofMinutes(5)).build(), (u, s, e) -> {});
    var future = pool.publish(event(1, "x"), List.of(dead));
    pool.close();
    PublishResult r = future.get(30, TimeUnit.SECONDS);
    assertThat(r.acks().get(dead).outcome()).isEqualTo(PublishResult.Outcome.NOT_SENT);
    assertThat(pool.relays()).isEmpty();
  }

  @Test
  void config_invalid_failsFast() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                RelayPoolConfig.builder()
                    .backoff(Duration.ofSeconds(2), Duration.ofSeconds(1))
                    .build())
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                RelayPoolConfig.builder()
                    .publishTimeout(Duration.ofSeconds(1))
                    .publishTimeout(Duration.ofSeconds(2)))
        .isInstanceOf(IllegalStateException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RelayPool.normalizeUrl("https://x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(RelayPool.normalizeUrl("WSS://Relay.Example/")).isEqualTo("wss://relay.example");
  }

  @Test
  void addRelay_knownRelayInAnyForm_sameNormalisedUrl_closedPoolRefusesBoth() {
    RelayPool pool = RelayPool.create(fastConfig().build(), (url, sub, ev) -> {});
    String normalized = pool.addRelay("WS://LocalHost:1/");
    assertThat(normalized).isEqualTo("ws://localhost:1");
    assertThat(pool.addRelay(normalized)).isEqualTo(normalized); // the fast path: already a key
    assertThat(pool.addRelay(" ws://localhost:1/ ")).isEqualTo(normalized);
    assertThat(pool.relays()).containsExactly(normalized);
    pool.close();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> pool.addRelay(normalized))
        .isInstanceOf(dev.keycast.nip46.RelayException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> pool.addRelay("WS://LocalHost:1/"))
        .isInstanceOf(dev.keycast.nip46.RelayException.class);
  }
}
