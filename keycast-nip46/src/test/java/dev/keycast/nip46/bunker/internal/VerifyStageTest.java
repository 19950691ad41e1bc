package dev.keycast.nip46.bunker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.server.EventRejectReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class VerifyStageTest {
  final StageFixture fx = new StageFixture("social");
  final VerifyStage verify =
      new VerifyStage(fx.cpu, fx.counted, new SeenEvents(100, 300), fx.stats, fx.clock);

  VerifyStageTest() throws Exception {}

  @AfterEach
  void close() {
    fx.close();
  }

  @Test
  void verify_genuineRequest_returnsClientAndSignerKeys() throws Exception {
    RequestParties parties =
        verify.verify(fx.task(fx.request("{\"id\":\"1\",\"method\":\"ping\",\"params\":[]}")));
    assertThat(parties).isEqualTo(fx.parties());
  }

  @Test
  void verify_forgedSignature_droppedAsBadSignature() throws Exception {
    SignedEvent ev = fx.request("{\"id\":\"1\",\"method\":\"ping\",\"params\":[]}");
    char last = ev.sig().charAt(127);
    SignedEvent forged =
        new SignedEvent(
            ev.id(),
            ev.pubkey(),
            ev.createdAt(),
            ev.kind(),
            ev.tags(),
            ev.content(),
            ev.sig().substring(0, 127) + (last == '0' ? '1' : '0'));
    assertThat(verify.verify(fx.task(forged))).isNull();
    assertThat(fx.rejected(EventRejectReason.BAD_SIGNATURE)).isEqualTo(1);
  }

  @Test
  void verify_sameGenuineIdTwice_secondDroppedAsDuplicate() throws Exception {
    SignedEvent ev = fx.request("{\"id\":\"1\",\"method\":\"ping\",\"params\":[]}");
    assertThat(verify.verify(fx.task(ev))).isNotNull();
    assertThat(verify.verify(fx.task(ev))).isNull();
    assertThat(fx.rejected(EventRejectReason.DUPLICATE)).isEqualTo(1);
  }
}
