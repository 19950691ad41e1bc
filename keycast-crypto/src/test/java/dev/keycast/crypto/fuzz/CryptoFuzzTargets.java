package dev.keycast.crypto.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The keycast-crypto fuzz targets by name, with their seed corpora; {@code scripts/fuzz.sh} runs its {@link #main}
 * to write a target's seeds into a directory before Jazzer starts.
 */
public final class CryptoFuzzTargets {
  /** A target's entry point ({@code fuzzerTestOneInput}) and its seeds. */
  record Target(Class<?> fuzzerClass, FuzzTarget run, Supplier<List<byte[]>> seeds) {}

  /** {@code fuzzerTestOneInput} as a value. */
  interface FuzzTarget {
    void accept(byte[] input) throws Exception;
  }

  static final Map<String, Target> TARGETS = Map.of(
      "nip19", new Target(Nip19Fuzzer.class, Nip19Fuzzer::fuzzerTestOneInput, Nip19Fuzzer::seeds),
      "nip44-decrypt",
      new Target(Nip44DecryptFuzzer.class, Nip44DecryptFuzzer::fuzzerTestOneInput, Nip44DecryptFuzzer::seeds),
      "nip04-decrypt",
      new Target(Nip04DecryptFuzzer.class, Nip04DecryptFuzzer::fuzzerTestOneInput, Nip04DecryptFuzzer::seeds),
      "nip49-decrypt",
      new Target(Nip49DecryptFuzzer.class, Nip49DecryptFuzzer::fuzzerTestOneInput, Nip49DecryptFuzzer::seeds));

  private CryptoFuzzTargets() {}

  /**
   * Writes a target's seed corpus, one file per seed, and prints the target's class name.
   *
   * @param args the target name and the directory to write to
   * @throws IOException if the directory cannot be written
   */
  public static void main(String[] args) throws IOException {
    Target t = TARGETS.get(args[0]);
    if (t == null) {
      throw new IllegalArgumentException("unknown target " + args[0] + "; known: " + TARGETS.keySet());
    }
    writeSeeds(t.seeds().get(), Path.of(args[1]));
    System.out.println(t.fuzzerClass().getName());
  }

  static void writeSeeds(List<byte[]> seeds, Path dir) throws IOException {
    Files.createDirectories(dir);
    for (int i = 0; i < seeds.size(); i++) {
      Files.write(dir.resolve(String.format("seed-%04d-%s", i, HexFormat.of().formatHex(seeds.get(i), 0,
          Math.min(4, seeds.get(i).length)))), seeds.get(i));
    }
  }
}
