package dev.keycast.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CpuExecutorConfigTest {

  @Test
  void build_nothingSet_threadsDefaultToProcessors() {
    CpuExecutorConfig c = CpuExecutorConfig.defaults();
    assertThat(c.threads()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(c.queueCapacity()).isEqualTo(1024);
    assertThat(c.name()).isEqualTo("keycast-cpu");
    assertThat(c.stuckThreshold()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void threads_tooMany_throwsNamingField() {
    assertThatThrownBy(() -> CpuExecutorConfig.builder().threads(5000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("threads");
  }

  @Test
  void queueCapacity_zero_throwsNamingField() {
    assertThatThrownBy(() -> CpuExecutorConfig.builder().queueCapacity(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("queueCapacity");
  }

  @Test
  void threads_setTwice_throws() {
    CpuExecutorConfig.Builder b = CpuExecutorConfig.builder().threads(1);
    assertThatThrownBy(() -> b.threads(1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("threads");
  }

  @Test
  void constructor_nullStuckThreshold_throwsNamingField() {
    assertThatThrownBy(
            () ->
                new CpuExecutorConfig("c", 1, 1, null, Duration.ZERO, QueueStatsCounter.disabled()))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("stuckThreshold");
  }

  @Test
  void toBuilder_keepsEveryComponentNotSet() {
    CpuExecutorConfig base =
        CpuExecutorConfig.builder()
            .name("base")
            .threads(3)
            .queueCapacity(7)
            .stuckThreshold(Duration.ofSeconds(2))
            .shutdownTimeout(Duration.ofSeconds(4))
            .build();
    assertThat(base.toBuilder().build()).isEqualTo(base);
    assertThat(base.toBuilder().threads(5).build())
        .isEqualTo(
            new CpuExecutorConfig(
                "base", 5, 7, Duration.ofSeconds(2), Duration.ofSeconds(4), base.statsCounter()));
  }
}
