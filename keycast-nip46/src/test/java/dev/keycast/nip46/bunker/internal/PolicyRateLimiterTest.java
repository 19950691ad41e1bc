package dev.keycast.nip46.bunker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.policy.RateLimit;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PolicyRateLimiterTest {
  private static final long SECOND = 1_000_000_000L;
  private final RateLimit threePerMinute = RateLimit.perMinute(3);

  @Test
  void tryAcquire_overLimitInWindow_deniedUntilNextWindow() {
    PolicyRateLimiter limiter = new PolicyRateLimiter(100);
    PublicKey a = SecretKey.generate().publicKey();
    PublicKey b = SecretKey.generate().publicKey();
    long t = 5 * SECOND;
    assertThat(limiter.tryAcquire(1, a, threePerMinute, t)).isTrue();
    assertThat(limiter.tryAcquire(1, a, threePerMinute, t + 1)).isTrue();
    assertThat(limiter.tryAcquire(1, a, threePerMinute, t + 2)).isTrue();
    assertThat(limiter.tryAcquire(1, a, threePerMinute, t + 3)).isFalse();
    assertThat(limiter.tryAcquire(1, b, threePerMinute, t + 3)).isTrue(); // per client
    assertThat(limiter.tryAcquire(1, a, threePerMinute, t + 59 * SECOND)).isFalse();
    assertThat(limiter.tryAcquire(1, a, threePerMinute, t + 60 * SECOND)).isTrue();
  }

  @Test
  void tryAcquire_manyClients_memoryStaysBounded() {
    PolicyRateLimiter limiter = new PolicyRateLimiter(10);
    for (int i = 0; i < 100; i++) {
      limiter.tryAcquire(
          1, SecretKey.generate().publicKey(), new RateLimit(1, Duration.ofSeconds(1)), i);
    }
    assertThat(limiter.trackedClients()).isLessThanOrEqualTo(10);
    assertThatThrownBy(() -> new PolicyRateLimiter(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void tryAcquire_floodOfOtherClients_neverResetsAClientInsideItsWindow() {
    PolicyRateLimiter limiter = new PolicyRateLimiter(10);
    PublicKey a = SecretKey.generate().publicKey();
    long t = 5 * SECOND;
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.tryAcquire(1, a, threePerMinute, t)).isTrue();
    }
    for (int i = 0; i < 1000; i++) {
      limiter.tryAcquire(1, SecretKey.generate().publicKey(), threePerMinute, t + i);
    }
    assertThat(limiter.trackedClients()).isLessThanOrEqualTo(10);
    assertThat(limiter.tryAcquire(1, a, threePerMinute, t + 2000)).isFalse();
  }

  @Test
  void tryAcquire_fullOfLiveWindows_refusesNewPairsUntilTheEldestWindowPasses() {
    PolicyRateLimiter limiter = new PolicyRateLimiter(1);
    PublicKey a = SecretKey.generate().publicKey();
    PublicKey b = SecretKey.generate().publicKey();
    long t = 5 * SECOND;
    assertThat(limiter.tryAcquire(1, a, threePerMinute, t)).isTrue();
    assertThat(limiter.tryAcquire(1, b, threePerMinute, t + 1)).isFalse();
    assertThat(limiter.tryAcquire(1, b, threePerMinute, t + 60 * SECOND)).isTrue();
  }

  @Test
  void tryAcquire_keyedByAuthorizationAndClient() {
    PolicyRateLimiter limiter = new PolicyRateLimiter(100);
    PublicKey a = SecretKey.generate().publicKey();
    long t = 5 * SECOND;
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.tryAcquire(1, a, threePerMinute, t)).isTrue();
    }
    assertThat(limiter.tryAcquire(1, a, threePerMinute, t)).isFalse();
    assertThat(limiter.tryAcquire(2, a, threePerMinute, t)).isTrue();
  }
}
