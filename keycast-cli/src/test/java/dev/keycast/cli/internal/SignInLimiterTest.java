package dev.keycast.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SignInLimiterTest {
  private final AtomicLong nanos = new AtomicLong();
  private final SignInLimiter limiter = new SignInLimiter(nanos::get);

  @Test
  void perAddress_burstThenOneEveryTwelveSeconds_othersUnaffected() {
    for (int i = 0; i < SignInLimiter.PER_ADDRESS_BURST; i++) {
      assertThat(limiter.tryAcquire("10.0.0.1")).as("attempt %d", i).isTrue();
    }
    assertThat(limiter.tryAcquire("10.0.0.1")).isFalse();
    assertThat(limiter.tryAcquire("10.0.0.2")).isTrue();
    nanos.addAndGet(11_000_000_000L);
    assertThat(limiter.tryAcquire("10.0.0.1")).isFalse();
    nanos.addAndGet(1_000_000_000L);
    assertThat(limiter.tryAcquire("10.0.0.1")).isTrue();
    assertThat(limiter.tryAcquire("10.0.0.1")).isFalse();
  }

  @Test
  void global_manyAddressesTogether_limited() {
    int allowed = 0;
    for (int i = 0; i < 100; i++) {
      if (limiter.tryAcquire("192.0.2." + i)) {
        allowed++;
      }
    }
    assertThat(allowed).isEqualTo(SignInLimiter.GLOBAL_BURST);
    nanos.addAndGet(1_000_000_000L);
    assertThat(limiter.tryAcquire("198.51.100.1")).isTrue();
    assertThat(limiter.tryAcquire("198.51.100.2")).isFalse();
  }

  @Test
  void bearerFailures_tenPerMinutePerAddress_thenBlockedWithRetryAfter() {
    SignInLimiter bearer = SignInLimiter.forBearerFailures(nanos::get);
    for (int i = 0; i < SignInLimiter.BEARER_FAILURES_PER_MINUTE; i++) {
      assertThat(bearer.blockedForSeconds("10.0.0.1")).as("before failure %d", i).isZero();
      bearer.recordFailure("10.0.0.1");
    }
    assertThat(bearer.blockedForSeconds("10.0.0.1")).isEqualTo(6); // one failure back per 6 s
    assertThat(bearer.blockedForSeconds("10.0.0.1")).as("asking takes nothing").isEqualTo(6);
    assertThat(bearer.blockedForSeconds("10.0.0.2")).isZero();
    nanos.addAndGet(5_000_000_000L);
    assertThat(bearer.blockedForSeconds("10.0.0.1")).isEqualTo(1);
    nanos.addAndGet(1_000_000_000L);
    assertThat(bearer.blockedForSeconds("10.0.0.1")).isZero();
    bearer.recordFailure("10.0.0.1");
    assertThat(bearer.blockedForSeconds("10.0.0.1")).isPositive();
  }

  @Test
  void bearerFailures_noGlobalBudget_manyAddressesDoNotBlockAnother() {
    SignInLimiter bearer = SignInLimiter.forBearerFailures(nanos::get);
    for (int i = 0; i < 200; i++) {
      for (int j = 0; j < SignInLimiter.BEARER_FAILURES_PER_MINUTE; j++) {
        bearer.recordFailure("192.0.2." + i);
      }
    }
    assertThat(bearer.blockedForSeconds("192.0.2.7")).isPositive();
    assertThat(bearer.blockedForSeconds("198.51.100.1")).isZero();
  }
}
