package dev.keycast.queue.internal;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.LincheckAssertionError;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Param;
import org.jetbrains.kotlinx.lincheck.paramgen.IntGen;
import org.jetbrains.kotlinx.lincheck.strategy.stress.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of {@link BoundedBuffer}'s non-blocking operations (Lincheck, stress strategy):
 * concurrent {@code offer}, {@code close}, {@code drain} and {@code size} on a buffer of capacity 2
 * must match some sequential order. This is the guarantee the queue's shutdown rests on: an offer
 * racing with close is either accepted (and then drained) or refused, never accepted and lost.
 * {@code take} blocks on an empty open buffer, which Lincheck's Java API cannot express, so the
 * blocking paths are covered by the jqwik tests in {@code BoundedBufferTest}.
 *
 * <p>Only the stress strategy is used: on JDK 25, Lincheck 2.39's model-checking strategy cannot
 * instrument class files of version 69 ("Unsupported class file major version 69" from its ASM) and
 * reports nothing even for a plainly racy counter; see docs/queue.md. {@link
 * #stress_racyCounter_isCaught()} shows that the stress strategy used here does catch a race on
 * this JDK, so a pass means something.
 */
@Param(name = "e", gen = IntGen.class, conf = "1:4")
public class BoundedBufferLincheckTest {
  private final BoundedBuffer<Integer> buffer = new BoundedBuffer<>(2);

  @Operation
  public BoundedBuffer.Offer offer(@Param(name = "e") int e) {
    return buffer.offer(e);
  }

  @Operation
  public List<Integer> drain() {
    return buffer.drain();
  }

  @Operation
  public int close() {
    buffer.close();
    return 0;
  }

  @Operation
  public int size() {
    return buffer.size();
  }

  @Test
  void stress_offerCloseDrainSize_linearizable() {
    LinChecker.check(
        BoundedBufferLincheckTest.class,
        new StressOptions()
            .iterations(60)
            .invocationsPerIteration(2_000)
            .threads(3)
            .actorsPerThread(3));
  }

  /** A counter with a lost update: the control that shows the strategy finds races on this JDK. */
  public static class RacyCounter {
    private int n;

    @Operation
    public int increment() {
      int v = n;
      Thread.yield(); // widen the window so the race shows within a few iterations on a busy 2-core
      // machine
      n = v + 1;
      return v;
    }
  }

  @Test
  void stress_racyCounter_isCaught() {
    assertThatThrownBy(
            () ->
                LinChecker.check(
                    RacyCounter.class,
                    new StressOptions()
                        .iterations(50)
                        .invocationsPerIteration(5_000)
                        .threads(2)
                        .actorsPerThread(3)))
        .isInstanceOf(LincheckAssertionError.class);
  }
}
