package dev.keycast.nip46.bunker;

import static dev.keycast.nip46.bunker.Fixture.note;
import static dev.keycast.nip46.bunker.Fixture.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.client.Nip46Client;
import dev.keycast.nip46.client.Nip46Result;
import dev.keycast.nip46.client.Nip46Result.Failure;
import dev.keycast.nip46.client.Nip46Result.Success;
import dev.keycast.nip46.policy.Policies;
import dev.keycast.nip46.policy.Policy;
import dev.keycast.nip46.policy.RateLimit;
import dev.keycast.nip46.server.Approvals;
import dev.keycast.nip46.server.Approvals.Verdict;
import dev.keycast.nip46.server.PendingApproval;
import dev.keycast.nip46.store.AuditEntry;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.queue.WorkQueueConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The built-in approver end to end: a Bunker on SQLite and a dev relay, a policy that asks for kind
 * 30023 and nip44_encrypt, real NIP-46 clients that receive {@code auth_url} and then the real
 * answer. The bunker has a single queue worker, so a parked request that held one would block every
 * other request.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BunkerApprovalTest {
  static final int ASKED_KIND = 30023;
  static final String URL_BASE = "http://127.0.0.1:9/approve/";
  static final Policy ASKING =
      Policy.builder("asking")
          .permissions("sign_event:1")
          .ask("sign_event:30023,nip44_encrypt")
          .rateLimit(RateLimit.perMinute(600))
          .build();

  Fixture fx;

  @BeforeAll
  void setUp() throws Exception {
    fx = new Fixture(1, configure(Duration.ofMinutes(5)));
  }

  static Consumer<Bunker.Builder> configure(Duration timeout) {
    return b ->
        b.policies(name -> "asking".equals(name) ? Optional.of(ASKING) : Policies.builtIn(name))
            .workQueue(WorkQueueConfig.builder().name("approval-test").workers(1).build())
            .approvalUrls(id -> URL_BASE + id)
            .approvalTimeout(timeout);
  }

  @AfterAll
  void tearDown() throws Exception {
    if (fx != null) {
      fx.close();
    }
  }

  /** A connected client of a fresh "asking" authorization, recording the auth_urls it gets. */
  record Asker(Authorization auth, Nip46Client client, List<String> urls) {
    String approvalId(int i) {
      return urls.get(i).substring(URL_BASE.length());
    }
  }

  Asker asker(Fixture f) throws Exception {
    Authorization a = f.authorize("asking", 1);
    List<String> urls = new CopyOnWriteArrayList<>();
    Nip46Client c = f.client(a, SecretKey.generate(), b -> b.onAuthUrl((id, url) -> urls.add(url)));
    assertThat(result(c.connect(PermissionSet.empty()))).isEqualTo(new Success("ack"));
    return new Asker(a, c, urls);
  }

  static void awaitUrls(Asker a, int n) {
    await("auth_url").atMost(Fixture.WAIT).until(() -> a.urls().size() >= n);
  }

  @Test
  void ask_authUrlThenAllow_realReplyFollowsUnderTheSameId() throws Exception {
    Asker a = asker(fx);
    CompletableFuture<Nip46Result> pending = a.client().signEvent(note(ASKED_KIND, "long form"));
    awaitUrls(a, 1);
    assertThat(a.urls().get(0)).startsWith(URL_BASE);
    PendingApproval p = fx.bunker.approvals().find(a.approvalId(0)).orElseThrow();
    assertThat(p.method()).isEqualTo("sign_event");
    assertThat(p.kind()).isEqualTo(ASKED_KIND);
    assertThat(p.permission()).isEqualTo("sign_event:30023");
    assertThat(p.content()).isEqualTo("long form");
    assertThat(p.clientPublicKey()).isEqualTo(a.client().clientPublicKey());
    assertThat(p.authorizationId()).isEqualTo(a.auth().id());
    assertThat(p.keyName()).isEqualTo("alice");
    assertThat(p.expiresAt()).isAfter(p.createdAt());
    assertThat(fx.bunker.approvals().pending()).extracting(PendingApproval::id).contains(p.id());
    assertThat(pending).isNotDone();

    assertThat(fx.bunker.approvals().decide(p.id(), Verdict.ALLOW, null, "test"))
        .isEqualTo(Approvals.Outcome.DECIDED);
    assertThat(Fixture.verifiedEvent(result(pending).orThrow()).kind()).isEqualTo(ASKED_KIND);
    assertThat(fx.bunker.approvals().find(p.id())).isEmpty();
    assertThat(fx.bunker.approvals().decide(p.id(), Verdict.ALLOW, null, "test"))
        .isEqualTo(Approvals.Outcome.UNKNOWN);
    await()
        .atMost(Fixture.WAIT)
        .untilAsserted(
            () ->
                assertThat(fx.db.audit().forAuthorization(a.auth().id(), 10))
                    .extracting(AuditEntry::reason)
                    .contains("approved by test"));
  }

  @Test
  void allowedOperation_isNotAsked() throws Exception {
    Asker a = asker(fx);
    assertThat(result(a.client().signEvent(note(1, "plain")))).isInstanceOf(Success.class);
    assertThat(a.urls()).isEmpty();
  }

  @Test
  void ask_denied_permissionDeniedReply() throws Exception {
    Asker a = asker(fx);
    CompletableFuture<Nip46Result> pending = a.client().signEvent(note(ASKED_KIND, "no"));
    awaitUrls(a, 1);
    fx.bunker.approvals().decide(a.approvalId(0), Verdict.DENY, null, "test");
    assertThat(result(pending)).isEqualTo(new Failure("permission denied: approval denied"));
  }

  @Test
  void parkedRequests_holdNoWorker() throws Exception {
    // One queue worker: if a parked request held it, the kind-1 request below would never run.
    Asker a = asker(fx);
    CompletableFuture<Nip46Result> first = a.client().signEvent(note(ASKED_KIND, "one"));
    CompletableFuture<Nip46Result> second = a.client().signEvent(note(ASKED_KIND, "two"));
    awaitUrls(a, 2);
    assertThat(result(a.client().signEvent(note(1, "meanwhile")))).isInstanceOf(Success.class);
    assertThat(first).isNotDone();
    assertThat(second).isNotDone();
    fx.bunker.approvals().decide(a.approvalId(0), Verdict.ALLOW, null, "test");
    fx.bunker.approvals().decide(a.approvalId(1), Verdict.DENY, null, "test");
    assertThat(List.of(result(first), result(second)))
        .filteredOn(r -> r instanceof Success)
        .hasSize(1);
  }

  /** Issue 13 item 7: an approval minutes later must not outlive a revocation in between. */
  @Test
  void approvedAfterRevocation_unauthorized() throws Exception {
    Asker a = asker(fx);
    CompletableFuture<Nip46Result> pending = a.client().signEvent(note(ASKED_KIND, "late"));
    awaitUrls(a, 1);
    assertThat(fx.db.authorizations().revoke(a.auth().id(), Instant.now())).isTrue();
    fx.bunker.approvals().decide(a.approvalId(0), Verdict.ALLOW, null, "test");
    assertThat(result(pending)).isEqualTo(new Failure("unauthorized"));
  }

  @Test
  void approvedAfterLogout_unauthorized() throws Exception {
    Asker a = asker(fx);
    CompletableFuture<Nip46Result> pending = a.client().signEvent(note(ASKED_KIND, "late"));
    awaitUrls(a, 1);
    assertThat(result(a.client().logout())).isEqualTo(new Success("ack"));
    fx.bunker.approvals().decide(a.approvalId(0), Verdict.ALLOW, null, "test");
    assertThat(result(pending)).isEqualTo(new Failure("unauthorized"));
  }

  @Test
  void approvedAfterPolicyNarrowed_refused() throws Exception {
    Asker a = asker(fx);
    CompletableFuture<Nip46Result> pending = a.client().signEvent(note(ASKED_KIND, "late"));
    awaitUrls(a, 1);
    assertThat(fx.db.authorizations().setPolicyName(a.auth().id(), "readonly")).isTrue();
    fx.bunker.approvals().decide(a.approvalId(0), Verdict.ALLOW, null, "test");
    assertThat(result(pending)).isInstanceOf(Failure.class);
  }

  @Test
  void rememberedAllow_laterRequestsOfThatPermissionAreNotAsked() throws Exception {
    Asker a = asker(fx);
    CompletableFuture<Nip46Result> first = a.client().signEvent(note(ASKED_KIND, "one"));
    awaitUrls(a, 1);
    fx.bunker.approvals().decide(a.approvalId(0), Verdict.ALLOW, Duration.ofMinutes(10), "test");
    assertThat(result(first)).isInstanceOf(Success.class);
    assertThat(result(a.client().signEvent(note(ASKED_KIND, "two")))).isInstanceOf(Success.class);
    assertThat(a.urls()).hasSize(1);
    assertThat(fx.bunker.approvals().remembered())
        .anySatisfy(
            r -> {
              assertThat(r.clientPublicKey()).isEqualTo(a.client().clientPublicKey());
              assertThat(r.permission()).isEqualTo("sign_event:30023");
              assertThat(r.verdict()).isEqualTo(Verdict.ALLOW);
            });
    // another asked permission is still asked
    CompletableFuture<Nip46Result> enc =
        a.client().nip44Encrypt(SecretKey.generate().publicKey(), "hi");
    awaitUrls(a, 2);
    assertThat(fx.bunker.approvals().find(a.approvalId(1)).orElseThrow().peer()).isNotNull();
    fx.bunker.approvals().decide(a.approvalId(1), Verdict.DENY, Duration.ofHours(1), "test");
    assertThat(result(enc)).isEqualTo(new Failure("permission denied: approval denied"));
    // a remembered denial answers at once
    assertThat(result(a.client().nip44Encrypt(SecretKey.generate().publicKey(), "again")))
        .isEqualTo(new Failure("permission denied: approval denied"));
    assertThat(a.urls()).hasSize(2);
    assertThat(fx.bunker.approvals().forget(a.auth().id(), a.client().clientPublicKey()))
        .isEqualTo(2);
  }

  @Test
  void decide_rememberOutOfRange_refused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> fx.bunker.approvals().decide("x", Verdict.ALLOW, Duration.ofDays(2), "t"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void noDecision_timesOutWithAnError() throws Exception {
    try (Fixture f = new Fixture(1, configure(Duration.ofSeconds(1)))) {
      Asker a = asker(f);
      CompletableFuture<Nip46Result> pending = a.client().signEvent(note(ASKED_KIND, "wait"));
      assertThat(result(pending)).isEqualTo(new Failure("permission denied: approval timed out"));
      assertThat(a.urls()).hasSize(1);
      assertThat(f.bunker.approvals().pending()).isEmpty();
    }
  }

  @Test
  void close_whileWaiting_answersShuttingDown() throws Exception {
    Fixture f = new Fixture(1, configure(Duration.ofMinutes(5)));
    try {
      Asker a = asker(f);
      CompletableFuture<Nip46Result> pending = a.client().signEvent(note(ASKED_KIND, "bye"));
      awaitUrls(a, 1);
      f.bunker.close();
      assertThat(result(pending)).isEqualTo(new Failure("shutting down"));
      assertThat(f.bunker.approvals().pending()).isEmpty();
    } finally {
      f.close();
    }
  }

  @Test
  void noApprovalUrls_askedRequestsRefused() throws Exception {
    try (Fixture f =
        new Fixture(
            1,
            b ->
                b.policies(
                    name ->
                        "asking".equals(name) ? Optional.of(ASKING) : Policies.builtIn(name)))) {
      Asker a = asker(f);
      assertThat(result(a.client().signEvent(note(ASKED_KIND, "x"))))
          .isEqualTo(new Failure("permission denied: approval required, none available"));
      assertThat(result(a.client().signEvent(note(1, "x")))).isInstanceOf(Success.class);
      assertThat(a.urls()).isEmpty();
    }
  }
}
