package dev.keycast.crypto.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

/**
 * One fuzz target: its name in {@code scripts/fuzz.sh}, the class whose {@code
 * fuzzerTestOneInput(byte[])} Jazzer calls, that method as a value, and its seed corpus. Shared by
 * both modules' targets (keycast-nip46 through this module's test jar).
 *
 * @param name the name {@code scripts/fuzz.sh} takes
 * @param fuzzerClass the class Jazzer's {@code --target_class} names
 * @param body its {@code fuzzerTestOneInput}
 * @param seeds its seed corpus
 */
public record FuzzTarget(
    String name, Class<?> fuzzerClass, Body body, Supplier<List<byte[]>> seeds) {

  /** {@code fuzzerTestOneInput} as a value. */
  public interface Body {
    /**
     * Runs one input.
     *
     * @param input the raw input
     * @throws Exception only on a finding (undeclared exception or broken round trip)
     */
    void accept(byte[] input) throws Exception;
  }

  /**
   * What each target's {@code fuzzerInitialize} does (Jazzer calls it once, before fuzzing): runs
   * the seeds, so that class loading, Jazzer's instrumentation and static set-up happen outside the
   * per-input timeout.
   *
   * @param seeds the target's seeds
   * @param body its {@code fuzzerTestOneInput}
   * @throws Exception if a seed fails, which is a finding
   */
  public static void warmUp(List<byte[]> seeds, Body body) throws Exception {
    for (byte[] seed : seeds) {
      body.accept(seed);
    }
  }

  /** The name, so that parameterized test runs read well. */
  @Override
  public String toString() {
    return name;
  }

  /**
   * The smoke run in {@code ./test}: the seeds, then {@code mutants} deterministic mutants of them.
   *
   * @param mutants how many mutants to run
   * @throws AssertionError naming the input in hex if the target throws
   */
  public void smoke(int mutants) {
    List<byte[]> seedList = seeds.get();
    if (seedList.isEmpty()) {
      throw new AssertionError(name + " has no seeds");
    }
    List<byte[]> inputs = new ArrayList<>(seedList);
    SeedMutator mutator = new SeedMutator(seedList, name.hashCode());
    for (int i = 0; i < mutants; i++) {
      inputs.add(mutator.next());
    }
    for (byte[] input : inputs) {
      try {
        body.accept(input);
      } catch (Throwable t) {
        throw new AssertionError(name + " failed on input " + HexFormat.of().formatHex(input), t);
      }
    }
  }

  /**
   * What {@code scripts/fuzz.sh} runs before Jazzer: writes the named target's seeds into a
   * directory, one file per seed, and prints its class name.
   *
   * @param targets the module's targets
   * @param args the target name and the directory
   * @throws IOException if the directory cannot be written
   */
  public static void writeSeeds(List<FuzzTarget> targets, String[] args) throws IOException {
    FuzzTarget t =
        targets.stream()
            .filter(x -> x.name().equals(args[0]))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("unknown target " + args[0]));
    Path dir = Path.of(args[1]);
    Files.createDirectories(dir);
    List<byte[]> seedList = t.seeds().get();
    for (int i = 0; i < seedList.size(); i++) {
      Files.write(dir.resolve(String.format("seed-%04d", i)), seedList.get(i));
    }
    System.out.println(t.fuzzerClass().getName());
  }
}
