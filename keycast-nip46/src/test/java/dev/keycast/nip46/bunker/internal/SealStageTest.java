package dev.keycast.nip46.bunker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.Nip46Codec;
import dev.keycast.nip46.Nip46Envelope;
import dev.keycast.nip46.Nip46Response;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SealStageTest {
  final StageFixture fx = new StageFixture("social");
  final SealStage seal = new SealStage(fx.envelope, fx.clock);

  SealStageTest() throws Exception {}

  @AfterEach
  void close() {
    fx.close();
  }

  @Test
  void seal_inTheRequestsScheme_clientOpensItFromTheSignerKey() throws Exception {
    for (Nip46Envelope.Scheme scheme : Nip46Envelope.Scheme.values()) {
      RequestTask task =
          fx.task(fx.request("{\"id\":\"1\",\"method\":\"ping\",\"params\":[]}", scheme));
      Reply reply = new Reply(task, fx.signer(), scheme, fx.client.publicKey(), "1", "ping");
      Nip46Response response = Nip46Response.ok("1", "pong");
      SignedEvent out = seal.seal(reply, response);
      NostrEvents.verify(out);
      assertThat(out.kind()).isEqualTo(Nip46Envelope.KIND);
      assertThat(out.pubkey()).isEqualTo(fx.signerKey().toHex());
      assertThat(out.tags())
          .containsExactly(
              List.of("p", fx.client.publicKey().toHex()), List.of("e", task.event.id()));
      assertThat(Nip46Envelope.Scheme.of(out.content())).isEqualTo(scheme);
      assertThat(Nip46Codec.parseResponse(fx.envelope.open(out, fx.client))).isEqualTo(response);
    }
  }
}
