package dev.keycast.nip46.relay;

import static dev.keycast.nip46.relay.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycast.crypto.SecretKey;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.ClientMessage;
import dev.keycast.nip46.Filter;
import dev.keycast.nip46.RelayException;
import dev.keycast.nip46.RelayMessage;
import dev.keycast.nip46.RelayMessages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DevRelayTest {
  private DevRelay relay;

  @BeforeEach
  void start() {
    relay = DevRelay.start("127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    relay.close();
  }

  private static String req(String sub, Filter... filters) {
    return RelayMessages.toJson(new ClientMessage.Req(sub, List.of(filters)));
  }

  private static String ev(SignedEvent e) {
    return RelayMessages.toJson(new ClientMessage.Event(e));
  }

  private static RelayMessage parse(String json) {
    return RelayMessages.parseRelayMessage(json);
  }

  /** Reads stored events up to EOSE. */
  private static List<SignedEvent> untilEose(RawClient c, String sub) throws Exception {
    List<SignedEvent> out = new ArrayList<>();
    while (true) {
      RelayMessage m = parse(c.next());
      if (m instanceof RelayMessage.Eose eose) {
        assertThat(eose.subscriptionId()).isEqualTo(sub);
        return out;
      }
      assertThat(m).isInstanceOf(RelayMessage.Event.class);
      assertThat(((RelayMessage.Event) m).subscriptionId()).isEqualTo(sub);
      out.add(((RelayMessage.Event) m).event());
    }
  }

  @Test
  void start_portZero_bindsEphemeralPort() {
    assertThat(relay.port()).isPositive();
    assertThat(relay.url()).isEqualTo("ws://127.0.0.1:" + relay.port());
  }

  @Test
  void start_portInUse_throwsRelayException() {
    assertThatThrownBy(() -> DevRelay.start("127.0.0.1", relay.port()))
        .isInstanceOf(RelayException.class);
  }

  @Test
  void event_valid_okTrueThenStoredAndReturnedBeforeEose() throws Exception {
    SignedEvent e = event(1, "hello");
    try (RawClient c = new RawClient(relay.url())) {
      c.send(ev(e));
      assertThat(parse(c.next())).isEqualTo(new RelayMessage.Ok(e.id(), true, ""));
      c.send(ev(e));
      RelayMessage.Ok dup = (RelayMessage.Ok) parse(c.next());
      assertThat(dup.accepted()).isTrue();
      assertThat(dup.message()).startsWith("duplicate:");
      c.send(req("s", Filter.builder().kinds(1).build()));
      assertThat(untilEose(c, "s")).containsExactly(e);
    }
    assertThat(relay.storedEventCount()).isEqualTo(1);
  }

  @Test
  void event_forged_okFalseInvalidAndNotStored() throws Exception {
    SignedEvent forged = TestEvents.forged(event(1, "x"));
    try (RawClient c = new RawClient(relay.url())) {
      c.send(ev(forged));
      RelayMessage.Ok ok = (RelayMessage.Ok) parse(c.next());
      assertThat(ok.accepted()).isFalse();
      assertThat(ok.message()).startsWith("invalid:");
      c.send(req("s", Filter.builder().build()));
      assertThat(untilEose(c, "s")).isEmpty();
    }
    assertThat(relay.storedEventCount()).isZero();
  }

  @Test
  void event_ephemeral_broadcastLiveButNotStored() throws Exception {
    String p = SecretKey.generate().publicKey().toHex();
    SignedEvent e = TestEvents.toP(p, "ciphertext");
    try (RawClient sub = new RawClient(relay.url());
        RawClient pub = new RawClient(relay.url())) {
      sub.send(req("live", Filter.builder().kinds(24133).tag('p', List.of(p)).build()));
      assertThat(untilEose(sub, "live")).isEmpty();
      pub.send(ev(e));
      assertThat(parse(pub.next())).isEqualTo(new RelayMessage.Ok(e.id(), true, ""));
      assertThat(parse(sub.next())).isEqualTo(new RelayMessage.Event("live", e));
      sub.send(req("later", Filter.builder().kinds(24133).build()));
      assertThat(untilEose(sub, "later")).isEmpty();
    }
    assertThat(relay.storedEventCount()).isZero();
  }

  @Test
  void req_filters_matchIdsAuthorsKindsTagsTimeAndLimit() throws Exception {
    String other = SecretKey.generate().publicKey().toHex();
    SignedEvent a = event(1, 100, List.of(List.of("e", "x1")), "a");
    SignedEvent b = event(1, 200, List.of(List.of("p", other)), "b");
    SignedEvent c = event(7, 300, List.of(List.of("p", other), List.of("e", "x2")), "c");
    try (RawClient cl = new RawClient(relay.url())) {
      for (SignedEvent e : List.of(a, b, c)) {
        cl.send(ev(e));
        assertThat(((RelayMessage.Ok) parse(cl.next())).accepted()).isTrue();
      }
      cl.send(req("1", Filter.builder().kinds(1).build()));
      assertThat(untilEose(cl, "1")).containsExactly(b, a);
      cl.send(req("2", Filter.builder().ids(List.of(c.id(), a.id())).build()));
      assertThat(untilEose(cl, "2")).containsExactly(c, a);
      cl.send(req("3", Filter.builder().authors(List.of(other)).build()));
      assertThat(untilEose(cl, "3")).isEmpty();
      cl.send(req("4", Filter.builder().tag('p', List.of(other)).build()));
      assertThat(untilEose(cl, "4")).containsExactly(c, b);
      cl.send(req("5", Filter.builder().tag('e', List.of("x1", "x2")).build()));
      assertThat(untilEose(cl, "5")).containsExactly(c, a);
      cl.send(req("6", Filter.builder().since(150).until(250).build()));
      assertThat(untilEose(cl, "6")).containsExactly(b);
      cl.send(req("7", Filter.builder().limit(2).build()));
      assertThat(untilEose(cl, "7")).containsExactly(c, b);
      cl.send(
          req(
              "8",
              Filter.builder().kinds(7).build(),
              Filter.builder().tag('e', List.of("x1")).build()));
      assertThat(untilEose(cl, "8")).containsExactly(c, a);
      cl.send(req("9", Filter.builder().kinds(List.of()).build()));
      assertThat(untilEose(cl, "9")).isEmpty();
    }
  }

  /**
   * A relay's last message to a quiet connection is delivered: Java-WebSocket 1.6.0 loses a write's
   * interest when a send races with the selector finishing the previous write, and without the
   * relay's flusher about one of 20,000 such EOSEs waited for the library's 60 s ping (the cause of
   * this class's flaky "no relay message within 30 s").
   */
  @Test
  void reqThenClose_manyRoundTrips_everyEoseArrives() throws Exception {
    try (RawClient cl = new RawClient(relay.url())) {
      for (int i = 0; i < 20_000; i++) {
        cl.send(req("s" + i, Filter.builder().kinds(1).build()));
        cl.send(RelayMessages.toJson(new ClientMessage.Close("s" + i)));
        assertThat(parse(cl.next())).isEqualTo(new RelayMessage.Eose("s" + i));
      }
    }
  }

  @Test
  void close_subscription_stopsLiveDelivery() throws Exception {
    try (RawClient cl = new RawClient(relay.url());
        RawClient pub = new RawClient(relay.url())) {
      cl.send(req("gone", Filter.builder().kinds(1).build()));
      untilEose(cl, "gone");
      cl.send(req("kept", Filter.builder().kinds(2).build()));
      untilEose(cl, "kept");
      cl.send(RelayMessages.toJson(new ClientMessage.Close("gone")));
      // One connection's messages are handled in order: once this EOSE arrives, the CLOSE has been
      // applied.
      cl.send(req("sync", Filter.builder().kinds(3).build()));
      untilEose(cl, "sync");
      SignedEvent one = event(1, "one");
      SignedEvent two = event(2, "two");
      pub.send(ev(one));
      pub.next();
      pub.send(ev(two));
      pub.next();
      // The relay handles one publisher's messages in order: had "gone" still matched, "one" would
      // come first.
      assertThat(parse(cl.next())).isEqualTo(new RelayMessage.Event("kept", two));
    }
  }

  @Test
  void req_sameId_replacesFilters() throws Exception {
    try (RawClient cl = new RawClient(relay.url());
        RawClient pub = new RawClient(relay.url())) {
      cl.send(req("s", Filter.builder().kinds(1).build()));
      untilEose(cl, "s");
      cl.send(req("s", Filter.builder().kinds(2).build()));
      untilEose(cl, "s");
      SignedEvent one = event(1, "one");
      SignedEvent two = event(2, "two");
      pub.send(ev(one));
      pub.next();
      pub.send(ev(two));
      pub.next();
      assertThat(parse(cl.next())).isEqualTo(new RelayMessage.Event("s", two));
    }
  }

  @Test
  void storage_bounded_evictsOldest() throws Exception {
    try (DevRelay small = DevRelay.start("127.0.0.1", 0, 3);
        RawClient cl = new RawClient(small.url())) {
      List<SignedEvent> events = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        SignedEvent e = event(1, 1000 + i, List.of(), "n" + i);
        events.add(e);
        cl.send(ev(e));
        cl.next();
      }
      assertThat(small.storedEventCount()).isEqualTo(3);
      cl.send(req("s", Filter.builder().build()));
      assertThat(untilEose(cl, "s")).containsExactly(events.get(4), events.get(3), events.get(2));
    }
  }

  @Test
  void garbage_getsNoticeAndConnectionSurvives() throws Exception {
    try (RawClient cl = new RawClient(relay.url())) {
      cl.send("not json");
      assertThat(parse(cl.next())).isInstanceOf(RelayMessage.Notice.class);
      cl.send("[\"REQ\",\"s\",{\"kinds\":[\"1\"]}]");
      assertThat(parse(cl.next())).isInstanceOf(RelayMessage.Notice.class);
      cl.send(req("s", Filter.builder().build()));
      assertThat(untilEose(cl, "s")).isEmpty();
    }
  }

  @Test
  void awaitSubscription_noneYet_falseAfterTheTimeout() throws Exception {
    try (RawClient c = new RawClient(relay.url())) {
      c.send(req("other", Filter.builder().kinds(1).build()));
      untilEose(c, "other");
      long start = System.nanoTime();
      assertThat(
              relay.awaitSubscription(
                  f -> f.kinds() != null && f.kinds().contains(24133), Duration.ofMillis(200)))
          .isFalse();
      assertThat(System.nanoTime() - start)
          .isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
    }
  }

  @Test
  void awaitSubscription_reqArrivesWhileWaiting_trueAndLiveEventsReachIt() throws Exception {
    SignedEvent later = TestEvents.toP("ab".repeat(32), "for the subscriber");
    try (RawClient sub = new RawClient(relay.url());
        RawClient pub = new RawClient(relay.url())) {
      CompletableFuture<Boolean> live = new CompletableFuture<>();
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  live.complete(
                      relay.awaitSubscription(f -> f.matches(later), Duration.ofSeconds(30)));
                } catch (InterruptedException e) {
                  live.completeExceptionally(e);
                }
              });
      sub.send(req("s", Filter.builder().kinds(24133).tag('p', List.of("ab".repeat(32))).build()));
      assertThat(live.get(30, TimeUnit.SECONDS)).isTrue();
      // No fixed wait between REQ and EVENT: the ephemeral event reaches the subscription because
      // it is live.
      pub.send(ev(later));
      assertThat(parse(sub.next())).isEqualTo(new RelayMessage.Eose("s"));
      assertThat(parse(sub.next())).isEqualTo(new RelayMessage.Event("s", later));
      // Already live: returns at once.
      assertThat(relay.awaitSubscription(f -> f.matches(later), Duration.ZERO)).isTrue();
    }
  }
}
