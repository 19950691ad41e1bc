package dev.keycast.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class Utf8Test {
  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  @Test
  void encode_loneSurrogates_becomeReplacementCharacterLikeTextEncoder() {
    // new TextEncoder().encode('a\ud800b\udc00\ud83d\ude00') in node: 61 efbfbd 62 efbfbd f09f9880
    assertThat(hex(Utf8.encode("a\ud800b\udc00\ud83d\ude00")))
        .isEqualTo("61efbfbd62efbfbdf09f9880");
    assertThat(hex(Utf8.encode("\ud83d"))).isEqualTo("efbfbd");
    assertThat(hex(Utf8.encode("\ude00\ud83d"))).isEqualTo("efbfbdefbfbd");
  }

  /**
   * Reference: code points as UTF16DecodeString yields them, lone surrogates replaced by U+FFFD.
   */
  private static String wellFormed(String s) {
    StringBuilder sb = new StringBuilder();
    s.codePoints().forEach(cp -> sb.appendCodePoint(cp >= 0xD800 && cp <= 0xDFFF ? 0xFFFD : cp));
    return sb.toString();
  }

  @Property(tries = 200)
  void encode_anyString_equalsUtf8OfWellFormedReference(@ForAll String s) {
    assertThat(Utf8.encode(s)).isEqualTo(wellFormed(s).getBytes(StandardCharsets.UTF_8));
    assertThat(Utf8.hasLoneSurrogate(s))
        .isEqualTo(s.codePoints().anyMatch(cp -> cp >= 0xD800 && cp <= 0xDFFF));
  }
}
