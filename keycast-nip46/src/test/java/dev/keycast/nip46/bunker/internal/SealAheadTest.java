package dev.keycast.nip46.bunker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.Nip46Envelope;
import dev.keycast.nip46.Nip46Response;
import dev.keycast.nip46.server.TaskSnapshot.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SealAheadTest {
  final StageFixture fx = new StageFixture("social");
  final SealStage seal = new SealStage(fx.envelope);

  SealAheadTest() throws Exception {}

  @AfterEach
  void close() {
    fx.close();
  }

  private Reply reply() throws Exception {
    RequestTask task = fx.task(fx.request("{\"id\":\"1\",\"method\":\"ping\",\"params\":[]}"));
    return new Reply(
        task, fx.signer(), Nip46Envelope.Scheme.NIP44, fx.client.publicKey(), "1", "ping");
  }

  @Test
  void seal_onTheCpuExecutor_givesTheUsualReplyForExactlyThatAnswer() throws Exception {
    Reply reply = reply();
    Nip46Response answer = Nip46Response.ok("1", "pong");
    SealAhead ahead;
    try (SealAhead open = SealAhead.open(reply, seal)) {
      ahead = open;
      assertThat(SealAhead.current()).isSameAs(open);
      SealAhead taken = SealAhead.current(); // as the handler takes it, on the worker
      var unused =
          fx.cpu.call(
              "sign_event",
              () -> {
                assertThat(SealAhead.current()).isNull(); // another thread: no slot of its own
                taken.seal(answer);
                return answer;
              });
    }
    assertThat(SealAhead.current()).isNull();
    SignedEvent sealed = ahead.sealedFor(answer);
    assertThat(sealed).isEqualTo(seal.seal(reply, answer));
    assertThat(reply.task().stage).isEqualTo(Stage.ENCRYPT);
    // An equal answer that is not the one sealed (a handler may answer anything): sealed as usual.
    assertThat(ahead.sealedFor(Nip46Response.ok("1", "pong"))).isNull();
  }

  @Test
  void sealedFor_whenNothingWasSealed_isNull() throws Exception {
    try (SealAhead ahead = SealAhead.open(reply(), seal)) {
      assertThat(ahead.sealedFor(Nip46Response.ok("1", "pong"))).isNull();
    }
  }
}
