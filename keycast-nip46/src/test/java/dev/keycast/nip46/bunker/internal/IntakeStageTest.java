package dev.keycast.nip46.bunker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.server.EventRejectReason;
import dev.keycast.nip46.server.IntakeLimits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IntakeStageTest {
  final StageFixture fx = new StageFixture("social");
  final InFlight inFlight = new InFlight();
  final IntakeStage intake =
      new IntakeStage(
          new IntakeFilter(IntakeLimits.defaults(), fx.signerKey().toHex()::equals, fx.clock),
          inFlight,
          fx.stats);

  IntakeStageTest() throws Exception {}

  @AfterEach
  void close() {
    fx.close();
  }

  @Test
  void admit_requestToOurSigner_returnsSignerKey() throws Exception {
    assertThat(
            intake.admit(
                StageFixture.RELAY, fx.request("{\"id\":\"1\",\"method\":\"ping\",\"params\":[]}")))
        .extracting(IntakeFilter.Verdict.Accept::signerPubkeyHex)
        .isEqualTo(fx.signerKey().toHex());
  }

  @Test
  void admit_copyFromAnotherRelay_droppedAndRelayAddedToTheAnswer() throws Exception {
    SignedEvent ev = fx.request("{\"id\":\"1\",\"method\":\"ping\",\"params\":[]}");
    assertThat(intake.admit(StageFixture.RELAY, ev)).isNotNull();
    RequestTask task = fx.task(ev);
    inFlight.add(task);
    assertThat(intake.admit("wss://other.invalid", ev)).isNull();
    assertThat(fx.rejected(EventRejectReason.DUPLICATE)).isEqualTo(1);
    assertThat(task.relays).containsExactlyInAnyOrder(StageFixture.RELAY, "wss://other.invalid");
  }

  @Test
  void parse_oversizedOrMalformed_nullAndCounted() {
    assertThat(intake.parse("x".repeat(IntakeLimits.defaults().maxEventChars() + 1))).isNull();
    assertThat(fx.rejected(EventRejectReason.TOO_LARGE)).isEqualTo(1);
    assertThat(intake.parse("{\"not\":\"an event\"}")).isNull();
    assertThat(fx.rejected(EventRejectReason.MALFORMED_EVENT)).isEqualTo(1);
  }

  @Test
  void parse_eventJson_roundTrips() throws Exception {
    SignedEvent ev = fx.request("{\"id\":\"1\",\"method\":\"ping\",\"params\":[]}");
    assertThat(intake.parse(ev.toJson())).isEqualTo(ev);
  }
}
