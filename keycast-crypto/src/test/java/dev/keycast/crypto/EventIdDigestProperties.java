package dev.keycast.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The streamed event id hashes exactly the bytes of the canonical serialization, whatever the
 * strings hold: quotes, backslashes, control characters, 2-, 3- and 4-byte UTF-8, lone surrogates,
 * and sizes past the reused buffer.
 */
class EventIdDigestProperties {

  @Property(tries = 500)
  void idBytes_isSha256OfTheCanonicalJson(
      @ForAll("texts") String content,
      @ForAll("texts") String tagValue,
      @ForAll long createdAt,
      @ForAll int kind)
      throws Exception {
    String pubkey = "ab".repeat(32);
    List<List<String>> tags = List.of(List.of("t", tagValue), List.of("p", pubkey, ""));
    byte[] expected =
        MessageDigest.getInstance("SHA-256")
            .digest(
                NostrEvents.canonicalJson(pubkey, createdAt, kind, tags, content)
                    .getBytes(StandardCharsets.UTF_8));
    assertThat(EventIdDigest.idBytes(pubkey, createdAt, kind, tags, content)).isEqualTo(expected);
    // and again on the same thread, with the buffer reused
    assertThat(EventIdDigest.idBytes(pubkey, createdAt, kind, List.of(), tagValue))
        .isEqualTo(
            MessageDigest.getInstance("SHA-256")
                .digest(
                    NostrEvents.canonicalJson(pubkey, createdAt, kind, List.of(), tagValue)
                        .getBytes(StandardCharsets.UTF_8)));
  }

  @Provide
  Arbitrary<String> texts() {
    Arbitrary<Character> tricky =
        Arbitraries.of(
            '"', '\\', '\n', '\t', '\u0000', '\u001f', '\u007f', 'é', '€', '\ud83d', '\ude00', 'a');
    Arbitrary<Character> any = Arbitraries.chars();
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars('a', 'z').ofMaxLength(40),
        Arbitraries.strings().ofMaxLength(200),
        tricky.list().ofMaxSize(300).map(EventIdDigestProperties::join),
        any.list().ofMinSize(20_000).ofMaxSize(30_000).map(EventIdDigestProperties::join));
  }

  private static String join(List<Character> cs) {
    StringBuilder sb = new StringBuilder(cs.size());
    cs.forEach(sb::append);
    return sb.toString();
  }
}
