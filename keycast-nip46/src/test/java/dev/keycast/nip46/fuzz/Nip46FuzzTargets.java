package dev.keycast.nip46.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The keycast-nip46 fuzz targets by name, with their seed corpora; {@code scripts/fuzz.sh} runs its {@link #main}
 * to write a target's seeds into a directory before Jazzer starts.
 */
public final class Nip46FuzzTargets {
  /** A target's entry point ({@code fuzzerTestOneInput}) and its seeds. */
  record Target(Class<?> fuzzerClass, FuzzTarget run, Supplier<List<byte[]>> seeds) {}

  /** {@code fuzzerTestOneInput} as a value. */
  interface FuzzTarget {
    void accept(byte[] input) throws Exception;
  }

  static final Map<String, Target> TARGETS = Map.of(
      "relay-messages",
      new Target(RelayMessagesFuzzer.class, RelayMessagesFuzzer::fuzzerTestOneInput, RelayMessagesFuzzer::seeds),
      "nip46-codec", new Target(Nip46CodecFuzzer.class, Nip46CodecFuzzer::fuzzerTestOneInput, Nip46CodecFuzzer::seeds),
      "event-json", new Target(EventJsonFuzzer.class, EventJsonFuzzer::fuzzerTestOneInput, EventJsonFuzzer::seeds),
      "bunker-uri", new Target(BunkerUriFuzzer.class, BunkerUriFuzzer::fuzzerTestOneInput, BunkerUriFuzzer::seeds),
      "nostrconnect-uri",
      new Target(NostrConnectUriFuzzer.class, NostrConnectUriFuzzer::fuzzerTestOneInput, NostrConnectUriFuzzer::seeds));

  private Nip46FuzzTargets() {}

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
