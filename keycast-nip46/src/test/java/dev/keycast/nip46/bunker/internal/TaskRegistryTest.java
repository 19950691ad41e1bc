package dev.keycast.nip46.bunker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.nip46.server.TaskSnapshot.Stage;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/** The task view's bookkeeping, on and with the measurement switch off. */
class TaskRegistryTest {

  @Test
  void tracking_on_recordsStageThreadAndCpuTime() throws Exception {
    try (StageFixture fx = new StageFixture("social")) {
      TaskRegistry registry = new TaskRegistry(true);
      RequestTask task = fx.task(fx.request("{\"id\":\"1\",\"method\":\"ping\",\"params\":[]}"));
      long entered = registry.enter(task);
      assertThat(task.thread).isEqualTo(Thread.currentThread().getName());
      TaskRegistry.stage(Stage.POLICY);
      assertThat(task.stage).isEqualTo(Stage.POLICY);
      Callable<String> work = () -> "x";
      Callable<String> timed = TaskRegistry.timed("sign_event", work);
      assertThat(timed).isNotSameAs(work);
      assertThat(timed.call()).isEqualTo("x");
      registry.exit(task, entered);
      assertThat(task.thread).isNull();
      assertThat(registry.workerBusyNanos()).isPositive();
      assertThat(TaskRegistry.describe(List.of(task)))
          .singleElement()
          .satisfies(t -> assertThat(t.stage()).isEqualTo(Stage.SIGN));
    }
  }

  @Test
  void tracking_off_recordsNothing() throws Exception {
    try (StageFixture fx = new StageFixture("social")) {
      TaskRegistry registry = new TaskRegistry(false);
      assertThat(registry.tracking()).isFalse();
      RequestTask task = fx.task(fx.request("{\"id\":\"1\",\"method\":\"ping\",\"params\":[]}"));
      long entered = registry.enter(task);
      assertThat(task.thread).isNull();
      TaskRegistry.stage(Stage.POLICY);
      assertThat(task.stage).isEqualTo(Stage.QUEUED);
      Callable<String> work = () -> "x";
      assertThat(TaskRegistry.timed("sign_event", work)).isSameAs(work);
      registry.exit(task, entered);
      assertThat(registry.workerBusyNanos()).isZero();
      assertThat(registry.cpuBusyNanos()).isZero();
    }
  }

  @Test
  void defaultConstructor_tracksUnlessSwitchedOff() {
    assertThat(System.getProperty(TaskRegistry.SWITCH)).isNull();
    assertThat(new TaskRegistry().tracking()).isTrue();
  }
}
