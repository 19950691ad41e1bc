package dev.keycast.crypto.fuzz;

import java.io.IOException;
import java.util.List;

/**
 * The keycast-crypto fuzz targets; {@code scripts/fuzz.sh} runs {@link #main} to write a target's
 * seeds.
 */
public final class CryptoFuzzTargets {
  static final List<FuzzTarget> TARGETS =
      List.of(
          new FuzzTarget(
              "nip19", Nip19Fuzzer.class, Nip19Fuzzer::fuzzerTestOneInput, Nip19Fuzzer::seeds),
          new FuzzTarget(
              "nip44-decrypt",
              Nip44DecryptFuzzer.class,
              Nip44DecryptFuzzer::fuzzerTestOneInput,
              Nip44DecryptFuzzer::seeds),
          new FuzzTarget(
              "nip04-decrypt",
              Nip04DecryptFuzzer.class,
              Nip04DecryptFuzzer::fuzzerTestOneInput,
              Nip04DecryptFuzzer::seeds),
          new FuzzTarget(
              "nip49-decrypt",
              Nip49DecryptFuzzer.class,
              Nip49DecryptFuzzer::fuzzerTestOneInput,
              Nip49DecryptFuzzer::seeds));

  private CryptoFuzzTargets() {}

  /**
   * Writes a target's seed corpus and prints its class name (see {@link FuzzTarget#writeSeeds}).
   *
   * @param args the target name and the directory
   * @throws IOException if the directory cannot be written
   */
  public static void main(String[] args) throws IOException {
    FuzzTarget.writeSeeds(TARGETS, args);
  }
}
