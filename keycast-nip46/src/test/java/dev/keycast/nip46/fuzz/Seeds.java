package dev.keycast.nip46.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Valid examples that seed the keycast-nip46 corpora: signed events produced by nostr-tools (the fixtures checked
 * in under keycast-crypto's test resources) and NIP-01/NIP-46 messages built around them.
 */
final class Seeds {
  static final String PUBKEY = "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
  static final String OTHER = "c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5";

  private Seeds() {}

  /** The first {@code limit} events of {@code events.jsonl}, one JSON object each. */
  static List<String> events(int limit) {
    Path file = fixtures().resolve("events.jsonl");
    try (var lines = Files.lines(file)) {
      return lines.filter(l -> !l.isBlank()).limit(limit).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The nostr-tools fixtures folder, found from the working directory (a module folder or the repository root). */
  private static Path fixtures() {
    Path rel = Path.of("keycast-crypto", "src", "test", "resources", "fixtures", "nostr-tools");
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve(rel))) {
        return dir.resolve(rel);
      }
    }
    throw new IllegalStateException("cannot find " + rel + " above " + Path.of("").toAbsolutePath());
  }
}
