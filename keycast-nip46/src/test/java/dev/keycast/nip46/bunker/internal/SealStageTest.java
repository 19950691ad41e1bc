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
  final SealStage seal = new SealStage(fx.envelope);

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

  @Test
  void seal_twice_givesTheIdenticalEventDatedLikeTheRequest_andADifferentResponseADifferentOne()
      throws Exception {
    for (Nip46Envelope.Scheme scheme : Nip46Envelope.Scheme.values()) {
      RequestTask task =
          fx.task(fx.request("{\"id\":\"7\",\"method\":\"ping\",\"params\":[]}", scheme));
      Reply reply = new Reply(task, fx.signer(), scheme, fx.client.publicKey(), "7", "ping");
      SignedEvent first = seal.seal(reply, Nip46Response.ok("7", "pong"));
      SignedEvent again = new SealStage(fx.envelope).seal(reply, Nip46Response.ok("7", "pong"));
      SignedEvent other = seal.seal(reply, Nip46Response.error("7", "busy"));

      assertThat(again).isEqualTo(first);
      assertThat(first.createdAt()).isEqualTo(task.event.createdAt());
      assertThat(other.id()).isNotEqualTo(first.id());
      assertThat(other.content()).isNotEqualTo(first.content());
      assertThat(Nip46Codec.parseResponse(fx.envelope.open(other, fx.client)))
          .isEqualTo(Nip46Response.error("7", "busy"));
    }
  }

  @Test
  void seal_sameResponseToAnotherRequest_usesAnotherNonce() throws Exception {
    RequestTask a = fx.task(fx.request("{\"id\":\"1\",\"method\":\"ping\",\"params\":[]}"));
    RequestTask b = fx.task(fx.request("{\"id\":\"1\",\"method\":\"ping\",\"params\":[]}"));
    assertThat(b.event.id()).isNotEqualTo(a.event.id());
    Nip46Envelope.Scheme nip44 = Nip46Envelope.Scheme.NIP44;
    SignedEvent ra =
        seal.seal(
            new Reply(a, fx.signer(), nip44, fx.client.publicKey(), "1", "ping"),
            Nip46Response.ok("1", "pong"));
    SignedEvent rb =
        seal.seal(
            new Reply(b, fx.signer(), nip44, fx.client.publicKey(), "1", "ping"),
            Nip46Response.ok("1", "pong"));
    // NIP-44 v2 payload: version byte, then the 32-byte nonce.
    byte[] na =
        java.util.Arrays.copyOfRange(java.util.Base64.getDecoder().decode(ra.content()), 1, 33);
    byte[] nb =
        java.util.Arrays.copyOfRange(java.util.Base64.getDecoder().decode(rb.content()), 1, 33);
    assertThat(na).isNotEqualTo(nb);
  }
}
