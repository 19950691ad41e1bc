package dev.keycast.nip46.bunker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.policy.Policy;
import dev.keycast.nip46.policy.RateLimit;
import dev.keycast.nip46.server.EventRejectReason;
import dev.keycast.nip46.server.SignerError;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AuthorizeStageTest {
  static final String PING = "{\"id\":\"1\",\"method\":\"ping\",\"params\":[]}";

  StageFixture fx;

  @AfterEach
  void close() {
    if (fx != null) {
      fx.close();
    }
  }

  AuthorizeStage stage(int burst) {
    FloodGuard guard = new FloodGuard(burst, 0.001, 1000, System::nanoTime);
    return new AuthorizeStage(guard, new SignerLookup(fx.cache, fx.stats), fx.cache, fx.stats);
  }

  @Test
  void authorize_knownSigner_returnsSignerAndPolicyLookedUpOnce() throws Exception {
    fx = new StageFixture("social");
    AuthorizeStage.Authorized a = stage(20).authorize(fx.task(fx.request(PING)), fx.parties());
    assertThat(a).isNotNull();
    assertThat(a.signer().authorization().id()).isEqualTo(fx.auth.id());
    assertThat(a.policy()).isNotNull();
    assertThat(a.policy().name()).isEqualTo("social");
    assertThat(a.answer()).isNull();
  }

  @Test
  void authorize_unknownSigner_droppedAndCounted() throws Exception {
    fx = new StageFixture("social");
    RequestParties other =
        new RequestParties(fx.client.publicKey(), SecretKey.generate().publicKey());
    assertThat(stage(20).authorize(fx.task(fx.request(PING)), other)).isNull();
    assertThat(fx.rejected(EventRejectReason.UNKNOWN_SIGNER)).isEqualTo(1);
  }

  @Test
  void authorize_overTheFloodGuard_answersRateLimitedThenDropsSilently() throws Exception {
    fx = new StageFixture("social");
    AuthorizeStage stage = stage(1);
    assertThat(stage.authorize(fx.task(fx.request(PING)), fx.parties()).answer()).isNull();
    int answered = 0;
    for (int i = 0; i < 10; i++) {
      AuthorizeStage.Authorized a = stage.authorize(fx.task(fx.request(PING)), fx.parties());
      if (a != null) {
        assertThat(a.answer()).isEqualTo(SignerError.RATE_LIMITED);
        answered++;
      }
    }
    assertThat(answered).isEqualTo(3); // the reply budget's burst
    assertThat(fx.rejected(EventRejectReason.RATE_LIMITED)).isEqualTo(7);
  }

  @Test
  void authorize_connectedClientOverTheFloodGuard_everyRequestAnsweredRateLimited()
      throws Exception {
    fx = new StageFixture("social");
    fx.connect("");
    AuthorizeStage stage = stage(1);
    assertThat(stage.authorize(fx.task(fx.request(PING)), fx.parties()).answer()).isNull();
    for (int i = 0; i < 50; i++) {
      AuthorizeStage.Authorized a = stage.authorize(fx.task(fx.request(PING)), fx.parties());
      assertThat(a).as("request %d answered", i).isNotNull();
      assertThat(a.answer()).isEqualTo(SignerError.RATE_LIMITED);
    }
  }

  @Test
  void authorize_overThePolicyRateLimit_notConnected_notCounted() throws Exception {
    fx = new StageFixture("one-a-minute");
    fx.db
        .policies()
        .save(
            Policy.builder("one-a-minute")
                .permissions("ping")
                .rateLimit(new RateLimit(1, Duration.ofMinutes(1)))
                .build());
    AuthorizeStage stage = stage(20);
    for (int i = 0; i < 5; i++) {
      assertThat(stage.authorize(fx.task(fx.request(PING)), fx.parties()).answer()).isNull();
    }
  }

  @Test
  void authorize_overThePolicyRateLimit_answersRateLimited() throws Exception {
    fx = new StageFixture("one-a-minute");
    fx.db
        .policies()
        .save(
            Policy.builder("one-a-minute")
                .permissions("ping")
                .rateLimit(new RateLimit(1, Duration.ofMinutes(1)))
                .build());
    fx.connect("");
    AuthorizeStage stage = stage(20);
    assertThat(stage.authorize(fx.task(fx.request(PING)), fx.parties()).answer()).isNull();
    for (int i = 0; i < 20; i++) {
      assertThat(stage.authorize(fx.task(fx.request(PING)), fx.parties()).answer())
          .isEqualTo(SignerError.RATE_LIMITED);
    }
  }
}
