package dev.keycast.crypto.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The smoke run of each keycast-crypto fuzz target inside {@code ./test}: its seeds, then {@value #MUTANTS}
 * deterministic mutants of them. A target throws on an undeclared exception or a broken round trip; the failure
 * names the input in hex so it can become a regression case. The long coverage-guided runs are
 * {@code scripts/fuzz.sh} (docs/fuzzing.md).
 */
class CryptoFuzzSmokeTest {
  static final int MUTANTS = 3000;

  static List<String> targets() {
    return List.copyOf(new TreeSet<>(CryptoFuzzTargets.TARGETS.keySet()));
  }

  @ParameterizedTest
  @MethodSource("targets")
  void target_seedsAndMutants_onlyDeclaredExceptions(String name) {
    CryptoFuzzTargets.Target target = CryptoFuzzTargets.TARGETS.get(name);
    List<byte[]> seeds = target.seeds().get();
    assertThat(seeds).isNotEmpty();
    List<byte[]> inputs = new ArrayList<>(seeds);
    SeedMutator mutator = new SeedMutator(seeds, name.hashCode());
    for (int i = 0; i < MUTANTS; i++) {
      inputs.add(mutator.next());
    }
    for (byte[] input : inputs) {
      try {
        target.run().accept(input);
      } catch (Throwable t) {
        throw new AssertionError(name + " failed on input " + java.util.HexFormat.of().formatHex(input), t);
      }
    }
  }
}
