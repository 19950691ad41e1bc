package dev.keycast.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycast.crypto.Nip19FormatException;
import dev.keycast.crypto.Nip19FormatException.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * BIP-173's own test vectors (valid and invalid bech32), bech32m rejection, and encode/decode round
 * trips.
 */
class Bech32Test {
  private static final int BIP173_MAX = 90;

  @Test
  void decode_bip173ValidVectors_accepted() {
    List<String> valid =
        List.of(
            "A12UEL5L",
            "a12uel5l",
            "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
            "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
            "11" + "q".repeat(82) + "c8247j",
            "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
            "?1ezyfcl");
    List<String> failures = new ArrayList<>();
    for (String s : valid) {
      try {
        Bech32.Decoded d = Bech32.decode(s, BIP173_MAX);
        // Re-encoding gives the lowercase form back (all these vectors carry byte-aligned data).
        String again = Bech32.encode(d.prefix(), d.data(), BIP173_MAX);
        if (!again.equals(s.toLowerCase())) {
          failures.add(s + ": re-encoded as " + again);
        }
      } catch (RuntimeException e) {
        failures.add(s + ": " + e);
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void decode_bip173InvalidVectors_rejectedWithReason() {
    Map<String, Reason> invalid =
        Map.ofEntries(
            Map.entry("\u00201nwldj5", Reason.INVALID_CHARACTER),
            Map.entry("\u007f1axkwrx", Reason.INVALID_CHARACTER),
            Map.entry("\u00801eym55h", Reason.INVALID_CHARACTER),
            Map.entry(
                "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx",
                Reason.TOO_LONG),
            Map.entry("pzry9x0s0muk", Reason.MISSING_SEPARATOR),
            Map.entry("1pzry9x0s0muk", Reason.MISSING_SEPARATOR),
            Map.entry("x1b4n0q5v", Reason.INVALID_CHARACTER),
            Map.entry("li1dgmt3", Reason.MISSING_SEPARATOR),
            Map.entry("de1lg7wt\u00ff", Reason.INVALID_CHARACTER),
            Map.entry("A1G7SGD8", Reason.INVALID_CHECKSUM),
            Map.entry("10a06t8", Reason.MISSING_SEPARATOR),
            Map.entry("1qzzfhee", Reason.MISSING_SEPARATOR));
    List<String> failures = new ArrayList<>();
    invalid.forEach(
        (s, reason) -> {
          try {
            Bech32.decode(s, BIP173_MAX);
            failures.add(s + ": accepted");
          } catch (Nip19FormatException e) {
            if (e.reason() != reason) {
              failures.add(s + ": " + e.reason() + " instead of " + reason);
            }
          }
        });
    assertThat(failures).isEmpty();
  }

  @Test
  void decode_bech32mChecksum_rejectedAsBech32m() {
    // BIP-350 valid bech32m strings: NIP-19 is bech32, so they must fail, and say why.
    for (String s : List.of("a1lqfn3a", "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx")) {
      assertThatThrownBy(() -> Bech32.decode(s, BIP173_MAX))
          .isInstanceOfSatisfying(
              Nip19FormatException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_CHECKSUM))
          .hasMessageContaining("bech32m");
    }
  }

  @Test
  void decode_mixedCase_rejected() {
    assertThatThrownBy(() -> Bech32.decode("a12UEL5L", BIP173_MAX))
        .isInstanceOfSatisfying(
            Nip19FormatException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MIXED_CASE));
  }

  @Test
  void decode_nonZeroPadding_rejected() {
    String good =
        Bech32.encode("x", new byte[] {(byte) 0xff}, 5000); // 8 bits -> 2 words, 2 padding bits
    assertThat(Bech32.decode(good, 5000).data()).containsExactly((byte) 0xff);
    // Words [31, last]: 10 bits, one byte plus 2 padding bits, which must be zero.
    for (int last = 0; last < 32; last++) {
      String candidate = withWords("x", new byte[] {31, (byte) last});
      if ((last & 3) != 0) {
        assertThatThrownBy(() -> Bech32.decode(candidate, 5000))
            .isInstanceOfSatisfying(
                Nip19FormatException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_PADDING));
      }
    }
    // Three words (15 bits) -> one byte and 7 bits of padding: too much padding.
    assertThatThrownBy(() -> Bech32.decode(withWords("x", new byte[] {0, 0, 0}), 5000))
        .isInstanceOfSatisfying(
            Nip19FormatException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_PADDING));
  }

  @Test
  void encode_tooLong_rejected() {
    assertThatThrownBy(() -> Bech32.encode("x", new byte[3200], 5000))
        .isInstanceOfSatisfying(
            Nip19FormatException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNENCODABLE));
  }

  @Property(tries = 200)
  void encodeDecode_anyBytes_roundTrips(@ForAll @Size(max = 600) byte[] data) {
    String s = Bech32.encode("test", data, 5000);
    Bech32.Decoded d = Bech32.decode(s, 5000);
    assertThat(d.prefix()).isEqualTo("test");
    assertThat(d.data()).isEqualTo(data);
    assertThat(Bech32.decode(s.toUpperCase(), 5000).data()).isEqualTo(data);
  }

  /** Builds a bech32 string from raw 5-bit words, computing a valid checksum (test-only helper). */
  static String withWords(String hrp, byte[] words) {
    String charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    int[] gen = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
    int chk = 1;
    List<Integer> values = new ArrayList<>();
    for (char c : hrp.toCharArray()) {
      values.add(c >>> 5);
    }
    values.add(0);
    for (char c : hrp.toCharArray()) {
      values.add(c & 31);
    }
    for (byte w : words) {
      values.add((int) w);
    }
    for (int i = 0; i < 6; i++) {
      values.add(0);
    }
    for (int v : values) {
      int top = chk >>> 25;
      chk = ((chk & 0x1ffffff) << 5) ^ v;
      for (int i = 0; i < 5; i++) {
        if (((top >>> i) & 1) != 0) {
          chk ^= gen[i];
        }
      }
    }
    chk ^= 1;
    StringBuilder sb = new StringBuilder(hrp).append('1');
    for (byte w : words) {
      sb.append(charset.charAt(w));
    }
    for (int i = 0; i < 6; i++) {
      sb.append(charset.charAt((chk >>> (5 * (5 - i))) & 31));
    }
    return sb.toString();
  }
}
