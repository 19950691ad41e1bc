package dev.keycast.nip46.bunker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.bunker.internal.IntakeFilter.Verdict;
import dev.keycast.nip46.server.EventRejectReason;
import dev.keycast.nip46.server.IntakeLimits;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IntakeFilterTest {
  static final String SIGNER = "a".repeat(64);
  static final long NOW = 1_800_000_000L;
  final IntakeFilter filter =
      new IntakeFilter(
          IntakeLimits.builder().maxEventChars(2048).build(),
          Set.of(SIGNER)::contains,
          Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC),
          NOW - 1000);

  static SignedEvent event(
      String id, long createdAt, int kind, List<List<String>> tags, String content, String sig) {
    return new SignedEvent(id, "b".repeat(64), createdAt, kind, tags, content, sig);
  }

  static SignedEvent ok(String idChar) {
    return event(
        idChar.repeat(64), NOW, 24133, List.of(List.of("p", SIGNER)), "c", "d".repeat(128));
  }

  @Test
  void check_wellFormedAddressedToUs_accepts() {
    SignedEvent ev = ok("1");
    assertThat(filter.check(ev))
        .isEqualTo(new Verdict.Accept(SIGNER, ev.id() + ev.sig())); // the dedupe key, once
  }

  @Test
  void check_sameEventTwice_duplicate() {
    filter.check(ok("2"));
    assertThat(filter.check(ok("2"))).isEqualTo(new Verdict.Reject(EventRejectReason.DUPLICATE));
  }

  @Test
  void check_sameIdDifferentSignature_notSuppressed() {
    SignedEvent a = ok("3");
    SignedEvent b = event(a.id(), a.createdAt(), a.kind(), a.tags(), a.content(), "e".repeat(128));
    assertThat(filter.check(b)).isInstanceOf(Verdict.Accept.class);
    assertThat(filter.check(a)).isInstanceOf(Verdict.Accept.class);
  }

  @Test
  void check_datedBeforeTheFilterStarted_tooOld() {
    IntakeFilter started =
        new IntakeFilter(
            IntakeLimits.defaults(),
            Set.of(SIGNER)::contains,
            Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));
    SignedEvent before =
        event("7".repeat(64), NOW - 1, 24133, List.of(List.of("p", SIGNER)), "c", "d".repeat(128));
    assertThat(started.check(before)).isEqualTo(new Verdict.Reject(EventRejectReason.TOO_OLD));
    assertThat(started.check(ok("8"))).isInstanceOf(Verdict.Accept.class);
  }

  @Test
  void check_wrongKind_rejected() {
    assertThat(
            filter.check(
                event("4".repeat(64), NOW, 1, List.of(List.of("p", SIGNER)), "c", "d".repeat(128))))
        .isEqualTo(new Verdict.Reject(EventRejectReason.WRONG_KIND));
  }

  @Test
  void check_noOrForeignPTag_rejected() {
    assertThat(filter.check(event("5".repeat(64), NOW, 24133, List.of(), "c", "d".repeat(128))))
        .isEqualTo(new Verdict.Reject(EventRejectReason.FOREIGN_RECIPIENT));
    assertThat(
            filter.check(
                event(
                    "6".repeat(64),
                    NOW,
                    24133,
                    List.of(List.of("p", "f".repeat(64))),
                    "c",
                    "d".repeat(128))))
        .isEqualTo(new Verdict.Reject(EventRejectReason.FOREIGN_RECIPIENT));
    assertThat(
            filter.check(
                event(
                    "7".repeat(64),
                    NOW,
                    24133,
                    List.of(List.of("e", SIGNER), List.of("p")),
                    "c",
                    "d".repeat(128))))
        .isEqualTo(new Verdict.Reject(EventRejectReason.FOREIGN_RECIPIENT));
  }

  @Test
  void check_secondPTagIsOurs_accepts() {
    assertThat(
            filter.check(
                event(
                    "8".repeat(64),
                    NOW,
                    24133,
                    List.of(List.of("p", "f".repeat(64)), List.of("p", SIGNER)),
                    "c",
                    "d".repeat(128))))
        .extracting(v -> ((Verdict.Accept) v).signerPubkeyHex())
        .isEqualTo(SIGNER);
  }

  @Test
  void check_ageWindow_edgesInclusive() {
    assertThat(
            filter.check(
                event(
                    "9".repeat(64),
                    NOW - 120,
                    24133,
                    List.of(List.of("p", SIGNER)),
                    "c",
                    "d".repeat(128))))
        .isInstanceOf(Verdict.Accept.class);
    assertThat(
            filter.check(
                event(
                    "a".repeat(64),
                    NOW - 121,
                    24133,
                    List.of(List.of("p", SIGNER)),
                    "c",
                    "d".repeat(128))))
        .isEqualTo(new Verdict.Reject(EventRejectReason.TOO_OLD));
    assertThat(
            filter.check(
                event(
                    "b".repeat(64),
                    NOW + 60,
                    24133,
                    List.of(List.of("p", SIGNER)),
                    "c",
                    "d".repeat(128))))
        .isInstanceOf(Verdict.Accept.class);
    assertThat(
            filter.check(
                event(
                    "c".repeat(64),
                    NOW + 61,
                    24133,
                    List.of(List.of("p", SIGNER)),
                    "c",
                    "d".repeat(128))))
        .isEqualTo(new Verdict.Reject(EventRejectReason.TOO_NEW));
  }

  @Test
  void check_contentOverCap_tooLarge() {
    assertThat(
            filter.check(
                event(
                    "d".repeat(64),
                    NOW,
                    24133,
                    List.of(List.of("p", SIGNER)),
                    "x".repeat(2049),
                    "d".repeat(128))))
        .isEqualTo(new Verdict.Reject(EventRejectReason.TOO_LARGE));
    assertThat(filter.sizeAllowed(2048)).isTrue();
    assertThat(filter.sizeAllowed(2049)).isFalse();
  }

  @Test
  void limits_invalid_failFast() {
    assertThatThrownBy(() -> IntakeLimits.builder().maxEventChars(10).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> IntakeLimits.builder().maxAge(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> IntakeLimits.builder().rateLimit(0, 1).build())
        .isInstanceOf(IllegalArgumentException.class);
  }
}
