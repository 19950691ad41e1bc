package dev.keycast.nip46.fuzz;

import dev.keycast.crypto.fuzz.FuzzTarget;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The smoke run of each keycast-nip46 fuzz target inside {@code ./test} (seeds and 2,000 mutants,
 * seconds); the long coverage-guided runs are {@code scripts/fuzz.sh} (docs/fuzzing.md).
 */
class Nip46FuzzSmokeTest {
  static List<FuzzTarget> targets() {
    return Nip46FuzzTargets.TARGETS;
  }

  @ParameterizedTest
  @MethodSource("targets")
  void target_seedsAndMutants_onlyDeclaredExceptions(FuzzTarget target) {
    target.smoke(2000);
  }
}
