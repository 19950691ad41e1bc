package dev.keycast.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The committed nostr-tools fixtures are exactly what {@code interop/fixtures/generate.mjs}
 * produces with the pinned nostr-tools: the generator is re-run into {@code target/} and every file
 * compared byte for byte. This catches hand edits and a nostr-tools upgrade that changes any output
 * (then regenerate and review the diff).
 */
class NostrToolsFixturesReproducibleTest {
  @Test
  void generator_rerun_reproducesCommittedFixtures() throws Exception {
    NodeInterop node = NodeInterop.require();
    Path committed = node.root().resolve("keycast-crypto/src/test/resources/fixtures/nostr-tools");
    Path out = Path.of("target", "interop", "regenerated").toAbsolutePath();
    Files.createDirectories(out);
    NodeInterop.Result run = node.run("interop/fixtures/generate.mjs", "--out", out.toString());
    assertThat(run.exitCode()).as("generate.mjs output:\n" + run.output()).isZero();
    List<String> differences = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> s = Files.list(committed)) {
      files = s.sorted().toList();
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(7);
    for (Path file : files) {
      Path again = out.resolve(file.getFileName());
      if (!Files.exists(again) || Files.mismatch(file, again) != -1) {
        differences.add(file.getFileName().toString());
      }
    }
    assertThat(differences).as("fixtures that differ from a fresh generate.mjs run").isEmpty();
  }
}
