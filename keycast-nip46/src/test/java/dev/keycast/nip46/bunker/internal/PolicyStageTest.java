package dev.keycast.nip46.bunker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.nip46.EventTemplate;
import dev.keycast.nip46.Nip46Request;
import dev.keycast.nip46.Nip46Response;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.policy.Policies;
import dev.keycast.nip46.store.AuditEntry;
import dev.keycast.nip46.store.AuditOutcome;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.StoreException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PolicyStageTest {
  final StageFixture fx = new StageFixture("social");
  final PolicyStage stage =
      new PolicyStage(fx.cache, new Auditor(fx.db.audit(), fx.clock), fx.clock);

  PolicyStageTest() throws Exception {}

  @AfterEach
  void close() {
    fx.close();
  }

  static Nip46Request sign(int kind) {
    return new Nip46Request.SignEvent(
        "s" + kind, new EventTemplate(kind, "gm", List.of(), 1_700_000_000L));
  }

  Optional<Nip46Response> check(Nip46Request r, Authorization auth) {
    return Optional.ofNullable(
        stage.checkWithAsk(r, auth, fx.client.publicKey(), Policies.SOCIAL, null).denial());
  }

  @Test
  void check_clientNotConnected_unauthorizedAndAudited() {
    assertThat(check(sign(1), fx.auth)).contains(Nip46Response.error("s1", "unauthorized"));
    List<AuditEntry> audit = fx.db.audit().forAuthorization(fx.auth.id(), 10);
    assertThat(audit)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.outcome()).isEqualTo(AuditOutcome.DENIED);
              assertThat(e.method()).isEqualTo("sign_event");
              assertThat(e.eventKind()).isEqualTo(1);
            });
  }

  @Test
  void check_connectedClient_allowedKindPassesOtherKindDenied() {
    fx.connect("");
    assertThat(check(sign(1), fx.auth)).isEmpty();
    assertThat(check(sign(9735), fx.auth))
        .contains(Nip46Response.error("s9735", "permission denied"));
  }

  @Test
  void check_connectAndUnknownMethods_passToTheHandler() {
    Nip46Request connect =
        new Nip46Request.Connect("c", null, "wrong", PermissionSet.empty(), null);
    assertThat(check(connect, fx.auth)).isEmpty();
    assertThat(check(new Nip46Request.Unknown("u", "frobnicate", List.of()), fx.auth)).isEmpty();
  }

  @Test
  void check_revokedAuthorization_pingUnauthorized() {
    fx.db.authorizations().revoke(fx.auth.id(), Instant.now());
    Authorization revoked =
        fx.db.authorizations().findByBunkerPublicKey(fx.signerKey()).orElseThrow();
    assertThat(check(new Nip46Request.Ping("p"), revoked))
        .contains(Nip46Response.error("p", "unauthorized"));
  }

  @Test
  void check_unknownPolicyOrFailedLookup_answered() {
    assertThat(
            stage
                .checkWithAsk(
                    new Nip46Request.Ping("p"), fx.auth, fx.client.publicKey(), null, null)
                .denial())
        .isEqualTo(Nip46Response.error("p", "unauthorized"));
    assertThat(
            stage
                .checkWithAsk(
                    new Nip46Request.Ping("p"),
                    fx.auth,
                    fx.client.publicKey(),
                    null,
                    new StoreException("down"))
                .denial())
        .isEqualTo(Nip46Response.error("p", "internal error"));
  }
}
