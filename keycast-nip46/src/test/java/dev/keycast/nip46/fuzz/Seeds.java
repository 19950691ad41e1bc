package dev.keycast.nip46.fuzz;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Valid examples that seed the keycast-nip46 corpora: signed events produced by nostr-tools (the
 * fixtures in keycast-crypto's test resources, on this module's test classpath through its test
 * jar) and NIP-01/NIP-46 messages built around them.
 */
final class Seeds {
  static final String PUBKEY = "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
  static final String OTHER = "c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5";

  private Seeds() {}

  /**
   * The first {@code limit} events of nostr-tools' {@code events.jsonl} (keycast-crypto's test
   * jar).
   */
  static List<String> events(int limit) {
    InputStream in = Seeds.class.getResourceAsStream("/fixtures/nostr-tools/events.jsonl");
    if (in == null) {
      throw new IllegalStateException(
          "fixtures/nostr-tools/events.jsonl is not on the test classpath");
    }
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return r.lines().filter(l -> !l.isBlank()).limit(limit).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
