package dev.keycast.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WorkQueueConfigTest {

  @Test
  void build_nothingSet_usesDocumentedDefaults() {
    WorkQueueConfig c = WorkQueueConfig.defaults();
    assertThat(c.name()).isEqualTo("keycast-queue");
    assertThat(c.workers()).isEqualTo(64);
    assertThat(c.capacity()).isEqualTo(1024);
    assertThat(c.stuckThreshold()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.shutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.statsCounter()).isSameAs(QueueStatsCounter.disabled());
  }

  @Test
  void build_everythingSet_keepsValues() {
    QueueStatsCounter counter = new ConcurrentQueueStatsCounter();
    WorkQueueConfig c =
        WorkQueueConfig.builder()
            .name("q")
            .workers(3)
            .capacity(7)
            .stuckThreshold(Duration.ofMillis(5))
            .shutdownTimeout(Duration.ZERO)
            .statsCounter(counter)
            .onAbandoned(t -> {})
            .build();
    assertThat(c.name()).isEqualTo("q");
    assertThat(c.workers()).isEqualTo(3);
    assertThat(c.capacity()).isEqualTo(7);
    assertThat(c.stuckThreshold()).isEqualTo(Duration.ofMillis(5));
    assertThat(c.shutdownTimeout()).isZero();
    assertThat(c.statsCounter()).isSameAs(counter);
  }

  @Test
  void workers_zero_throwsNamingField() {
    assertThatThrownBy(() -> WorkQueueConfig.builder().workers(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("workers");
  }

  @Test
  void capacity_negative_throwsNamingField() {
    assertThatThrownBy(() -> WorkQueueConfig.builder().capacity(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capacity");
  }

  @Test
  void stuckThreshold_zero_throwsNamingField() {
    assertThatThrownBy(() -> WorkQueueConfig.builder().stuckThreshold(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("stuckThreshold");
  }

  @Test
  void shutdownTimeout_negative_throwsNamingField() {
    assertThatThrownBy(() -> WorkQueueConfig.builder().shutdownTimeout(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shutdownTimeout");
  }

  @Test
  void name_blank_throwsNamingField() {
    assertThatThrownBy(() -> WorkQueueConfig.builder().name(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name");
  }

  @Test
  void workers_setTwice_throws() {
    WorkQueueConfig.Builder b = WorkQueueConfig.builder().workers(2);
    assertThatThrownBy(() -> b.workers(3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("workers was already set");
  }

  @Test
  void statsCounter_setTwice_throws() {
    WorkQueueConfig.Builder b =
        WorkQueueConfig.builder().statsCounter(QueueStatsCounter.disabled());
    assertThatThrownBy(() -> b.statsCounter(QueueStatsCounter.disabled()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("statsCounter");
  }

  @Test
  void constructor_invalidCapacity_throwsNamingField() {
    assertThatThrownBy(
            () ->
                new WorkQueueConfig(
                    "q",
                    1,
                    0,
                    Duration.ofSeconds(1),
                    Duration.ZERO,
                    QueueStatsCounter.disabled(),
                    t -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capacity");
  }

  @Test
  void toBuilder_keepsEveryComponentNotSet_andSetsOnceMore() {
    QueueStatsCounter stats = QueueStatsCounter.disabled();
    java.util.function.Consumer<QueuedTask> abandoned = t -> {};
    WorkQueueConfig base =
        WorkQueueConfig.builder()
            .name("base")
            .workers(3)
            .capacity(7)
            .stuckThreshold(Duration.ofSeconds(2))
            .shutdownTimeout(Duration.ofSeconds(4))
            .statsCounter(stats)
            .onAbandoned(abandoned)
            .build();
    assertThat(base.toBuilder().build()).isEqualTo(base);
    java.util.function.Consumer<QueuedTask> other = t -> {};
    WorkQueueConfig changed = base.toBuilder().onAbandoned(other).build();
    assertThat(changed)
        .isEqualTo(
            new WorkQueueConfig(
                "base", 3, 7, Duration.ofSeconds(2), Duration.ofSeconds(4), stats, other));
    assertThatThrownBy(() -> base.toBuilder().workers(1).workers(2))
        .isInstanceOf(IllegalStateException.class);
  }
}
