package dev.keycast.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycast.crypto.Nip19FormatException.Reason;
import dev.keycast.crypto.internal.Bech32;
import java.security.InvalidKeyException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** NIP-19: the spec's examples, round trips, and every kind of bad input. */
class Nip19Test {
  private static final HexFormat HEX = HexFormat.of();
  private static final String ALPHABET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

  // -------------------------------------------------------------------------------------------
  // spec examples

  @Test
  void decodeNpub_specExamples_matchHex() throws Exception {
    assertThat(
            Nip19.decodeNpub("npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w6")
                .toHex())
        .isEqualTo("3bf0c63fcb93463407af97a5e5ee64fa883d107ef9e558472c4eb9aaaefa459d");
    assertThat(
            Nip19.decodeNpub("npub10elfcs4fr0l0r8af98jlmgdh9c8tcxjvz9qkw038js35mp4dma8qzvjptg")
                .toHex())
        .isEqualTo("7e7e9c42a91bfef19fa929e5fda1b72e0ebc1a4c1141673e2794234d86addf4e");
    assertThat(
            Nip19.encodeNpub(
                PublicKey.fromHex(
                    "7e7e9c42a91bfef19fa929e5fda1b72e0ebc1a4c1141673e2794234d86addf4e")))
        .isEqualTo("npub10elfcs4fr0l0r8af98jlmgdh9c8tcxjvz9qkw038js35mp4dma8qzvjptg");
  }

  @Test
  void decodeNsec_specExample_matchesHex() throws Exception {
    String nsec = "nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5";
    SecretKey key = Nip19.decodeNsec(nsec);
    assertThat(HEX.formatHex(key.toBytes(InsecureSecretKeyAccess.get())))
        .isEqualTo("67dea2ed018072d675f5415ecfaed7d2597555e202d85b3d65ea4e58d2d92ffa");
    assertThat(Nip19.encodeNsec(key, InsecureSecretKeyAccess.get())).isEqualTo(nsec);
  }

  @Test
  void decodeNprofile_specExample_matchesKeyAndRelays() throws Exception {
    String s =
        "nprofile1qqsrhuxx8l9ex335q7he0f09aej04zpazpl0ne2cgukyawd24mayt8gpp4mhxue69uhhytnc9e3k7mgpz4mhxue69uhkg6nzv9ejuumpv34kytnrdaksjlyr9p";
    Nip19Profile p = Nip19.decodeNprofile(s);
    assertThat(p.pubkey().toHex())
        .isEqualTo("3bf0c63fcb93463407af97a5e5ee64fa883d107ef9e558472c4eb9aaaefa459d");
    assertThat(p.relays()).containsExactly("wss://r.x.com", "wss://djbas.sadkb.com");
    // Keycast writes the public key first, as the spec example does: the encoding is identical.
    assertThat(Nip19.encodeNprofile(p)).isEqualTo(s);
    assertThat(Nip19.decode(s)).isEqualTo(p);
  }

  @Test
  void decode_eachPrefix_givesMatchingEntity() throws Exception {
    SecretKey sk = SecretKey.generate();
    String id = HEX.formatHex(new byte[32]).replace('0', 'a');
    assertThat(Nip19.decode(Nip19.encodeNpub(sk.publicKey())))
        .isEqualTo(new Nip19Entity.Npub(sk.publicKey()));
    assertThat(Nip19.decode(Nip19.encodeNsec(sk, InsecureSecretKeyAccess.get())))
        .isEqualTo(new Nip19Entity.Nsec(sk));
    assertThat(Nip19.decode(Nip19.encodeNote(id))).isEqualTo(new Nip19Entity.Note(id));
    Nip19Profile p = new Nip19Profile(sk.publicKey(), List.of());
    assertThat(Nip19.decode(Nip19.encodeNprofile(p))).isEqualTo(p);
  }

  @Test
  void nsecEntity_toString_isRedacted() {
    SecretKey sk = SecretKey.generate();
    String hex = HEX.formatHex(sk.toBytes(InsecureSecretKeyAccess.get()));
    assertThat(Nip19.decode(Nip19.encodeNsec(sk, InsecureSecretKeyAccess.get())).toString())
        .doesNotContain(hex);
  }

  // -------------------------------------------------------------------------------------------
  // round trips

  @Provide
  Arbitrary<SecretKey> secretKeys() {
    return Arbitraries.bytes()
        .array(byte[].class)
        .ofSize(32)
        .map(
            b -> {
              try {
                return SecretKey.fromBytes(b);
              } catch (InvalidKeyException e) {
                return null;
              }
            })
        .filter(k -> k != null);
  }

  @Provide
  Arbitrary<String> relays() {
    Arbitrary<String> any =
        Arbitraries.strings().all().excludeChars(excludedSurrogates()).ofMaxLength(60);
    Arbitrary<String> url =
        Arbitraries.strings()
            .alpha()
            .numeric()
            .withChars('.', '-')
            .ofMinLength(1)
            .ofMaxLength(40)
            .map(h -> "wss://" + h);
    return Arbitraries.oneOf(any, url);
  }

  private static char[] excludedSurrogates() {
    char[] cs = new char[0xe000 - 0xd800];
    for (int i = 0; i < cs.length; i++) {
      cs[i] = (char) (0xd800 + i);
    }
    return cs;
  }

  @Property(tries = 100)
  void npub_anyKey_roundTrips(@ForAll("secretKeys") SecretKey sk) {
    String npub = Nip19.encodeNpub(sk.publicKey());
    assertThat(npub).startsWith("npub1").hasSize(63);
    assertThat(Nip19.decodeNpub(npub)).isEqualTo(sk.publicKey());
    assertThat(Nip19.decodeNpub(npub.toUpperCase())).isEqualTo(sk.publicKey());
  }

  @Property(tries = 100)
  void nsec_anyKey_roundTrips(@ForAll("secretKeys") SecretKey sk) {
    String nsec = Nip19.encodeNsec(sk, InsecureSecretKeyAccess.get());
    assertThat(nsec).startsWith("nsec1").hasSize(63);
    assertThat(Nip19.decodeNsec(nsec)).isEqualTo(sk);
  }

  @Property(tries = 100)
  void note_anyId_roundTrips(@ForAll @Size(32) byte[] id) {
    String hex = HEX.formatHex(id);
    assertThat(Nip19.decodeNote(Nip19.encodeNote(hex))).isEqualTo(hex);
    assertThat(Nip19.decodeNote(Nip19.encodeNote(hex.toUpperCase()))).isEqualTo(hex);
  }

  @Property(tries = 100)
  void nprofile_anyRelays_roundTrips(
      @ForAll("secretKeys") SecretKey sk,
      @ForAll @Size(max = 8) List<@From("relays") String> relays) {
    Nip19Profile p = new Nip19Profile(sk.publicKey(), relays);
    assertThat(Nip19.decodeNprofile(Nip19.encodeNprofile(p))).isEqualTo(p);
  }

  // ------------------------------------------------------------------------------------------- bad
  // input

  @Property(tries = 200)
  void decode_anySingleCharacterChanged_throwsFormatException(
      @ForAll("secretKeys") SecretKey sk,
      @ForAll @IntRange(min = 0, max = 3) int which,
      @ForAll @IntRange(min = 0, max = 10_000) int position,
      @ForAll @IntRange(min = 1, max = 31) int delta) {
    String s =
        switch (which) {
          case 0 -> Nip19.encodeNpub(sk.publicKey());
          case 1 -> Nip19.encodeNsec(sk, InsecureSecretKeyAccess.get());
          case 2 -> Nip19.encodeNote(sk.publicKey().toHex());
          default ->
              Nip19.encodeNprofile(
                  new Nip19Profile(sk.publicKey(), List.of("wss://relay.example.com")));
        };
    int sep = s.lastIndexOf('1');
    int at = sep + 1 + position % (s.length() - sep - 1);
    char changed = ALPHABET.charAt((ALPHABET.indexOf(s.charAt(at)) + delta) % 32);
    String bad = s.substring(0, at) + changed + s.substring(at + 1);
    // bech32 detects every single-character substitution.
    assertFormatError(() -> Nip19.decode(bad), Reason.INVALID_CHECKSUM);
  }

  @Property(tries = 100)
  void decode_truncatedString_throwsFormatException(
      @ForAll("secretKeys") SecretKey sk, @ForAll @IntRange(min = 1, max = 62) int cut) {
    String s = Nip19.encodeNpub(sk.publicKey());
    assertThatThrownBy(() -> Nip19.decode(s.substring(0, s.length() - cut)))
        .isInstanceOf(Nip19FormatException.class);
  }

  @Property(tries = 300)
  void decode_arbitraryString_onlyFormatExceptionEscapes(@ForAll @Size(max = 200) String s) {
    Assume.that(!s.isEmpty());
    try {
      Nip19.decode(s);
    } catch (Nip19FormatException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  @Property(tries = 200)
  void decode_randomValidBech32_onlyFormatExceptionEscapes(
      @ForAll("prefixes") String prefix, @ForAll @Size(max = 120) byte[] data) {
    String s = Bech32.encode(prefix, data, Nip19.MAX_LENGTH);
    try {
      Nip19.decode(s);
    } catch (Nip19FormatException expected) {
      assertThat(expected.reason())
          .isIn(Reason.WRONG_LENGTH, Reason.INVALID_TLV, Reason.INVALID_KEY, Reason.WRONG_PREFIX);
    }
  }

  @Provide
  Arbitrary<String> prefixes() {
    return Arbitraries.of("npub", "nsec", "note", "nprofile", "nevent", "x");
  }

  @Test
  void decodeNpub_otherPrefix_wrongPrefix() {
    SecretKey sk = SecretKey.generate();
    assertFormatError(
        () -> Nip19.decodeNpub(Nip19.encodeNsec(sk, InsecureSecretKeyAccess.get())),
        Reason.WRONG_PREFIX);
    assertFormatError(
        () -> Nip19.decodeNsec(Nip19.encodeNpub(sk.publicKey())), Reason.WRONG_PREFIX);
    assertFormatError(
        () -> Nip19.decodeNote(Nip19.encodeNpub(sk.publicKey())), Reason.WRONG_PREFIX);
    assertFormatError(
        () -> Nip19.decodeNprofile(Nip19.encodeNpub(sk.publicKey())), Reason.WRONG_PREFIX);
    assertFormatError(
        () -> Nip19.decode(Bech32.encode("nevent", new byte[34], 5000)), Reason.WRONG_PREFIX);
  }

  @Test
  void decode_wrongDataLength_wrongLength() {
    for (String prefix : List.of("npub", "nsec", "note")) {
      for (int len : new int[] {0, 31, 33, 64}) {
        String s = Bech32.encode(prefix, new byte[len], 5000);
        assertFormatError(() -> Nip19.decode(s), Reason.WRONG_LENGTH);
      }
    }
    assertFormatError(
        () -> Nip19.decodeNpub(Bech32.encode("npub", new byte[31], 5000)), Reason.WRONG_LENGTH);
  }

  @Test
  void decode_invalidKeys_invalidKey() {
    byte[] order = HEX.parseHex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
    assertFormatError(
        () -> Nip19.decodeNsec(Bech32.encode("nsec", new byte[32], 5000)), Reason.INVALID_KEY);
    assertFormatError(
        () -> Nip19.decodeNsec(Bech32.encode("nsec", order, 5000)), Reason.INVALID_KEY);
    // x = 5 is not on secp256k1 (the BIP-340 vector 5 public key).
    byte[] offCurve =
        HEX.parseHex("eefdea4cdb677750a420fee807eacf21eb9898ae79b9768766e4faa04a2d4a34");
    assertFormatError(
        () -> Nip19.decodeNpub(Bech32.encode("npub", offCurve, 5000)), Reason.INVALID_KEY);
    byte[] tlv = new byte[34];
    tlv[1] = 32;
    System.arraycopy(offCurve, 0, tlv, 2, 32);
    assertFormatError(
        () -> Nip19.decodeNprofile(Bech32.encode("nprofile", tlv, 5000)), Reason.INVALID_KEY);
  }

  @Test
  void decodeNprofile_badTlv_invalidTlv() throws Exception {
    byte[] pk = SecretKey.generate().publicKey().toBytes();
    List<byte[]> bad = new ArrayList<>();
    bad.add(new byte[0]); // no entries at all
    bad.add(concat(new byte[] {1, 3, 'a', 'b', 'c'})); // relay but no key
    bad.add(concat(new byte[] {0, 32}, pk, new byte[] {1})); // trailing half header
    bad.add(concat(new byte[] {0, 33}, pk)); // declared length beyond the data
    bad.add(concat(new byte[] {0, 31}, java.util.Arrays.copyOf(pk, 31))); // key of the wrong size
    bad.add(
        concat(
            new byte[] {0, 32},
            pk,
            new byte[] {1, 2, (byte) 0xc3, (byte) 0x28})); // relay not UTF-8
    for (byte[] tlv : bad) {
      assertFormatError(
          () -> Nip19.decodeNprofile(Bech32.encode("nprofile", tlv, 5000)), Reason.INVALID_TLV);
    }
  }

  @Test
  void decodeNprofile_unknownTypesAndOrder_ignoredAndKept() throws Exception {
    PublicKey key = SecretKey.generate().publicKey();
    byte[] other = SecretKey.generate().publicKey().toBytes();
    byte[] tlv =
        concat(
            new byte[] {1, 2, 'r', '1', 7, 3, 9, 9, 9, 0, 32},
            key.toBytes(),
            new byte[] {1, 0, 0, 32},
            other,
            new byte[] {(byte) 255, 0, 1, 2, 'r', '2'});
    Nip19Profile p = Nip19.decodeNprofile(Bech32.encode("nprofile", tlv, 5000));
    assertThat(p.pubkey()).isEqualTo(key);
    assertThat(p.relays()).containsExactly("r1", "", "r2");
  }

  @Test
  void encodeNprofile_unencodableRelays_rejected() {
    PublicKey key = SecretKey.generate().publicKey();
    assertFormatError(
        () -> Nip19.encodeNprofile(new Nip19Profile(key, List.of("x".repeat(256)))),
        Reason.UNENCODABLE);
    assertThat(Nip19.encodeNprofile(new Nip19Profile(key, List.of("x".repeat(255)))))
        .startsWith("nprofile1");
    assertFormatError(
        () -> Nip19.encodeNprofile(new Nip19Profile(key, List.of("wss://\ud800"))),
        Reason.UNENCODABLE);
    // 20 relays of 255 bytes: ~5200 bytes of data, more than 5000 characters of bech32.
    List<String> many = java.util.Collections.nCopies(20, "y".repeat(255));
    assertFormatError(() -> Nip19.encodeNprofile(new Nip19Profile(key, many)), Reason.UNENCODABLE);
  }

  @Test
  void decode_longerThan5000_tooLong() {
    String s = "nprofile1" + "q".repeat(4992);
    assertThat(s).hasSize(5001);
    assertFormatError(() -> Nip19.decode(s), Reason.TOO_LONG);
  }

  @Test
  void decode_4000CharacterNprofile_accepted() {
    PublicKey key = SecretKey.generate().publicKey();
    List<String> relays = java.util.Collections.nCopies(9, "wss://" + "z".repeat(249));
    String s = Nip19.encodeNprofile(new Nip19Profile(key, relays));
    assertThat(s.length()).isGreaterThan(3500).isLessThanOrEqualTo(Nip19.MAX_LENGTH);
    assertThat(Nip19.decodeNprofile(s).relays()).isEqualTo(relays);
  }

  @Test
  void encodeNote_badHex_illegalArgument() {
    assertThatThrownBy(() -> Nip19.encodeNote("abc")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Nip19.encodeNote("zz".repeat(32)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void errorMessages_neverContainTheDataPart() {
    SecretKey sk = SecretKey.generate();
    String nsec = Nip19.encodeNsec(sk, InsecureSecretKeyAccess.get());
    String data = nsec.substring(5, 40);
    String tampered =
        nsec.substring(0, 10) + (nsec.charAt(10) == 'q' ? 'p' : 'q') + nsec.substring(11);
    assertThatThrownBy(() -> Nip19.decodeNsec(tampered))
        .hasMessageNotContaining(data.substring(10));
    assertThatThrownBy(() -> Nip19.decodeNpub(nsec)).hasMessageNotContaining(data);
    assertThatThrownBy(() -> Nip19.decodeNsec(nsec.substring(0, 62))).hasMessageNotContaining(data);
  }

  private static void assertFormatError(ThrowingCallable call, Reason reason) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            Nip19FormatException.class,
            e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason));
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
