package dev.keycast.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * {@link PaddedBase64} accepts and rejects exactly what {@code java.util.Base64.getDecoder()} does
 * for texts whose length is a multiple of 4, with the same bytes, and rejects every other length.
 */
class PaddedBase64Properties {
  /** Characters that matter to a base64 decoder: the alphabet's edges, padding, near misses. */
  private static final String TRICKY =
      "AZaz09+/=-_.: \t\r\n\u0000\u007f\u0080\u00e9\u00ff\u0100\u0141\u20ac\ud83d\ude00\uffff";

  /** The outcome of a decoder: the bytes, or null if it rejected the text. */
  private static byte[] jdk(String text) {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static byte[] ours(String text) {
    try {
      return PaddedBase64.decode(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static void assertSameAsJdk(String text) {
    assertThat(text.length() % 4).isZero();
    assertThat(ours(text)).as("decode(\"%s\")", text).isEqualTo(jdk(text));
  }

  @Property(tries = 1000)
  void decode_anEncoding_givesTheBytesBack(@ForAll @Size(max = 300) byte[] bytes) {
    assertThat(PaddedBase64.decode(Base64.getEncoder().encodeToString(bytes))).isEqualTo(bytes);
  }

  /** Into a reused array longer than needed and holding old bytes: the same bytes, nothing more. */
  @Property(tries = 1000)
  void decodeInto_aLongerDirtyArray_sameBytesAndTheRestUntouched(
      @ForAll @Size(max = 300) byte[] bytes, @ForAll @IntRange(min = 0, max = 50) int extra) {
    String text = Base64.getEncoder().encodeToString(bytes);
    byte[] out = new byte[bytes.length + extra];
    java.util.Arrays.fill(out, (byte) 0x3c);

    assertThat(PaddedBase64.decodedLength(text)).isEqualTo(bytes.length);
    assertThat(PaddedBase64.decode(text, out)).isEqualTo(bytes.length);
    assertThat(java.util.Arrays.copyOf(out, bytes.length)).isEqualTo(bytes);
    for (int i = bytes.length; i < out.length; i++) {
      assertThat(out[i]).as("byte %d past the decoded length", i).isEqualTo((byte) 0x3c);
    }
  }

  @Property(tries = 1000)
  void decodeInto_sameOutcomeAsDecode(@ForAll("base64ishTexts") String text) {
    byte[] expected = ours(text);
    byte[] out = new byte[text.length()];
    try {
      int n = PaddedBase64.decode(text, out);
      assertThat(java.util.Arrays.copyOf(out, n)).isEqualTo(expected);
    } catch (IllegalArgumentException e) {
      assertThat(expected).as("decode(\"%s\") accepted it", text).isNull();
    }
  }

  @Example
  void decodeInto_anArrayTooShort_rejected() {
    assertThatThrownBy(() -> PaddedBase64.decode("AAAA", new byte[2]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shorter");
  }

  @Property(tries = 2000)
  void decode_anEncodingWithCharactersReplaced_sameOutcomeAsJdk(
      @ForAll @Size(min = 1, max = 40) byte[] bytes,
      @ForAll @Size(min = 1, max = 3) List<@IntRange(min = 0, max = 10_000) Integer> positions,
      @ForAll("trickyChars") List<Character> replacements) {
    char[] text = Base64.getEncoder().encodeToString(bytes).toCharArray();
    for (int i = 0; i < positions.size() && i < replacements.size(); i++) {
      text[positions.get(i) % text.length] = replacements.get(i);
    }
    assertSameAsJdk(new String(text));
  }

  @Property(tries = 2000)
  void decode_randomTextOfBase64Characters_sameOutcomeAsJdk(@ForAll("base64ishTexts") String text) {
    assertSameAsJdk(text);
  }

  @Property(tries = 500)
  void decode_lengthNotAMultipleOf4_rejected(@ForAll("base64ishTexts") String text) {
    String cut = text + "A".repeat(1 + Math.floorMod(text.hashCode(), 3));
    assertThatThrownBy(() -> PaddedBase64.decode(cut))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("multiple of 4");
  }

  @Example
  void decode_edgeCases_sameOutcomeAsJdk() {
    for (String text :
        List.of(
            "",
            "AAAA",
            "AA==",
            "AAA=",
            // unused trailing bits set: the JDK ignores them, and so must we
            "AB==",
            "AP==",
            "AAB=",
            "AAD=",
            "////",
            "+/+/",
            "A===",
            "====",
            "AA=A",
            "A=A=",
            "=AAA",
            "AA==AAAA",
            "AAA=AAAA",
            "AAAA====",
            "AA\u00e9=",
            "AA\u0141=",
            "AA A",
            "AA-_",
            "AAA\u0000")) {
      assertSameAsJdk(text);
    }
  }

  @Provide
  Arbitrary<List<Character>> trickyChars() {
    return Arbitraries.of(TRICKY.toCharArray()).list().ofMinSize(1).ofMaxSize(3);
  }

  /** Mostly alphabet characters with padding and a few strays, lengths a multiple of 4. */
  @Provide
  Arbitrary<String> base64ishTexts() {
    Arbitrary<Character> alphabet =
        Arbitraries.of(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray());
    Arbitrary<Character> chars =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(40, alphabet),
            net.jqwik.api.Tuple.of(4, Arbitraries.just('=')),
            net.jqwik.api.Tuple.of(1, Arbitraries.of(TRICKY.toCharArray())));
    return Arbitraries.integers()
        .between(0, 12)
        .flatMap(groups -> chars.list().ofSize(groups * 4))
        .map(
            list -> {
              StringBuilder sb = new StringBuilder(list.size());
              list.forEach(sb::append);
              return sb.toString();
            });
  }
}
