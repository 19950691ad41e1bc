package dev.keycast.nip46.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.Nip46Method;
import dev.keycast.nip46.Permission;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.ConnectedClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Invariants of the evaluator over random policies, grants and requests. */
class PolicyEvaluatorProperties {
  private static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);
  private static final PublicKey USER = SecretKey.generate().publicKey();
  private static final PublicKey OTHER = SecretKey.generate().publicKey();
  private static final Authorization AUTH =
      new Authorization(
          1,
          "k",
          USER,
          SecretKey.generate().publicKey(),
          "s",
          List.of("wss://r"),
          "p",
          null,
          0,
          null,
          null,
          null,
          NOW,
          NOW);
  private static final List<String> REASONS =
      List.of(
          PolicyDecision.Deny.REVOKED,
          PolicyDecision.Deny.EXPIRED,
          PolicyDecision.Deny.NOT_CONNECTED,
          PolicyDecision.Deny.NOT_GRANTED,
          PolicyDecision.Deny.METHOD_NOT_ALLOWED,
          PolicyDecision.Deny.KIND_NOT_ALLOWED,
          PolicyDecision.Deny.BLOCKED_CONTENT,
          PolicyDecision.Deny.SELF_ONLY);

  @Provide
  Arbitrary<PermissionSet> perms() {
    Arbitrary<Permission> method =
        Arbitraries.of(
                Nip46Method.SIGN_EVENT,
                Nip46Method.NIP04_ENCRYPT,
                Nip46Method.NIP04_DECRYPT,
                Nip46Method.NIP44_ENCRYPT,
                Nip46Method.NIP44_DECRYPT)
            .map(Permission::of);
    Arbitrary<Permission> kind = Arbitraries.integers().between(0, 12).map(Permission::signEvent);
    return Arbitraries.oneOf(method, kind, kind).list().ofMaxSize(6).map(PermissionSet::of);
  }

  @Provide
  Arbitrary<Policy> policies() {
    return Combinators.combine(
            perms(), Arbitraries.of("", "spam", "Scam"), Arbitraries.of(true, false))
        .as(
            (p, word, self) ->
                Policy.builder("random")
                    .permissions(p)
                    .blockedWords(word.isEmpty() ? List.of() : List.of(word))
                    .selfEncryptionOnly(self)
                    .build());
  }

  @Provide
  Arbitrary<PolicyRequest> requests() {
    Arbitrary<String> text = Arbitraries.of("hello", "this is SPAM", "a scam!", "gm");
    Arbitrary<PublicKey> peer = Arbitraries.of(USER, OTHER);
    return Arbitraries.oneOf(
        Combinators.combine(Arbitraries.integers().between(0, 12), text)
            .as((k, t) -> new PolicyRequest.SignEvent(k, t, NOW.getEpochSecond())),
        Combinators.combine(
                Arbitraries.of(Nip46Method.NIP04_ENCRYPT, Nip46Method.NIP44_ENCRYPT), peer, text)
            .as(PolicyRequest.Encrypt::new),
        Combinators.combine(
                Arbitraries.of(Nip46Method.NIP04_DECRYPT, Nip46Method.NIP44_DECRYPT), peer)
            .as(PolicyRequest.Decrypt::new),
        Arbitraries.of(
                Nip46Method.CONNECT,
                Nip46Method.PING,
                Nip46Method.GET_PUBLIC_KEY,
                Nip46Method.SWITCH_RELAYS,
                Nip46Method.LOGOUT)
            .map(PolicyRequest.Basic::new));
  }

  @Property(tries = 400)
  void allowed_impliesPolicyAndGrantAndContentRulesHold(
      @ForAll("policies") Policy policy,
      @ForAll("perms") PermissionSet granted,
      @ForAll("requests") PolicyRequest request) {
    ConnectedClient client = new ConnectedClient(1, OTHER, granted, NOW);
    PolicyDecision d = PolicyEvaluator.evaluate(policy, AUTH.policySubject(client), request, NOW);
    if (d instanceof PolicyDecision.Deny deny) {
      assertThat(REASONS).contains(deny.reason());
      return;
    }
    switch (request) {
      case PolicyRequest.SignEvent s -> {
        assertThat(policy.permissions().allowsSignEvent(s.kind())).isTrue();
        assertThat(granted.isEmpty() || granted.allowsSignEvent(s.kind())).isTrue();
        assertThat(policy.containsBlockedWord(s.content())).isFalse();
      }
      case PolicyRequest.Encrypt e -> {
        assertThat(policy.permissions().allows(e.method())).isTrue();
        assertThat(granted.isEmpty() || granted.allows(e.method())).isTrue();
        assertThat(!policy.selfEncryptionOnly() || e.peer().equals(USER)).isTrue();
        for (String w : policy.blockedWords()) {
          assertThat(e.plaintext().toLowerCase(Locale.ROOT)).doesNotContain(w);
        }
      }
      case PolicyRequest.Decrypt dd -> {
        assertThat(policy.permissions().allows(dd.method())).isTrue();
        assertThat(granted.isEmpty() || granted.allows(dd.method())).isTrue();
        assertThat(!policy.selfEncryptionOnly() || dd.peer().equals(USER)).isTrue();
      }
      case PolicyRequest.Basic b -> {}
    }
  }

  @Property(tries = 200)
  void revokedOrExpiredOrForeignClient_neverAllowsSensitiveMethods(
      @ForAll("policies") Policy policy,
      @ForAll("requests") PolicyRequest request,
      @ForAll @IntRange(min = 0, max = 2) int scenario) {
    Authorization auth =
        switch (scenario) {
          case 0 ->
              new Authorization(
                  1,
                  "k",
                  USER,
                  AUTH.bunkerPublicKey(),
                  "s",
                  List.of("wss://r"),
                  "p",
                  null,
                  0,
                  null,
                  NOW.minusSeconds(1),
                  null,
                  NOW,
                  NOW);
          case 1 ->
              new Authorization(
                  1,
                  "k",
                  USER,
                  AUTH.bunkerPublicKey(),
                  "s",
                  List.of("wss://r"),
                  "p",
                  null,
                  0,
                  NOW.minusSeconds(1),
                  null,
                  null,
                  NOW,
                  NOW);
          default -> AUTH;
        };
    ConnectedClient client =
        scenario == 2 ? null : new ConnectedClient(1, OTHER, PermissionSet.all(), NOW);
    PolicyDecision d = PolicyEvaluator.evaluate(policy, auth.policySubject(client), request, NOW);
    boolean gateFree =
        request.method() == Nip46Method.CONNECT || request.method() == Nip46Method.PING;
    if (scenario < 2 || !gateFree) {
      assertThat(d.isAllowed()).as(scenario + " " + request).isFalse();
    }
  }

  @Property(tries = 100)
  void denyReasons_neverEchoContent(
      @ForAll("policies") Policy policy, @ForAll("requests") PolicyRequest request) {
    List<String> texts = new ArrayList<>();
    if (request instanceof PolicyRequest.SignEvent s) {
      texts.add(s.content());
    } else if (request instanceof PolicyRequest.Encrypt e) {
      texts.add(e.plaintext());
    }
    PolicyDecision d =
        PolicyEvaluator.evaluate(
            policy,
            AUTH.policySubject(new ConnectedClient(1, OTHER, PermissionSet.empty(), NOW)),
            request,
            NOW);
    if (d instanceof PolicyDecision.Deny deny) {
      for (String t : texts) {
        assertThat(deny.reason()).doesNotContain(t);
      }
    }
  }
}
