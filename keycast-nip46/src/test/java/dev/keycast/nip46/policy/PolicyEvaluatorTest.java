package dev.keycast.nip46.policy;

import static dev.keycast.nip46.policy.PolicyDecision.Deny.BLOCKED_CONTENT;
import static dev.keycast.nip46.policy.PolicyDecision.Deny.EXPIRED;
import static dev.keycast.nip46.policy.PolicyDecision.Deny.KIND_NOT_ALLOWED;
import static dev.keycast.nip46.policy.PolicyDecision.Deny.METHOD_NOT_ALLOWED;
import static dev.keycast.nip46.policy.PolicyDecision.Deny.NOT_CONNECTED;
import static dev.keycast.nip46.policy.PolicyDecision.Deny.NOT_GRANTED;
import static dev.keycast.nip46.policy.PolicyDecision.Deny.REVOKED;
import static dev.keycast.nip46.policy.PolicyDecision.Deny.SELF_ONLY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.Nip46Method;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.ConnectedClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class PolicyEvaluatorTest {
  private static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);
  private final PublicKey user = SecretKey.generate().publicKey();
  private final PublicKey peer = SecretKey.generate().publicKey();
  private final PublicKey clientKey = SecretKey.generate().publicKey();

  private Authorization auth(@Nullable Instant expiresAt, @Nullable Instant revokedAt) {
    return new Authorization(
        42,
        "alice",
        user,
        SecretKey.generate().publicKey(),
        "secret",
        List.of("wss://r"),
        "social",
        1,
        1,
        expiresAt,
        revokedAt,
        null,
        NOW,
        NOW);
  }

  private ConnectedClient client(String perms) {
    return new ConnectedClient(42, clientKey, PermissionSet.parse(perms), NOW);
  }

  private PolicyDecision eval(
      Policy p, Authorization a, @Nullable ConnectedClient c, PolicyRequest r) {
    return PolicyEvaluator.evaluate(p, a.policySubject(c), r, NOW);
  }

  private static PolicyRequest sign(int kind, String content) {
    return new PolicyRequest.SignEvent(kind, content, NOW.getEpochSecond());
  }

  @Test
  void signEvent_createdAtBeyondMaxFuture_denied_defaultTenMinutesForEveryKind() {
    Authorization a = auth(null, null);
    ConnectedClient c = client("");
    long now = NOW.getEpochSecond();
    for (Policy p : List.of(Policies.FULL, Policies.SOCIAL)) {
      assertThat(p.maxFuture()).isEqualTo(Duration.ofMinutes(10));
      assertThat(eval(p, a, c, new PolicyRequest.SignEvent(0, "x", now + 600)).isAllowed())
          .isTrue();
      assertThat(eval(p, a, c, new PolicyRequest.SignEvent(0, "x", now + 601)))
          .isEqualTo(PolicyDecision.deny(PolicyDecision.Deny.CREATED_AT_FUTURE));
      assertThat(eval(p, a, c, new PolicyRequest.SignEvent(1, "x", now + 365L * 86_400)))
          .isEqualTo(PolicyDecision.deny(PolicyDecision.Deny.CREATED_AT_FUTURE));
      // no past bound by default
      assertThat(eval(p, a, c, new PolicyRequest.SignEvent(1, "x", 0)).isAllowed()).isTrue();
    }
  }

  @Test
  void signEvent_maxPastAndMaxFutureFromThePolicy() {
    Authorization a = auth(null, null);
    ConnectedClient c = client("");
    long now = NOW.getEpochSecond();
    Policy p =
        Policy.builder("clocked")
            .permissions("sign_event")
            .maxFuture(Duration.ZERO)
            .maxPast(Duration.ofHours(1))
            .build();
    assertThat(eval(p, a, c, new PolicyRequest.SignEvent(1, "x", now)).isAllowed()).isTrue();
    assertThat(eval(p, a, c, new PolicyRequest.SignEvent(1, "x", now + 1)))
        .isEqualTo(PolicyDecision.deny(PolicyDecision.Deny.CREATED_AT_FUTURE));
    assertThat(eval(p, a, c, new PolicyRequest.SignEvent(1, "x", now - 3600)).isAllowed()).isTrue();
    assertThat(eval(p, a, c, new PolicyRequest.SignEvent(1, "x", now - 3601)))
        .isEqualTo(PolicyDecision.deny(PolicyDecision.Deny.CREATED_AT_PAST));
  }

  @Test
  void evaluate_socialPolicy_allowsSocialKindsAndDeniesOthers() {
    Authorization a = auth(null, null);
    ConnectedClient c = client("");
    assertThat(eval(Policies.SOCIAL, a, c, sign(1, "gm"))).isEqualTo(PolicyDecision.allow());
    assertThat(eval(Policies.SOCIAL, a, c, sign(7, "+"))).isEqualTo(PolicyDecision.allow());
    assertThat(eval(Policies.SOCIAL, a, c, sign(30023, "long"))).isEqualTo(PolicyDecision.allow());
    assertThat(eval(Policies.SOCIAL, a, c, sign(9735, "zap receipt")))
        .isEqualTo(new PolicyDecision.Deny(KIND_NOT_ALLOWED));
    assertThat(eval(Policies.FULL, a, c, sign(9735, "zap receipt")))
        .isEqualTo(PolicyDecision.allow());
  }

  @Test
  void evaluate_readonlyPolicy_allowsBasicMethodsOnly() {
    Authorization a = auth(null, null);
    ConnectedClient c = client("");
    for (Nip46Method m :
        List.of(
            Nip46Method.CONNECT,
            Nip46Method.PING,
            Nip46Method.GET_PUBLIC_KEY,
            Nip46Method.SWITCH_RELAYS,
            Nip46Method.LOGOUT)) {
      assertThat(eval(Policies.READONLY, a, c, new PolicyRequest.Basic(m)).isAllowed())
          .as(m.wireName())
          .isTrue();
    }
    assertThat(eval(Policies.READONLY, a, c, sign(1, "x")))
        .isEqualTo(new PolicyDecision.Deny(METHOD_NOT_ALLOWED));
    assertThat(
            eval(
                Policies.READONLY,
                a,
                c,
                new PolicyRequest.Encrypt(Nip46Method.NIP44_ENCRYPT, peer, "x")))
        .isEqualTo(new PolicyDecision.Deny(METHOD_NOT_ALLOWED));
    assertThat(
            eval(
                Policies.READONLY,
                a,
                c,
                new PolicyRequest.Decrypt(Nip46Method.NIP04_DECRYPT, peer)))
        .isEqualTo(new PolicyDecision.Deny(METHOD_NOT_ALLOWED));
  }

  @Test
  void evaluate_revokedOrExpired_deniesEverythingIncludingPing() {
    ConnectedClient c = client("");
    Authorization revoked = auth(null, NOW.minusSeconds(1));
    Authorization expired = auth(NOW, null); // expiry is exclusive: at NOW it has expired
    for (PolicyRequest r :
        List.of(
            sign(1, "x"),
            new PolicyRequest.Basic(Nip46Method.PING),
            new PolicyRequest.Basic(Nip46Method.CONNECT),
            new PolicyRequest.Decrypt(Nip46Method.NIP44_DECRYPT, peer))) {
      assertThat(eval(Policies.FULL, revoked, c, r)).isEqualTo(new PolicyDecision.Deny(REVOKED));
      assertThat(eval(Policies.FULL, expired, c, r)).isEqualTo(new PolicyDecision.Deny(EXPIRED));
    }
    assertThat(eval(Policies.FULL, auth(NOW.plusSeconds(1), null), c, sign(1, "x")).isAllowed())
        .isTrue();
  }

  @Test
  void evaluate_notConnected_onlyConnectAndPingAllowed() {
    Authorization a = auth(null, null);
    assertThat(
            eval(Policies.FULL, a, null, new PolicyRequest.Basic(Nip46Method.CONNECT)).isAllowed())
        .isTrue();
    assertThat(eval(Policies.FULL, a, null, new PolicyRequest.Basic(Nip46Method.PING)).isAllowed())
        .isTrue();
    assertThat(eval(Policies.FULL, a, null, new PolicyRequest.Basic(Nip46Method.GET_PUBLIC_KEY)))
        .isEqualTo(new PolicyDecision.Deny(NOT_CONNECTED));
    assertThat(eval(Policies.FULL, a, null, sign(1, "x")))
        .isEqualTo(new PolicyDecision.Deny(NOT_CONNECTED));
    ConnectedClient otherAuth = new ConnectedClient(43, clientKey, PermissionSet.empty(), NOW);
    assertThat(eval(Policies.FULL, a, otherAuth, sign(1, "x")))
        .isEqualTo(new PolicyDecision.Deny(NOT_CONNECTED));
  }

  @Test
  void evaluate_grantedPerms_intersectWithPolicy() {
    Authorization a = auth(null, null);
    ConnectedClient c = client("sign_event:1,nip44_encrypt");
    assertThat(eval(Policies.FULL, a, c, sign(1, "x")).isAllowed()).isTrue();
    assertThat(eval(Policies.FULL, a, c, sign(7, "x")))
        .isEqualTo(new PolicyDecision.Deny(NOT_GRANTED));
    assertThat(
            eval(
                    Policies.FULL,
                    a,
                    c,
                    new PolicyRequest.Encrypt(Nip46Method.NIP44_ENCRYPT, peer, "x"))
                .isAllowed())
        .isTrue();
    assertThat(
            eval(Policies.FULL, a, c, new PolicyRequest.Decrypt(Nip46Method.NIP44_DECRYPT, peer)))
        .isEqualTo(new PolicyDecision.Deny(NOT_GRANTED));
    assertThat(
            eval(
                Policies.FULL,
                a,
                c,
                new PolicyRequest.Encrypt(Nip46Method.NIP04_ENCRYPT, peer, "x")))
        .isEqualTo(new PolicyDecision.Deny(NOT_GRANTED));
    // a grant never widens the policy
    ConnectedClient wide = client("sign_event");
    assertThat(eval(Policies.SOCIAL, a, wide, sign(9735, "x")))
        .isEqualTo(new PolicyDecision.Deny(KIND_NOT_ALLOWED));
    // basic methods need no grant
    assertThat(
            eval(Policies.FULL, a, c, new PolicyRequest.Basic(Nip46Method.GET_PUBLIC_KEY))
                .isAllowed())
        .isTrue();
  }

  @Test
  void evaluate_blockedWords_caseInsensitiveInContentAndPlaintext() {
    Policy p =
        Policy.builder("strict")
            .permissions("sign_event,nip44_encrypt,nip44_decrypt")
            .blockedWords(List.of("  Secret Plan ", "", "BUY"))
            .build();
    assertThat(p.blockedWords()).containsExactly("secret plan", "buy");
    Authorization a = auth(null, null);
    ConnectedClient c = client("");
    assertThat(eval(p, a, c, sign(1, "our SECRET plan is")))
        .isEqualTo(new PolicyDecision.Deny(BLOCKED_CONTENT));
    assertThat(eval(p, a, c, sign(1, "please Buy now")))
        .isEqualTo(new PolicyDecision.Deny(BLOCKED_CONTENT));
    assertThat(eval(p, a, c, sign(1, "nothing here")).isAllowed()).isTrue();
    assertThat(eval(p, a, c, new PolicyRequest.Encrypt(Nip46Method.NIP44_ENCRYPT, peer, "bUy it")))
        .isEqualTo(new PolicyDecision.Deny(BLOCKED_CONTENT));
    assertThat(
            eval(p, a, c, new PolicyRequest.Decrypt(Nip46Method.NIP44_DECRYPT, peer)).isAllowed())
        .isTrue();
    PolicyDecision.Deny d = (PolicyDecision.Deny) eval(p, a, c, sign(1, "buy"));
    assertThat(d.reason()).doesNotContainIgnoringCase("buy");
  }

  /**
   * Issue 13, item 11: blocked words match normalised text (NFKC, format characters removed, case
   * folded) and tag values; what still passes is documented on {@link Policy}.
   */
  @Test
  void evaluate_blockedWords_matchNormalisedContentAndTagValues() {
    Policy p =
        Policy.builder("strict")
            .permissions("sign_event,nip44_encrypt")
            .blockedWords(List.of("buy", "Straße"))
            .build();
    assertThat(p.blockedWords()).containsExactly("buy", "strasse");
    Authorization a = auth(null, null);
    ConnectedClient c = client("");
    for (String evasive :
        List.of(
            "b\u200Buy now", // zero-width space
            "bu\u00ADy now", // soft hyphen
            "b\u2060u\u200Dy", // word joiner, zero-width joiner
            "\uFF22\uFF35\uFF39 now", // full-width BUY
            "\uFEFFBuY", // byte-order mark
            "STRASSE",
            "stra\u00DFe")) {
      assertThat(eval(p, a, c, sign(1, evasive)))
          .as(evasive)
          .isEqualTo(new PolicyDecision.Deny(BLOCKED_CONTENT));
      assertThat(eval(p, a, c, new PolicyRequest.Encrypt(Nip46Method.NIP44_ENCRYPT, peer, evasive)))
          .as(evasive)
          .isEqualTo(new PolicyDecision.Deny(BLOCKED_CONTENT));
    }
    // Tag values are checked; tag names are not.
    PolicyRequest tagged =
        PolicyRequest.of(
            new dev.keycast.nip46.Nip46Request.SignEvent(
                "1",
                new dev.keycast.nip46.EventTemplate(
                    1, "harmless", List.of(List.of("t", "BUY")), 1L)));
    assertThat(eval(p, a, c, tagged)).isEqualTo(new PolicyDecision.Deny(BLOCKED_CONTENT));
    PolicyRequest tagName =
        PolicyRequest.of(
            new dev.keycast.nip46.Nip46Request.SignEvent(
                "1",
                new dev.keycast.nip46.EventTemplate(
                    1, "harmless", List.of(List.of("buy", "x")), 1L)));
    assertThat(eval(p, a, c, tagName).isAllowed()).isTrue();
    // Documented best-effort: these pass.
    for (String passes :
        List.of(
            "b\u0443y", // Cyrillic u
            "b u y",
            "b.u.y",
            "bvy")) {
      assertThat(eval(p, a, c, sign(1, passes)).isAllowed()).as(passes).isTrue();
    }
  }

  @Test
  void evaluate_selfEncryptionOnly_allowsOnlyTheUsersOwnKey() {
    Policy p =
        Policy.builder("notes")
            .permissions("nip44_encrypt,nip44_decrypt")
            .selfEncryptionOnly(true)
            .build();
    Authorization a = auth(null, null);
    ConnectedClient c = client("");
    assertThat(
            eval(p, a, c, new PolicyRequest.Encrypt(Nip46Method.NIP44_ENCRYPT, user, "note"))
                .isAllowed())
        .isTrue();
    assertThat(
            eval(p, a, c, new PolicyRequest.Decrypt(Nip46Method.NIP44_DECRYPT, user)).isAllowed())
        .isTrue();
    assertThat(eval(p, a, c, new PolicyRequest.Encrypt(Nip46Method.NIP44_ENCRYPT, peer, "note")))
        .isEqualTo(new PolicyDecision.Deny(SELF_ONLY));
    assertThat(eval(p, a, c, new PolicyRequest.Decrypt(Nip46Method.NIP44_DECRYPT, peer)))
        .isEqualTo(new PolicyDecision.Deny(SELF_ONLY));
  }

  @Test
  void policyRequest_wrongMethodForRecord_throwsIllegalArgument() {
    assertThatThrownBy(() -> new PolicyRequest.Encrypt(Nip46Method.NIP44_DECRYPT, peer, "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PolicyRequest.Decrypt(Nip46Method.SIGN_EVENT, peer))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PolicyRequest.Basic(Nip46Method.SIGN_EVENT))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new PolicyRequest.Encrypt(Nip46Method.NIP44_ENCRYPT, peer, "hidden text").toString())
        .doesNotContain("hidden");
    assertThat(sign(1, "hidden text").toString()).doesNotContain("hidden");
  }

  @Test
  void policies_builtInsAreNamedAndResolvable() {
    assertThat(Policies.builtIns()).containsOnlyKeys("full", "social", "readonly");
    assertThat(Policies.builtIn("social")).contains(Policies.SOCIAL);
    assertThat(Policies.builtIn("nope")).isEmpty();
    for (int kind : Policies.SOCIAL_KINDS) {
      assertThat(Policies.SOCIAL.allowsKind(kind)).isTrue();
    }
    assertThatThrownBy(() -> Policy.builder("Bad Name").build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RateLimit(0, java.time.Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void of_parsedRequests_mapToPolicyRequests() {
    assertThat(PolicyRequest.of(new dev.keycast.nip46.Nip46Request.GetPublicKey("1")))
        .isEqualTo(new PolicyRequest.Basic(Nip46Method.GET_PUBLIC_KEY));
    assertThat(
            PolicyRequest.of(
                new dev.keycast.nip46.Nip46Request.SignEvent(
                    "2", new dev.keycast.nip46.EventTemplate(7, "+", List.of(), 1L))))
        .isEqualTo(new PolicyRequest.SignEvent(7, "+", 1L));
    assertThat(
            PolicyRequest.of(
                new dev.keycast.nip46.Nip46Request.Nip44Encrypt("3", peer.toHex(), "hi")))
        .isEqualTo(new PolicyRequest.Encrypt(Nip46Method.NIP44_ENCRYPT, peer, "hi"));
    assertThat(
            PolicyRequest.of(
                new dev.keycast.nip46.Nip46Request.Nip04Decrypt("4", peer.toHex(), "ct?iv=x")))
        .isEqualTo(new PolicyRequest.Decrypt(Nip46Method.NIP04_DECRYPT, peer));
    assertThatThrownBy(
            () -> PolicyRequest.of(new dev.keycast.nip46.Nip46Request.Unknown("5", "frobnicate")))
        .isInstanceOf(IllegalArgumentException.class);
    String notOnCurve = "0000000000000000000000000000000000000000000000000000000000000005";
    assertThatThrownBy(
            () ->
                PolicyRequest.of(
                    new dev.keycast.nip46.Nip46Request.Nip44Decrypt("6", notOnCurve, "x")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void askPermissions_sameChecksButAsk_allowWins() {
    Policy p =
        Policy.builder("asking")
            .permissions("sign_event:1,nip44_encrypt")
            .ask("sign_event:0,sign_event:1,nip44_decrypt")
            .blockedWords(List.of("spam"))
            .selfEncryptionOnly(true)
            .build();
    Authorization a = auth(null, null);
    ConnectedClient c = client("");
    assertThat(eval(p, a, c, sign(1, "x"))).isEqualTo(PolicyDecision.allow());
    assertThat(eval(p, a, c, sign(0, "x"))).isEqualTo(PolicyDecision.ask());
    assertThat(eval(p, a, c, sign(0, "x")).needsApproval()).isTrue();
    assertThat(eval(p, a, c, sign(0, "x")).isAllowed()).isFalse();
    assertThat(eval(p, a, c, sign(0, "spam"))).isEqualTo(new PolicyDecision.Deny(BLOCKED_CONTENT));
    assertThat(eval(p, a, c, sign(7, "x"))).isEqualTo(new PolicyDecision.Deny(KIND_NOT_ALLOWED));
    assertThat(eval(p, a, c, new PolicyRequest.Decrypt(Nip46Method.NIP44_DECRYPT, user)))
        .isEqualTo(PolicyDecision.ask());
    assertThat(eval(p, a, c, new PolicyRequest.Decrypt(Nip46Method.NIP44_DECRYPT, peer)))
        .isEqualTo(new PolicyDecision.Deny(SELF_ONLY));
    assertThat(eval(p, a, c, new PolicyRequest.Decrypt(Nip46Method.NIP04_DECRYPT, user)))
        .isEqualTo(new PolicyDecision.Deny(METHOD_NOT_ALLOWED));
    assertThat(eval(p, a, client("sign_event:1"), sign(0, "x")))
        .isEqualTo(new PolicyDecision.Deny(NOT_GRANTED));
    assertThat(eval(p, auth(null, NOW), c, sign(0, "x")))
        .isEqualTo(new PolicyDecision.Deny(REVOKED));
    Policy askOnly = Policy.builder("ask-only").ask("sign_event:30023").build();
    assertThat(eval(askOnly, a, c, sign(30023, "x"))).isEqualTo(PolicyDecision.ask());
    assertThat(eval(askOnly, a, c, sign(1, "x")))
        .isEqualTo(new PolicyDecision.Deny(KIND_NOT_ALLOWED));
  }
}
