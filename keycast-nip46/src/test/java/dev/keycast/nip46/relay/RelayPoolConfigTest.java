package dev.keycast.nip46.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class RelayPoolConfigTest {

  @Test
  void toBuilder_nothingChanged_equalConfig() {
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      RelayPoolConfig c =
          RelayPoolConfig.builder()
              .connectTimeout(Duration.ofSeconds(3))
              .publishTimeout(Duration.ofSeconds(4))
              .backoff(Duration.ofMillis(50), Duration.ofSeconds(5))
              .pingInterval(Duration.ofSeconds(6))
              .resubscribeOverlap(Duration.ZERO)
              .maxMessageChars(7)
              .maxPendingPerRelay(8)
              .executor(executor)
              .build();
      assertThat(c.toBuilder().build()).isEqualTo(c);
      assertThat(RelayPoolConfig.defaults().toBuilder().build())
          .isEqualTo(RelayPoolConfig.defaults());
    }
  }

  @Test
  void toBuilder_oneSettingChanged_keepsEveryOther() {
    RelayPoolConfig c =
        RelayPoolConfig.builder()
            .publishTimeout(Duration.ofSeconds(4))
            .backoff(Duration.ofMillis(50), Duration.ofSeconds(5))
            .maxPendingPerRelay(8)
            .build();
    RelayPoolConfig changed = c.toBuilder().maxMessageChars(1234).build();
    assertThat(changed.maxMessageChars()).isEqualTo(1234);
    assertThat(changed)
        .isEqualTo(
            new RelayPoolConfig(
                c.connectTimeout(),
                c.publishTimeout(),
                c.initialBackoff(),
                c.maxBackoff(),
                c.pingInterval(),
                c.resubscribeOverlap(),
                1234,
                c.maxPendingPerRelay(),
                c.executor()));
  }

  @Test
  void toBuilder_settingTwice_throws() {
    RelayPoolConfig.Builder b = RelayPoolConfig.defaults().toBuilder().maxMessageChars(10);
    assertThatThrownBy(() -> b.maxMessageChars(11)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void defaults_documentedValues() {
    RelayPoolConfig d = RelayPoolConfig.defaults();
    assertThat(d.initialBackoff()).isEqualTo(Duration.ofMillis(500));
    assertThat(d.maxBackoff()).isEqualTo(Duration.ofSeconds(30));
    assertThat(d.maxPendingPerRelay()).isEqualTo(1000);
    assertThat(d.maxMessageChars()).isEqualTo(512 * 1024);
    assertThat(d.executor()).isNull();
  }

  @Test
  void wireName_lowerCaseName() {
    assertThat(RelayState.CONNECTED.wireName()).isEqualTo("connected");
    assertThat(RelayState.NOT_STARTED.wireName()).isEqualTo("not_started");
    assertThat(
            RelayState.wireNames(
                Map.of("wss://b", RelayState.BACKOFF, "wss://a", RelayState.CONNECTED)))
        .containsExactly(Map.entry("wss://a", "connected"), Map.entry("wss://b", "backoff"));
  }
}
