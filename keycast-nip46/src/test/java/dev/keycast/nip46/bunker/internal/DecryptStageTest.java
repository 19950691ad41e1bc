package dev.keycast.nip46.bunker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.Nip46Envelope;
import dev.keycast.nip46.Nip46Request;
import dev.keycast.nip46.server.EventRejectReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DecryptStageTest {
  final StageFixture fx = new StageFixture("social");
  final DecryptStage decrypt = new DecryptStage(fx.cpu, fx.counted, fx.envelope, fx.stats);

  DecryptStageTest() throws Exception {}

  @AfterEach
  void close() {
    fx.close();
  }

  @Test
  void decrypt_nip44AndNip04Requests_parsed() throws Exception {
    for (Nip46Envelope.Scheme scheme : Nip46Envelope.Scheme.values()) {
      RequestTask task =
          fx.task(fx.request("{\"id\":\"p1\",\"method\":\"ping\",\"params\":[]}", scheme));
      DecryptStage.Opened opened =
          decrypt.decrypt(task, scheme, fx.signer().bunkerKey(), fx.parties());
      assertThat(opened).isEqualTo(new DecryptStage.Opened.Request(new Nip46Request.Ping("p1")));
    }
  }

  @Test
  void decrypt_invalidBody_invalidWithItsId() throws Exception {
    RequestTask task =
        fx.task(fx.request("{\"id\":\"x7\",\"method\":\"sign_event\",\"params\":[\"not json\"]}"));
    DecryptStage.Opened opened =
        decrypt.decrypt(task, Nip46Envelope.Scheme.NIP44, fx.signer().bunkerKey(), fx.parties());
    assertThat(opened).isEqualTo(new DecryptStage.Opened.Invalid("x7"));
  }

  @Test
  void decrypt_withTheWrongKey_droppedAsUndecryptable() throws Exception {
    RequestTask task = fx.task(fx.request("{\"id\":\"1\",\"method\":\"ping\",\"params\":[]}"));
    assertThat(
            decrypt.decrypt(task, Nip46Envelope.Scheme.NIP44, SecretKey.generate(), fx.parties()))
        .isNull();
    assertThat(fx.rejected(EventRejectReason.UNDECRYPTABLE)).isEqualTo(1);
  }
}
