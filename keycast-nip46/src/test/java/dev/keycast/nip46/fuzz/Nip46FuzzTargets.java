package dev.keycast.nip46.fuzz;

import dev.keycast.crypto.fuzz.FuzzTarget;
import java.io.IOException;
import java.util.List;

/**
 * The keycast-nip46 fuzz targets; {@code scripts/fuzz.sh} runs {@link #main} to write a target's
 * seeds.
 */
public final class Nip46FuzzTargets {
  static final List<FuzzTarget> TARGETS =
      List.of(
          new FuzzTarget(
              "relay-messages",
              RelayMessagesFuzzer.class,
              RelayMessagesFuzzer::fuzzerTestOneInput,
              RelayMessagesFuzzer::seeds),
          new FuzzTarget(
              "nip46-codec",
              Nip46CodecFuzzer.class,
              Nip46CodecFuzzer::fuzzerTestOneInput,
              Nip46CodecFuzzer::seeds),
          new FuzzTarget(
              "event-json",
              EventJsonFuzzer.class,
              EventJsonFuzzer::fuzzerTestOneInput,
              EventJsonFuzzer::seeds),
          new FuzzTarget(
              "bunker-uri",
              BunkerUriFuzzer.class,
              BunkerUriFuzzer::fuzzerTestOneInput,
              BunkerUriFuzzer::seeds),
          new FuzzTarget(
              "nostrconnect-uri",
              NostrConnectUriFuzzer.class,
              NostrConnectUriFuzzer::fuzzerTestOneInput,
              NostrConnectUriFuzzer::seeds));

  private Nip46FuzzTargets() {}

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
