package dev.keycast.nip46.bunker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The hold buffer of a cluster instance: bounded, and emptied of requests seen answered. */
class RequestBufferTest {
  final StageFixture fx = new StageFixture("social");

  RequestBufferTest() throws Exception {}

  @AfterEach
  void close() {
    fx.close();
  }

  private RequestTask ping(String id) throws Exception {
    return fx.task(fx.request("{\"id\":\"" + id + "\",\"method\":\"ping\",\"params\":[]}"));
  }

  @Test
  void drain_returnsTheKeysRequestsOldestFirst_thenNothing() throws Exception {
    RequestBuffer b = new RequestBuffer(10, TimeUnit.SECONDS.toNanos(15));
    RequestTask one = ping("1");
    RequestTask two = ping("2");
    b.add(one);
    b.add(two);
    assertThat(b.size()).isEqualTo(2);
    assertThat(b.drain(one.signerHex)).containsExactly(one, two);
    assertThat(b.drain(one.signerHex)).isEmpty();
    assertThat(b.size()).isZero();
  }

  @Test
  void answered_removesTheRequest_andARequestArrivingAfterItsReplyIsNotKept() throws Exception {
    RequestBuffer b = new RequestBuffer(10, TimeUnit.SECONDS.toNanos(15));
    RequestTask answered = ping("1");
    RequestTask open = ping("2");
    RequestTask late = ping("3");
    b.add(answered);
    b.add(open);
    b.answered(answered.signerHex, answered.event.id());
    b.answered(late.signerHex, late.event.id()); // its reply overtook it
    assertThat(b.add(late)).isFalse();
    assertThat(b.size()).isEqualTo(1);
    assertThat(b.drain(open.signerHex)).containsExactly(open);
    assertThat(b.overflows()).isZero();
  }

  @Test
  void full_dropsNewRequests_counted() throws Exception {
    RequestBuffer b = new RequestBuffer(1, TimeUnit.SECONDS.toNanos(15));
    assertThat(b.add(ping("1"))).isTrue();
    assertThat(b.add(ping("2"))).isFalse();
    assertThat(b.overflows()).isEqualTo(1);
  }
}
