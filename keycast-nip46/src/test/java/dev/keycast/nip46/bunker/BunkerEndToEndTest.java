package dev.keycast.nip46.bunker;

import static dev.keycast.nip46.bunker.Fixture.note;
import static dev.keycast.nip46.bunker.Fixture.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keycast.crypto.Nip04Cipher;
import dev.keycast.crypto.Nip44Cipher;
import dev.keycast.crypto.Nip44ConversationKey;
import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SecretKey;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.ClientMetadata;
import dev.keycast.nip46.EventTemplate;
import dev.keycast.nip46.Nip46Request;
import dev.keycast.nip46.NostrConnectUri;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.client.Nip46Client;
import dev.keycast.nip46.client.Nip46Result;
import dev.keycast.nip46.client.Nip46Result.Failure;
import dev.keycast.nip46.client.Nip46Result.Success;
import dev.keycast.nip46.policy.Policies;
import dev.keycast.nip46.policy.Policy;
import dev.keycast.nip46.policy.RateLimit;
import dev.keycast.nip46.server.ApprovalDecision;
import dev.keycast.nip46.server.BunkerHealth;
import dev.keycast.nip46.server.EventRejectReason;
import dev.keycast.nip46.server.ResponseOutcome;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.ConnectedClient;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * End to end, in process: a Bunker on a SQLite file and a dev relay, driven by the real NIP-46
 * client. One set-up for the class; each test makes its own authorizations and clients.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BunkerEndToEndTest {
  static final Policy STRICT =
      Policy.builder("strict")
          .permissions("sign_event:1,nip44_encrypt,nip44_decrypt,nip04_encrypt,nip04_decrypt")
          .blockedWords(List.of("Forbidden"))
          .selfEncryptionOnly(true)
          .rateLimit(RateLimit.perMinute(600))
          .build();
  static final Policy TIGHT =
      Policy.builder("tight").permissions("sign_event").rateLimit(RateLimit.perMinute(3)).build();
  static final int CHALLENGED_KIND = 30023;

  Fixture fx;
  final Map<String, CompletableFuture<ApprovalDecision>> challenges = new ConcurrentHashMap<>();

  /** The database the class runs on; the PostgreSQL variant overrides it. */
  TestDatabase database() {
    return TestDatabase.sqlite();
  }

  @BeforeAll
  void setUp() throws Exception {
    fx =
        new Fixture(
            database(),
            1,
            b ->
                b.policies(
                        name ->
                            switch (name) {
                              case "strict" -> Optional.of(STRICT);
                              case "tight" -> Optional.of(TIGHT);
                              default -> Policies.builtIn(name);
                            })
                    .approvalHook(
                        (request, ctx) -> {
                          if (request instanceof Nip46Request.SignEvent s
                              && s.template().kind() == CHALLENGED_KIND) {
                            CompletableFuture<ApprovalDecision> later = new CompletableFuture<>();
                            challenges.put(request.id(), later);
                            return new ApprovalDecision.Challenge(
                                "https://approve.example/" + request.id(), later);
                          }
                          return ApprovalDecision.allow();
                        }));
  }

  @AfterAll
  void tearDown() throws Exception {
    if (fx != null) {
      fx.close();
    }
  }

  // ---- connect ----

  @Test
  void connect_withSecret_acksAndGetPublicKeyReturnsUserKey() throws Exception {
    Nip46Client c = fx.connected("social", "");
    PublicKey user = fx.db.keys().find("alice").orElseThrow().publicKey();
    assertThat(result(c.getPublicKey())).isEqualTo(new Success(user.toHex()));
    assertThat(user).isNotEqualTo(c.signerPublicKey());
  }

  @Test
  void connect_firstParamEmptyUserOrSigner_allAck() throws Exception {
    String user = fx.db.keys().find("alice").orElseThrow().publicKey().toHex();
    for (String first : new String[] {null, user, "signer"}) {
      Authorization a = fx.authorize("social", 1);
      Nip46Client c = fx.client(a);
      String p = "signer".equals(first) ? a.bunkerPublicKey().toHex() : first;
      Nip46Result r =
          result(
              c.send(
                  new Nip46Request.Connect(
                      c.nextId(), p, a.secret(), PermissionSet.empty(), null)));
      assertThat(r).as("first param %s", first).isEqualTo(new Success("ack"));
    }
  }

  @Test
  void connect_otherKeyAsFirstParam_unauthorized() throws Exception {
    Authorization a = fx.authorize("social", 1);
    Nip46Client c = fx.client(a);
    String other = SecretKey.generate().publicKey().toHex();
    assertThat(
            result(
                c.send(
                    new Nip46Request.Connect(
                        c.nextId(), other, a.secret(), PermissionSet.empty(), null))))
        .isEqualTo(new Failure("unauthorized"));
  }

  @Test
  void connect_secretUsedUp_secondClientUnauthorized() throws Exception {
    Authorization a = fx.authorize("social", 1);
    assertThat(result(fx.client(a).connect(PermissionSet.empty()))).isEqualTo(new Success("ack"));
    assertThat(result(fx.client(a).connect(PermissionSet.empty())))
        .isEqualTo(new Failure("unauthorized"));
  }

  @Test
  void connect_maxUsesTwo_twoClientsThenRefused() throws Exception {
    Authorization a = fx.authorize("social", 2);
    assertThat(result(fx.client(a).connect(PermissionSet.empty()))).isEqualTo(new Success("ack"));
    assertThat(result(fx.client(a).connect(PermissionSet.empty()))).isEqualTo(new Success("ack"));
    assertThat(result(fx.client(a).connect(PermissionSet.empty())))
        .isEqualTo(new Failure("unauthorized"));
  }

  @Test
  void connect_wrongSecret_unauthorized() throws Exception {
    Authorization a = fx.authorize("social", 1);
    Nip46Client c = fx.client(a);
    assertThat(
            result(
                c.send(
                    new Nip46Request.Connect(
                        c.nextId(), null, "not-the-secret", PermissionSet.empty(), null))))
        .isEqualTo(new Failure("unauthorized"));
  }

  /**
   * Issue 13, item 1: wrong-secret connects cost the bunker no write: no audit row, no change
   * version bump (so no cache is dropped), and past a budget per bunker key no store query; the
   * connected client of the same authorization keeps being served.
   */
  @Test
  void connect_wrongSecrets_noAuditRowNoVersionBump_budgetedPerBunkerKey() throws Exception {
    Authorization a = fx.authorize("social", 2);
    Nip46Client good = fx.client(a);
    assertThat(result(good.connect(PermissionSet.parse("sign_event:1"))))
        .isEqualTo(new Success("ack"));
    long version = fx.db.changeVersion();

    // Several client keys, each under the intake's per-client limit (which drops silently).
    List<Nip46Client> attackers = new java.util.ArrayList<>();
    for (int k = 0; k < 5; k++) {
      attackers.add(fx.client(a, SecretKey.generate(), b -> {}));
    }
    int unauthorized = 0;
    int rateLimited = 0;
    for (int i = 0; i < 40; i++) {
      Nip46Client attacker = attackers.get(i % attackers.size());
      Nip46Result r =
          result(
              attacker.send(
                  new Nip46Request.Connect(
                      attacker.nextId(), null, "guess-" + i, PermissionSet.empty(), null)));
      if (r.equals(new Failure("unauthorized"))) {
        unauthorized++;
      } else {
        assertThat(r).isEqualTo(new Failure("rate limited"));
        rateLimited++;
      }
    }
    assertThat(unauthorized).isGreaterThanOrEqualTo(20);
    assertThat(rateLimited).isPositive();
    // Already connected: answered, not budgeted, no write.
    assertThat(result(good.connect(PermissionSet.empty()))).isEqualTo(new Success("ack"));
    assertThat(fx.db.changeVersion()).isEqualTo(version);

    // An audited request afterwards: once its row is written (the log is written in batches, in
    // order), the rows are the good client's connect and this request, nothing of the refusals.
    assertThat(result(good.signEvent(note(1, "still served"))).isSuccess()).isTrue();
    await()
        .atMost(Fixture.WAIT)
        .until(
            () ->
                fx.db.audit().forAuthorization(a.id(), 10_000).stream()
                    .anyMatch(e -> e.method().equals("sign_event")));
    assertThat(fx.db.audit().forAuthorization(a.id(), 10_000))
        .extracting(e -> e.method() + ":" + e.reason())
        .containsExactlyInAnyOrder("connect:connected", "sign_event:null");
  }

  @Test
  void anyMethod_notConnected_unauthorized() throws Exception {
    Nip46Client c = fx.client(fx.authorize("social", 1));
    assertThat(result(c.getPublicKey())).isEqualTo(new Failure("unauthorized"));
    assertThat(result(c.signEvent(note(1, "hi")))).isEqualTo(new Failure("unauthorized"));
    assertThat(result(c.nip44Encrypt(SecretKey.generate().publicKey(), "x")))
        .isEqualTo(new Failure("unauthorized"));
  }

  // ---- methods ----

  @Test
  void ping_pong() throws Exception {
    assertThat(result(fx.connected("social", "").ping())).isEqualTo(new Success("pong"));
  }

  @Test
  void ping_unconnectedClient_stillPong() throws Exception {
    // Ungated by design (as quartz): it reveals nothing the relay does not already show.
    assertThat(result(fx.client(fx.authorize("social", 1)).ping())).isEqualTo(new Success("pong"));
  }

  @Test
  void signEvent_allowedKind_returnsEventSignedByUser() throws Exception {
    Nip46Client c = fx.connected("social", "sign_event:1");
    Nip46Result r = result(c.signEvent(note(1, "hello \"world\"\n")));
    SignedEvent e = Fixture.verifiedEvent(r.orThrow());
    assertThat(e.pubkey()).isEqualTo(fx.db.keys().find("alice").orElseThrow().publicKey().toHex());
    assertThat(e.kind()).isEqualTo(1);
    assertThat(e.content()).isEqualTo("hello \"world\"\n");
  }

  @Test
  void signEvent_kindNotInPolicy_permissionDenied() throws Exception {
    Nip46Client c = fx.connected("social", "");
    assertThat(result(c.signEvent(note(31337, "x")))).isEqualTo(new Failure("permission denied"));
    assertThat(result(c.signEvent(note(1, "x")))).isInstanceOf(Success.class);
  }

  @Test
  void signEvent_createdAtAYearAhead_refusedWithAClearError_tenMinutesAheadSigned()
      throws Exception {
    Nip46Client c = fx.connected("social", "");
    long now = System.currentTimeMillis() / 1000;
    EventTemplate profile = new EventTemplate(0, "{}", List.of(), now + 365L * 86_400);
    assertThat(result(c.signEvent(profile)))
        .isEqualTo(new Failure("permission denied: created_at too far in the future"));
    EventTemplate skewed = new EventTemplate(1, "x", List.of(), now + 540);
    assertThat(result(c.signEvent(skewed))).isInstanceOf(Success.class);
  }

  @Test
  void signEvent_kindNotGrantedAtConnect_permissionDenied() throws Exception {
    Nip46Client c = fx.connected("social", "sign_event:1");
    assertThat(result(c.signEvent(note(7, "+")))).isEqualTo(new Failure("permission denied"));
  }

  @Test
  void signEvent_blockedWord_permissionDenied() throws Exception {
    Nip46Client c = fx.connected("strict", "");
    assertThat(result(c.signEvent(note(1, "this is FORBIDDEN text"))))
        .isEqualTo(new Failure("permission denied"));
    assertThat(result(c.signEvent(note(1, "this is fine")))).isInstanceOf(Success.class);
  }

  @Test
  void readonlyPolicy_signAndEncryptDenied_getPublicKeyAllowed() throws Exception {
    Nip46Client c = fx.connected("readonly", "");
    assertThat(result(c.getPublicKey())).isInstanceOf(Success.class);
    assertThat(result(c.signEvent(note(1, "x")))).isEqualTo(new Failure("permission denied"));
    PublicKey peer = SecretKey.generate().publicKey();
    assertThat(result(c.nip44Encrypt(peer, "x"))).isEqualTo(new Failure("permission denied"));
    assertThat(result(c.nip04Encrypt(peer, "x"))).isEqualTo(new Failure("permission denied"));
    assertThat(result(c.nip44Decrypt(peer, "x"))).isEqualTo(new Failure("permission denied"));
    assertThat(result(c.nip04Decrypt(peer, "x"))).isEqualTo(new Failure("permission denied"));
  }

  @Test
  void nip44_encryptToPeerThenDecrypt_roundTrips() throws Exception {
    Nip46Client c = fx.connected("social", "");
    SecretKey peer = SecretKey.generate();
    SecretKey user = fx.db.keys().loadSecret("alice").orElseThrow();
    String ct = result(c.nip44Encrypt(peer.publicKey(), "secret note ✓")).orThrow();
    assertThat(Nip44Cipher.decrypt(ct, Nip44ConversationKey.derive(peer, user.publicKey())))
        .isEqualTo("secret note ✓");
    String fromPeer =
        Nip44Cipher.encrypt("reply", Nip44ConversationKey.derive(peer, user.publicKey()));
    assertThat(result(c.nip44Decrypt(peer.publicKey(), fromPeer))).isEqualTo(new Success("reply"));
  }

  @Test
  void nip04_encryptToPeerThenDecrypt_roundTrips() throws Exception {
    Nip46Client c = fx.connected("social", "");
    SecretKey peer = SecretKey.generate();
    SecretKey user = fx.db.keys().loadSecret("alice").orElseThrow();
    String ct = result(c.nip04Encrypt(peer.publicKey(), "legacy dm")).orThrow();
    assertThat(Nip04Cipher.decrypt(ct, peer, user.publicKey())).isEqualTo("legacy dm");
    String fromPeer = Nip04Cipher.encrypt("back", peer, user.publicKey());
    assertThat(result(c.nip04Decrypt(peer.publicKey(), fromPeer))).isEqualTo(new Success("back"));
  }

  @Test
  void nip44Decrypt_garbageCiphertext_decryptionFailed() throws Exception {
    Nip46Client c = fx.connected("social", "");
    assertThat(result(c.nip44Decrypt(SecretKey.generate().publicKey(), "AAAAnot-a-payload")))
        .isEqualTo(new Failure("decryption failed"));
  }

  @Test
  void selfOnlyPolicy_encryptDecryptToOthersDenied_toSelfAllowed() throws Exception {
    Nip46Client c = fx.connected("strict", "");
    PublicKey user = fx.db.keys().find("alice").orElseThrow().publicKey();
    PublicKey other = SecretKey.generate().publicKey();
    assertThat(result(c.nip44Encrypt(other, "x"))).isEqualTo(new Failure("permission denied"));
    assertThat(result(c.nip04Encrypt(other, "x"))).isEqualTo(new Failure("permission denied"));
    assertThat(result(c.nip44Decrypt(other, "x"))).isEqualTo(new Failure("permission denied"));
    assertThat(result(c.nip04Decrypt(other, "x"))).isEqualTo(new Failure("permission denied"));
    String ct = result(c.nip44Encrypt(user, "note to self")).orThrow();
    assertThat(result(c.nip44Decrypt(user, ct))).isEqualTo(new Success("note to self"));
  }

  @Test
  void encrypt_blockedWordInPlaintext_permissionDenied() throws Exception {
    Nip46Client c = fx.connected("strict", "");
    PublicKey user = fx.db.keys().find("alice").orElseThrow().publicKey();
    assertThat(result(c.nip44Encrypt(user, "a forbidden thought")))
        .isEqualTo(new Failure("permission denied"));
    assertThat(result(c.nip04Encrypt(user, "a forbidden thought")))
        .isEqualTo(new Failure("permission denied"));
  }

  @Test
  void encrypt_notGrantedAtConnect_permissionDenied() throws Exception {
    Nip46Client c = fx.connected("social", "sign_event:1,nip44_encrypt");
    PublicKey peer = SecretKey.generate().publicKey();
    assertThat(result(c.nip44Encrypt(peer, "x"))).isInstanceOf(Success.class);
    assertThat(result(c.nip04Encrypt(peer, "x"))).isEqualTo(new Failure("permission denied"));
    assertThat(result(c.nip44Decrypt(peer, "x"))).isEqualTo(new Failure("permission denied"));
  }

  @Test
  void switchRelays_returnsAuthorizationRelaysAsJsonArray() throws Exception {
    Nip46Client c = fx.connected("social", "");
    assertThat(result(c.switchRelays()).orThrow()).isEqualTo("[\"" + fx.relayUrls().get(0) + "\"]");
  }

  @Test
  void unknownMethod_unsupportedMethodError() throws Exception {
    Nip46Client c = fx.connected("social", "");
    String id = c.nextId();
    assertThat(
            result(
                c.sendPlaintext(
                    id, "{\"id\":\"" + id + "\",\"method\":\"frobnicate\",\"params\":[]}")))
        .isEqualTo(new Failure("unsupported method"));
  }

  @Test
  void invalidRequest_decryptable_getsInvalidRequestError() throws Exception {
    Nip46Client c = fx.connected("social", "");
    String id = c.nextId();
    assertThat(
            result(
                c.sendPlaintext(
                    id, "{\"id\":\"" + id + "\",\"method\":\"sign_event\",\"params\":[5]}")))
        .isEqualTo(new Failure("invalid request"));
    String id2 = c.nextId();
    assertThat(
            result(
                c.sendPlaintext(
                    id2,
                    "{\"id\":\""
                        + id2
                        + "\",\"method\":\"nip44_encrypt\",\"params\":[\"zz\",\"x\"]}")))
        .isEqualTo(new Failure("invalid request"));
    assertThat(result(c.sendPlaintext("", "this is not json")))
        .isEqualTo(new Failure("invalid request"));
  }

  @Test
  void nip04Client_repliesInNip04() throws Exception {
    Authorization a = fx.authorize("social", 1);
    Nip46Client c = fx.client(a, SecretKey.generate(), Nip46Client.Builder::nip04);
    assertThat(result(c.connect(PermissionSet.empty()))).isEqualTo(new Success("ack"));
    assertThat(result(c.signEvent(note(1, "via nip04")))).isInstanceOf(Success.class);
  }

  @Test
  void logout_acksThenSessionDropped() throws Exception {
    Nip46Client c = fx.connected("social", "");
    assertThat(result(c.getPublicKey())).isInstanceOf(Success.class);
    assertThat(result(c.logout())).isEqualTo(new Success("ack"));
    assertThat(result(c.getPublicKey())).isEqualTo(new Failure("unauthorized"));
  }

  @Test
  void policyRateLimit_exceeded_rateLimitedErrorReply() throws Exception {
    // The policy's limit counts a connected client's requests: 3 a minute after connect.
    Nip46Client c = fx.connected("tight", "");
    assertThat(result(c.ping())).isEqualTo(new Success("pong"));
    assertThat(result(c.getPublicKey())).isInstanceOf(Success.class);
    assertThat(result(c.ping())).isEqualTo(new Success("pong"));
    long before = fx.bunker.stats().rejected(EventRejectReason.RATE_LIMITED);
    assertThat(result(c.signEvent(note(1, "one too many")))).isEqualTo(new Failure("rate limited"));
    assertThat(fx.bunker.stats().rejected(EventRejectReason.RATE_LIMITED)).isEqualTo(before + 1);
  }

  @Test
  void policyRateLimit_burstOverTheLimit_everyRequestAnswered() throws Exception {
    Nip46Client c = fx.connected("tight", "");
    List<CompletableFuture<Nip46Result>> burst = new java.util.ArrayList<>();
    for (int i = 0; i < 60; i++) {
      burst.add(c.signEvent(note(1, "burst " + i)));
    }
    int signed = 0;
    int limited = 0;
    for (CompletableFuture<Nip46Result> f : burst) {
      Nip46Result r = result(f); // a timeout fails the test: no request goes unanswered
      if (r instanceof Success) {
        signed++;
      } else {
        assertThat(r).isEqualTo(new Failure("rate limited"));
        limited++;
      }
    }
    assertThat(signed).isEqualTo(3);
    assertThat(limited).isEqualTo(57);
  }

  @Test
  void defaults_burstOf200DecryptsFromOneClient_allAnsweredWithResults() throws Exception {
    Nip46Client c = fx.connected("social", "");
    SecretKey peer = SecretKey.generate();
    SecretKey user = fx.db.keys().loadSecret("alice").orElseThrow();
    Nip44ConversationKey ck = Nip44ConversationKey.derive(peer, user.publicKey());
    List<CompletableFuture<Nip46Result>> burst = new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) {
      burst.add(c.nip44Decrypt(peer.publicKey(), Nip44Cipher.encrypt("dm " + i, ck)));
    }
    for (int i = 0; i < burst.size(); i++) {
      assertThat(result(burst.get(i))).isEqualTo(new Success("dm " + i));
    }
  }

  @Test
  void unknownPolicyName_unauthorized() throws Exception {
    Authorization a = fx.authorize("no-such-policy", 1);
    Nip46Client c = fx.client(a);
    assertThat(result(c.connect(PermissionSet.empty()))).isEqualTo(new Success("ack"));
    assertThat(result(c.signEvent(note(1, "x")))).isEqualTo(new Failure("unauthorized"));
  }

  // ---- approvals ----

  @Test
  void authUrl_thenRealResultAfterApproval() throws Exception {
    List<String> urls = new CopyOnWriteArrayList<>();
    Authorization a = fx.authorize("full", 1);
    Nip46Client c =
        fx.client(a, SecretKey.generate(), b -> b.onAuthUrl((id, url) -> urls.add(url)));
    assertThat(result(c.connect(PermissionSet.empty()))).isEqualTo(new Success("ack"));
    CompletableFuture<Nip46Result> pending = c.signEvent(note(CHALLENGED_KIND, "long form"));
    await().atMost(Fixture.WAIT).until(() -> urls.size() == 1 && challenges.size() >= 1);
    assertThat(urls.get(0)).startsWith("https://approve.example/");
    assertThat(pending).isNotDone();
    String id = urls.get(0).substring("https://approve.example/".length());
    challenges.get(id).complete(ApprovalDecision.allow());
    assertThat(Fixture.verifiedEvent(result(pending).orThrow()).kind()).isEqualTo(CHALLENGED_KIND);
  }

  @Test
  void authUrl_thenDenied_permissionDenied() throws Exception {
    List<String> urls = new CopyOnWriteArrayList<>();
    Authorization a = fx.authorize("full", 1);
    Nip46Client c =
        fx.client(a, SecretKey.generate(), b -> b.onAuthUrl((id, url) -> urls.add(url)));
    assertThat(result(c.connect(PermissionSet.empty()))).isEqualTo(new Success("ack"));
    CompletableFuture<Nip46Result> pending = c.signEvent(note(CHALLENGED_KIND, "no"));
    await().atMost(Fixture.WAIT).until(() -> urls.size() == 1);
    String id = urls.get(0).substring("https://approve.example/".length());
    challenges.get(id).complete(ApprovalDecision.deny("user said no"));
    assertThat(result(pending)).isEqualTo(new Failure("permission denied"));
  }

  /** Issue 13 item 7, for an embedder's ApprovalHook: a late allow is re-checked first. */
  @Test
  void authUrl_revokedBeforeApproval_unauthorized() throws Exception {
    List<String> urls = new CopyOnWriteArrayList<>();
    Authorization a = fx.authorize("full", 1);
    Nip46Client c =
        fx.client(a, SecretKey.generate(), b -> b.onAuthUrl((id, url) -> urls.add(url)));
    assertThat(result(c.connect(PermissionSet.empty()))).isEqualTo(new Success("ack"));
    CompletableFuture<Nip46Result> pending = c.signEvent(note(CHALLENGED_KIND, "late"));
    await().atMost(Fixture.WAIT).until(() -> urls.size() == 1);
    assertThat(fx.db.authorizations().revoke(a.id(), Instant.now())).isTrue();
    String id = urls.get(0).substring("https://approve.example/".length());
    challenges.get(id).complete(ApprovalDecision.allow());
    assertThat(result(pending)).isEqualTo(new Failure("unauthorized"));
  }

  // ---- nostrconnect ----

  @Test
  void nostrConnect_signerSendsSecretThenServesClient() throws Exception {
    SecretKey clientKey = SecretKey.generate();
    NostrConnectUri uri =
        NostrConnectUri.parse(
            "nostrconnect://"
                + clientKey.publicKey().toHex()
                + "?relay="
                + fx.relayUrls().get(0)
                + "&secret=s3cr3t-"
                + System.nanoTime()
                + "&perms=sign_event:1,nip44_encrypt&name=TestApp"
                // the legacy form some clients send: its url is kept, its javascript: icon dropped
                + "&metadata=%7B%22url%22%3A%22https%3A%2F%2Ftest.example%22%2C"
                + "%22icons%22%3A%5B%22javascript%3Aalert(1)%22%5D%7D");
    CompletableFuture<Nip46Client> waiting =
        Nip46Client.builder(uri, clientKey).timeout(Fixture.WAIT).awaitNostrConnect();
    fx.awaitSubscriber(
        clientKey
            .publicKey()); // the signer's answer is ephemeral: it reaches live subscriptions only
    Authorization a = NostrConnectFlow.accept(fx.bunker, uri, "alice", "social", null);
    assertThat(a.label()).isEqualTo("TestApp");
    assertThat(fx.db.authorizations().findClient(a.id(), clientKey.publicKey()).orElseThrow())
        .extracting(ConnectedClient::metadata)
        .isEqualTo(new ClientMetadata("TestApp", "https://test.example", null));
    try (Nip46Client c =
        waiting.get(Fixture.WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
      assertThat(c.signerPublicKey()).isEqualTo(a.bunkerPublicKey());
      assertThat(result(c.getPublicKey()).orThrow())
          .isEqualTo(fx.db.keys().find("alice").orElseThrow().publicKey().toHex());
      assertThat(result(c.signEvent(note(1, "from nostrconnect")))).isInstanceOf(Success.class);
      assertThat(result(c.signEvent(note(7, "+")))).isEqualTo(new Failure("permission denied"));
      // The single use was consumed by the flow: nobody else can connect with the authorization's
      // secret.
      assertThat(result(fx.client(a).connect(PermissionSet.empty())))
          .isEqualTo(new Failure("unauthorized"));
    }
  }

  // ---- changes made by another process ----

  @Test
  void revoke_throughSecondDatabaseHandle_takesEffectOnRunningDaemon() throws Exception {
    Authorization a = fx.authorize("social", 1);
    Nip46Client c = fx.client(a);
    assertThat(result(c.connect(PermissionSet.empty()))).isEqualTo(new Success("ack"));
    assertThat(result(c.ping())).isEqualTo(new Success("pong"));
    try (KeycastDatabase cli = fx.secondHandle()) {
      assertThat(cli.authorizations().revoke(a.id(), Instant.now())).isTrue();
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> result(c.getPublicKey()).equals(new Failure("unauthorized")));
    assertThat(result(c.signEvent(note(1, "x")))).isEqualTo(new Failure("unauthorized"));
  }

  @Test
  void expiry_throughSecondDatabaseHandle_takesEffectOnRunningDaemon() throws Exception {
    Authorization a = fx.authorize("social", 1);
    Nip46Client c = fx.client(a);
    assertThat(result(c.connect(PermissionSet.empty()))).isEqualTo(new Success("ack"));
    try (KeycastDatabase cli = fx.secondHandle()) {
      assertThat(cli.authorizations().setExpiresAt(a.id(), Instant.now().minusSeconds(1))).isTrue();
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> result(c.getPublicKey()).equals(new Failure("unauthorized")));
  }

  @Test
  void newAuthorization_throughSecondDatabaseHandle_servedWithinSeconds() throws Exception {
    Authorization a;
    try (KeycastDatabase cli = fx.secondHandle()) {
      a =
          cli.authorizations()
              .create(
                  dev.keycast.nip46.store.NewAuthorization.builder("alice")
                      .relays(fx.relayUrls())
                      .policyName("social")
                      .maxUses(1)
                      .build());
    }
    fx.awaitServing(a);
    assertThat(result(fx.client(a).connect(PermissionSet.empty()))).isEqualTo(new Success("ack"));
  }

  // ---- cold keys ----

  @Test
  void coldKey_manyConcurrentRequests_noStoreLoad() throws Exception {
    Authorization a = fx.authorize("social", 1);
    List<Nip46Client> clients = new java.util.ArrayList<>();
    for (int i = 0; i < 12; i++) {
      clients.add(fx.client(a));
    }
    int loadsBefore = fx.store.findByBunkerKeyCalls.get();
    List<CompletableFuture<Nip46Result>> answers =
        clients.stream().map(Nip46Client::getPublicKey).toList();
    for (CompletableFuture<Nip46Result> f : answers) {
      assertThat(result(f)).isEqualTo(new Failure("unauthorized")); // not connected: but answered
    }
    // every served bunker key is held in memory from start: a cold key costs no store load
    assertThat(fx.store.findByBunkerKeyCalls.get() - loadsBefore).isZero();
    assertThat(fx.store.findByBunkerKeyCalls.get()).isZero();
  }

  // ---- counters ----

  @Test
  void stats_countResponsesByMethodAndOutcome() throws Exception {
    Nip46Client c = fx.connected("readonly", "");
    long before = fx.bunker.stats().responses("sign_event", ResponseOutcome.PERMISSION_DENIED);
    assertThat(result(c.signEvent(note(1, "x")))).isEqualTo(new Failure("permission denied"));
    await()
        .atMost(Fixture.WAIT)
        .until(
            () ->
                fx.bunker.stats().responses("sign_event", ResponseOutcome.PERMISSION_DENIED)
                    == before + 1);
    BunkerHealth h = fx.bunker.health();
    assertThat(h.status()).isEqualTo(BunkerHealth.Status.UP);
    assertThat(h.databaseReachable()).isTrue();
    assertThat(h.connectedRelays()).isEqualTo(1);
  }
}
