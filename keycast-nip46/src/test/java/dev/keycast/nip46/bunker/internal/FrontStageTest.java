package dev.keycast.nip46.bunker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.crypto.SchnorrSigner;
import dev.keycast.crypto.SecretKey;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.Nip46Envelope;
import dev.keycast.nip46.Nip46Request;
import dev.keycast.nip46.server.EventRejectReason;
import dev.keycast.nip46.server.SignerError;
import dev.keycast.nip46.server.TaskSnapshot.Stage;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The one-call front: verify, authorize and decrypt together when the authorize stage's lookups are
 * in memory, verify alone (the worker goes on) when they need the store; each stage's drop counted
 * as the separate stages count it.
 */
class FrontStageTest {
  static final String PING = "{\"id\":\"1\",\"method\":\"ping\",\"params\":[]}";

  final StageFixture fx = new StageFixture("social");
  final AuthorizationCache watched =
      AuthorizationCache.builder(fx.db.authorizations(), fx.db.keys())
          .policies(fx.db.policies()::resolve)
          .watched()
          .build();

  FrontStageTest() throws Exception {
    new AuthorizationWatcher(fx.db.authorizations(), watched, fx.clock).poll(false);
  }

  @AfterEach
  void close() {
    fx.close();
  }

  AuthorizeStage authorize(AuthorizationCache cache, int burst) {
    FloodGuard guard = new FloodGuard(burst, 0.001, 1000, System::nanoTime);
    return new AuthorizeStage(guard, new SignerLookup(cache, fx.stats), cache, fx.stats);
  }

  FrontStage front(AuthorizationCache cache, AuthorizeStage authorize) {
    return new FrontStage(
        fx.cpu,
        fx.counted,
        new VerifyStage(fx.cpu, fx.counted, new SeenEvents(100, 300), fx.stats, fx.clock),
        authorize,
        new DecryptStage(fx.cpu, fx.counted, fx.envelope, fx.stats));
  }

  /** What the worker's blocking lookups leave in the cache after a client's first request. */
  void warm(AuthorizationCache cache) {
    cache.client(fx.auth.id(), fx.client.publicKey());
    cache.policy("social");
  }

  @Test
  void open_lookupsCached_verifiesAuthorizesAndDecryptsInTheOneCall() throws Exception {
    fx.connect("sign_event");
    warm(watched);
    RequestTask task = fx.task(fx.request(PING));
    FrontStage.Front front = front(watched, authorize(watched, 20)).open(task, f -> f);
    assertThat(front).isInstanceOf(FrontStage.Front.Opened.class);
    FrontStage.Front.Opened o = (FrontStage.Front.Opened) front;
    assertThat(o.opened()).isEqualTo(new DecryptStage.Opened.Request(new Nip46Request.Ping("1")));
    assertThat(o.parties()).isEqualTo(fx.parties());
    assertThat(o.scheme()).isEqualTo(Nip46Envelope.Scheme.NIP44);
    assertThat(o.authorized().answer()).isNull();
    assertThat(o.authorized().policy().name()).isEqualTo("social");
    assertThat(o.authorized().signer().authorization().id()).isEqualTo(fx.auth.id());
    assertThat(task.stage).isEqualTo(Stage.DECRYPT);
  }

  @Test
  void open_clientNotCached_onlyVerifies_withoutTakingAFloodToken() throws Exception {
    fx.connect("sign_event");
    AuthorizeStage authorize = authorize(watched, 1);
    RequestTask task = fx.task(fx.request(PING));
    FrontStage.Front front = front(watched, authorize).open(task, f -> f);
    assertThat(front).isEqualTo(new FrontStage.Front.Verified(fx.parties()));
    // the worker authorizes next: the guard's one token is still there
    AuthorizeStage.Authorized a = authorize.authorize(task, fx.parties());
    assertThat(a).isNotNull();
    assertThat(a.answer()).isNull();
    // that lookup cached the client and the policy: the next request goes through in one call
    assertThat(front(watched, authorize).open(fx.task(fx.request(PING)), f -> f))
        .isInstanceOf(FrontStage.Front.Opened.class);
  }

  @Test
  void open_cacheNotWatched_onlyVerifies() throws Exception {
    fx.connect("sign_event");
    warm(fx.cache);
    assertThat(front(fx.cache, authorize(fx.cache, 20)).open(fx.task(fx.request(PING)), f -> f))
        .isEqualTo(new FrontStage.Front.Verified(fx.parties()));
  }

  @Test
  void open_connectedClientOverTheFloodGuard_answeredRateLimited() throws Exception {
    fx.connect("sign_event");
    warm(watched);
    FrontStage front = front(watched, authorize(watched, 1));
    assertThat(
            ((FrontStage.Front.Opened) front.open(fx.task(fx.request(PING)), f -> f)).authorized())
        .extracting(AuthorizeStage.Authorized::answer)
        .isNull();
    FrontStage.Front second = front.open(fx.task(fx.request(PING)), f -> f);
    assertThat(((FrontStage.Front.Opened) second).authorized().answer())
        .isEqualTo(SignerError.RATE_LIMITED);
  }

  @Test
  void open_badSignature_droppedAndCounted() throws Exception {
    warm(watched);
    SignedEvent ev = fx.request(PING);
    SignedEvent forged =
        new SignedEvent(
            ev.id(),
            ev.pubkey(),
            ev.createdAt(),
            ev.kind(),
            ev.tags(),
            ev.content() + "A",
            ev.sig());
    assertThat(front(watched, authorize(watched, 20)).open(fx.task(forged), f -> f))
        .isInstanceOf(FrontStage.Front.Dropped.class);
    assertThat(fx.rejected(EventRejectReason.BAD_SIGNATURE)).isEqualTo(1);
  }

  @Test
  void open_sameEventTwice_secondDroppedAsDuplicate() throws Exception {
    fx.connect("sign_event");
    warm(watched);
    FrontStage front = front(watched, authorize(watched, 20));
    SignedEvent ev = fx.request(PING);
    assertThat(front.open(fx.task(ev), f -> f)).isInstanceOf(FrontStage.Front.Opened.class);
    assertThat(front.open(fx.task(ev), f -> f)).isInstanceOf(FrontStage.Front.Dropped.class);
    assertThat(fx.rejected(EventRejectReason.DUPLICATE)).isEqualTo(1);
  }

  @Test
  void open_unknownSigner_droppedAndCounted() throws Exception {
    SecretKey other = SecretKey.generate();
    RequestTask task =
        new RequestTask(
            fx.request(PING),
            other.publicKey().toHex(),
            "dedupe-key",
            StageFixture.RELAY,
            fx.clock.instant(),
            t -> {});
    assertThat(front(watched, authorize(watched, 20)).open(task, f -> f))
        .isInstanceOf(FrontStage.Front.Dropped.class);
    assertThat(fx.rejected(EventRejectReason.UNKNOWN_SIGNER)).isEqualTo(1);
  }

  @Test
  void open_contentForAnotherKey_droppedAsUndecryptable() throws Exception {
    fx.connect("sign_event");
    warm(watched);
    SignedEvent toOther =
        fx.envelope.seal(
            Nip46Envelope.Scheme.NIP44,
            PING,
            fx.client,
            SchnorrSigner.create(fx.client),
            SecretKey.generate().publicKey(),
            fx.clock.instant().getEpochSecond(),
            List.of());
    assertThat(front(watched, authorize(watched, 20)).open(fx.task(toOther), f -> f))
        .isInstanceOf(FrontStage.Front.Dropped.class);
    assertThat(fx.rejected(EventRejectReason.UNDECRYPTABLE)).isEqualTo(1);
  }

  @Test
  void open_then_runsInTheSameCall_onTheCpuThread_andItsResultIsReturned() throws Exception {
    fx.connect("sign_event");
    warm(watched);
    RequestTask task = fx.task(fx.request(PING));
    String[] thread = new String[1];
    FrontStage.Front.Dropped marker = new FrontStage.Front.Dropped();
    FrontStage.Front front =
        front(watched, authorize(watched, 20))
            .open(
                task,
                f -> {
                  thread[0] = Thread.currentThread().getName();
                  assertThat(f).isInstanceOf(FrontStage.Front.Opened.class);
                  return marker;
                });
    assertThat(front).isSameAs(marker);
    assertThat(thread[0]).startsWith("stage-crypto");
  }
}
