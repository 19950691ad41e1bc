package dev.keycast.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keycast.crypto.Nip19FormatException.Reason;
import dev.keycast.crypto.internal.Bech32;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.AEADBadTagException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** NIP-49 (ncryptsec): the shared vectors, the spec's vector, NFKC, round trips and tampering. */
class Nip49Test {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void decrypt_sharedVectors_giveTheirKeys() throws Exception {
    JsonNode vectors;
    try (InputStream in = Nip49Test.class.getResourceAsStream("/vectors/nip49-vectors.json")) {
      vectors = new ObjectMapper().readTree(in);
    }
    assertThat(vectors.size()).isEqualTo(11);
    List<String> failures = new ArrayList<>();
    int i = 0;
    for (JsonNode v : vectors) {
      String id =
          "vector " + i++ + " (log_n " + v.get(2).asInt() + ", ksb " + v.get(3).asInt() + ")";
      char[] password = v.get(0).asText().toCharArray();
      String sec = v.get(1).asText();
      String ncryptsec = v.get(4).asText();
      try {
        SecretKey key = Nip49.decrypt(ncryptsec, password);
        if (!HEX.formatHex(key.toBytes(InsecureSecretKeyAccess.get())).equals(sec)) {
          failures.add(id + ": wrong key");
        }
        // Our own encryption with the vector's parameters must round-trip too.
        String again = Nip49.encrypt(key, password, v.get(2).asInt(), (byte) v.get(3).asInt());
        if (!Nip49.decrypt(again, password).equals(key)) {
          failures.add(id + ": re-encryption did not round-trip");
        }
        // The vector's logN and key-security byte are where the layout says.
        byte[] data = Bech32.decode(ncryptsec, 5000).data();
        if (data.length != 91
            || data[0] != 2
            || data[1] != v.get(2).asInt()
            || data[42] != v.get(3).asInt()) {
          failures.add(id + ": unexpected layout");
        }
      } catch (GeneralSecurityException | RuntimeException e) {
        failures.add(id + ": " + e);
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void decrypt_specVector_givesSpecKey() throws Exception {
    String ncryptsec =
        "ncryptsec1qgg9947rlpvqu76pj5ecreduf9jxhselq2nae2kghhvd5g7dgjtcxfqtd67p9m0w57lspw8gsq6yphnm8623nsl8xn9j4jdzz84zm3frztj3z7s35vpzmqf6ksu8r89qk5z2zxfmu5gv8th8wclt0h4p";
    SecretKey key = Nip49.decrypt(ncryptsec, "nostr".toCharArray());
    assertThat(HEX.formatHex(key.toBytes(InsecureSecretKeyAccess.get())))
        .isEqualTo("3501454135014541350145413501453fefb02227e449e57cf4d3a3ce05378683");
  }

  @Test
  void passwordBytes_nfkcExample_matchesSpec() {
    byte[] bytes = Nip49.passwordBytes("\u212B\u2126\u1E9B\u0323".toCharArray());
    assertThat(HEX.formatHex(bytes)).isEqualTo("c385cea9e1b9a9");
  }

  @Test
  void passwordBytes_loneSurrogate_becomesReplacementCharacterLikeTextEncoder() {
    assertThat(HEX.formatHex(Nip49.passwordBytes("a\ud800b\udc00".toCharArray())))
        .isEqualTo("61efbfbd62efbfbd");
    assertThat(HEX.formatHex(Nip49.passwordBytes("\ud83d\ude00".toCharArray())))
        .isEqualTo("f09f9880");
  }

  @Test
  void decrypt_nfkcEquivalentPassword_succeeds() throws Exception {
    SecretKey key = SecretKey.generate();
    String s =
        Nip49.encrypt(key, "\u212B\u2126\u1E9B\u0323".toCharArray(), 4, Nip49.KEY_SECURITY_SECURE);
    assertThat(Nip49.decrypt(s, "\u00C5\u03A9\u1E69".toCharArray())).isEqualTo(key);
  }

  @Test
  void decrypt_wrongPassword_throwsBadTag() {
    SecretKey key = SecretKey.generate();
    String s = Nip49.encrypt(key, "right".toCharArray(), 4, Nip49.KEY_SECURITY_UNKNOWN);
    assertThatThrownBy(() -> Nip49.decrypt(s, "wrong".toCharArray()))
        .isInstanceOf(AEADBadTagException.class);
    assertThatThrownBy(() -> Nip49.decrypt(s, "".toCharArray()))
        .isInstanceOf(AEADBadTagException.class);
  }

  @Test
  void encrypt_layoutAndLength_asSpecified() {
    SecretKey key = SecretKey.generate();
    String s = Nip49.encrypt(key, "pw".toCharArray(), 5, Nip49.KEY_SECURITY_INSECURE);
    assertThat(s).startsWith("ncryptsec1").hasSize(162);
    byte[] data = Bech32.decode(s, 5000).data();
    assertThat(data).hasSize(91);
    assertThat(data[0]).isEqualTo((byte) 2);
    assertThat(data[1]).isEqualTo((byte) 5);
    assertThat(data[42]).isEqualTo(Nip49.KEY_SECURITY_INSECURE);
    // Salt and nonce are fresh each time.
    assertThat(Nip49.encrypt(key, "pw".toCharArray(), 5, Nip49.KEY_SECURITY_INSECURE))
        .isNotEqualTo(s);
  }

  @Test
  void encrypt_badParameters_illegalArgument() {
    SecretKey key = SecretKey.generate();
    char[] pw = "pw".toCharArray();
    assertThatThrownBy(() -> Nip49.encrypt(key, pw, 0, (byte) 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Nip49.encrypt(key, pw, 23, (byte) 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Nip49.encrypt(key, pw, 4, (byte) 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Nip49.encrypt(key, pw, 4, (byte) -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void decrypt_malformed_formatExceptions() {
    SecretKey key = SecretKey.generate();
    String s = Nip49.encrypt(key, "pw".toCharArray(), 4, Nip49.KEY_SECURITY_UNKNOWN);
    byte[] data = Bech32.decode(s, 5000).data();
    char[] pw = "pw".toCharArray();

    assertReason(() -> Nip49.decrypt(Bech32.encode("nsec", data, 5000), pw), Reason.WRONG_PREFIX);
    assertReason(
        () ->
            Nip49.decrypt(Bech32.encode("ncryptsec", java.util.Arrays.copyOf(data, 90), 5000), pw),
        Reason.WRONG_LENGTH);
    assertReason(
        () ->
            Nip49.decrypt(Bech32.encode("ncryptsec", java.util.Arrays.copyOf(data, 92), 5000), pw),
        Reason.WRONG_LENGTH);
    byte[] v1 = data.clone();
    v1[0] = 1;
    assertReason(
        () -> Nip49.decrypt(Bech32.encode("ncryptsec", v1, 5000), pw), Reason.UNSUPPORTED_VERSION);
    // A hostile cost must be refused before scrypt runs (2^40 KiB would never finish).
    byte[] huge = data.clone();
    huge[1] = 40;
    assertReason(
        () -> Nip49.decrypt(Bech32.encode("ncryptsec", huge, 5000), pw),
        Reason.UNSUPPORTED_VERSION);
    byte[] zero = data.clone();
    zero[1] = 0;
    assertReason(
        () -> Nip49.decrypt(Bech32.encode("ncryptsec", zero, 5000), pw),
        Reason.UNSUPPORTED_VERSION);
    String typo = s.substring(0, 50) + (s.charAt(50) == 'q' ? 'p' : 'q') + s.substring(51);
    assertReason(() -> Nip49.decrypt(typo, pw), Reason.INVALID_CHECKSUM);
  }

  @Test
  void decrypt_encryptedInvalidSecret_invalidKey() throws Exception {
    // Seal 32 zero bytes (not a valid secret) with a real key: decrypt must say
    // InvalidKeyException.
    byte[] salt = new byte[16];
    byte[] nonce = new byte[24];
    char[] pw = "pw".toCharArray();
    SecretKey one = SecretKey.fromBytes(HEX.parseHex("00".repeat(31) + "01"));
    String valid = Nip49.encrypt(one, pw, 2, (byte) 1, salt, nonce);
    byte[] data = Bech32.decode(valid, 5000).data();
    // XOR the ciphertext's last byte with 1 turns the plaintext into zero; recompute the tag by
    // re-sealing instead.
    byte[] key =
        org.bouncycastle.crypto.generators.SCrypt.generate(
            Nip49.passwordBytes(pw), salt, 4, 8, 1, 32);
    byte[] sealed =
        dev.keycast.crypto.internal.XChaCha20Poly1305Aead.seal(
            key, nonce, new byte[] {1}, new byte[32]);
    System.arraycopy(sealed, 0, data, 43, 48);
    String zeroKey = Bech32.encode("ncryptsec", data, 5000);
    assertThatThrownBy(() -> Nip49.decrypt(zeroKey, pw)).isInstanceOf(InvalidKeyException.class);
  }

  // -------------------------------------------------------------------------------------------
  // properties

  @Provide
  Arbitrary<String> passwords() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(40),
        Arbitraries.strings().ascii().ofMaxLength(20),
        Arbitraries.of(
            "", "\u212B\u2126\u1E9B\u0323", "\ud800", "\uFB01", "\uFF50\uFF41\uFF53\uFF53"));
  }

  @Property(tries = 30)
  void encryptDecrypt_anyPassword_roundTrips(
      @ForAll("passwords") String password,
      @ForAll @IntRange(min = 4, max = 7) int logN,
      @ForAll @IntRange(min = 0, max = 2) int keySecurity)
      throws Exception {
    SecretKey key = SecretKey.generate();
    String s = Nip49.encrypt(key, password.toCharArray(), logN, (byte) keySecurity);
    assertThat(Nip49.decrypt(s, password.toCharArray())).isEqualTo(key);
  }

  @Property(tries = 40)
  void decrypt_anyBitFlipped_throwsGeneralSecurityException(
      @ForAll @IntRange(min = 2 * 8, max = 91 * 8 - 1) int bit,
      @ForAll @Size(max = 12) String password)
      throws Exception {
    // Every bit after the version and logN bytes: salt, nonce, key-security byte, ciphertext, tag.
    SecretKey key = SecretKey.generate();
    String s = Nip49.encrypt(key, password.toCharArray(), 4, Nip49.KEY_SECURITY_SECURE);
    byte[] data = Bech32.decode(s, 5000).data();
    data[bit / 8] ^= (byte) (1 << (bit % 8));
    String tampered = Bech32.encode("ncryptsec", data, 5000);
    assertThatThrownBy(() -> Nip49.decrypt(tampered, password.toCharArray()))
        .isInstanceOf(AEADBadTagException.class);
  }

  @Property(tries = 10)
  void decrypt_logNChanged_throwsGeneralSecurityException(
      @ForAll @IntRange(min = 1, max = 8) int other) {
    SecretKey key = SecretKey.generate();
    String s = Nip49.encrypt(key, "pw".toCharArray(), 4, Nip49.KEY_SECURITY_SECURE);
    byte[] data = Bech32.decode(s, 5000).data();
    net.jqwik.api.Assume.that(other != 4);
    data[1] = (byte) other;
    String tampered = Bech32.encode("ncryptsec", data, 5000);
    assertThatThrownBy(() -> Nip49.decrypt(tampered, "pw".toCharArray()))
        .isInstanceOf(AEADBadTagException.class);
  }

  @Property(tries = 100)
  void decrypt_arbitraryPayload_onlyDeclaredExceptionsEscape(
      @ForAll @Size(min = 0, max = 120) byte[] data,
      @ForAll @IntRange(min = 1, max = 6) int logN,
      @ForAll boolean keepShape) {
    if (keepShape && data.length >= 2) {
      data = java.util.Arrays.copyOf(data, 91);
      data[0] = 2;
      data[1] = (byte) logN; // keep scrypt cheap; everything else random
    }
    String s = Bech32.encode("ncryptsec", data, Nip19.MAX_LENGTH);
    try {
      Nip49.decrypt(s, "pw".toCharArray());
      throw new AssertionError("random data decrypted");
    } catch (GeneralSecurityException | Nip19FormatException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  private static void assertReason(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, Reason reason) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            Nip19FormatException.class,
            e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason));
  }
}
