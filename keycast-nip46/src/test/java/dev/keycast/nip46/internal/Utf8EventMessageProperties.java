package dev.keycast.nip46.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.RelayMessages;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link Utf8EventMessage} writes exactly the UTF-8 of {@link RelayMessages#eventMessage}: any
 * content and tags (every char, lone surrogates and control characters included), any time and
 * kind.
 */
class Utf8EventMessageProperties {

  @Property(tries = 500)
  void sameBytesAsTheEventMessagesUtf8(@ForAll("events") SignedEvent e) {
    byte[] expected = RelayMessages.eventMessage(e).toString().getBytes(StandardCharsets.UTF_8);
    int length = Utf8EventMessage.length(e);
    assertThat(length).isEqualTo(expected.length);
    byte[] out = new byte[length + 7];
    Arrays.fill(out, (byte) 0x5A);
    int end = Utf8EventMessage.write(e, out, 3);
    assertThat(end).isEqualTo(3 + length);
    assertThat(Arrays.copyOfRange(out, 3, end)).isEqualTo(expected);
    assertThat(out[2]).as("nothing written before").isEqualTo((byte) 0x5A);
    assertThat(out[end]).as("nothing written after").isEqualTo((byte) 0x5A);
  }

  @Example
  void boundaryNumbersAndNoTags() {
    for (long t : List.of(0L, 9L, 10L, 1_700_000_000L, Long.MAX_VALUE)) {
      for (int kind : List.of(0, 9, 10, 65_535)) {
        SignedEvent e =
            new SignedEvent(
                "a".repeat(64), "b".repeat(64), t, kind, List.of(), "", "c".repeat(128));
        sameBytesAsTheEventMessagesUtf8(e);
      }
    }
  }

  @Provide
  Arbitrary<SignedEvent> events() {
    Arbitrary<String> hex64 = Arbitraries.strings().withChars("0123456789abcdef").ofLength(64);
    Arbitrary<String> hex128 = Arbitraries.strings().withChars("0123456789abcdef").ofLength(128);
    Arbitrary<String> text =
        Arbitraries.oneOf(
            Arbitraries.strings().all().ofMaxLength(80),
            Arbitraries.strings().ascii().ofMaxLength(80),
            Arbitraries.strings()
                .withChars("\"\\\b\t\n\f\r\u0001\u001f\u007f\u00e9\u20ac\ud800\udc00")
                .ofMaxLength(20));
    Arbitrary<List<List<String>>> tags = text.list().ofMaxSize(4).list().ofMaxSize(4);
    return Combinators.combine(
            hex64,
            hex64,
            Arbitraries.longs().between(0, Long.MAX_VALUE),
            Arbitraries.integers().between(0, 65_535),
            tags,
            text,
            hex128)
        .as(SignedEvent::new);
  }
}
