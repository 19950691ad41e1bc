package dev.keycast.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycast.crypto.internal.Secp256k1;
import dev.keycast.crypto.internal.Utf8;
import dev.keycast.crypto.testing.CryptoArbitraries;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** NIP-04 properties on every backend. */
class Nip04PropertiesTest {
  private static final List<Secp256k1> BACKENDS = TestBackends.all();

  @Provide
  Arbitrary<SecretKey> keys() {
    return CryptoArbitraries.secretKeys();
  }

  @Provide
  Arbitrary<byte[]> ivs() {
    return CryptoArbitraries.bytes(16);
  }

  @Provide
  Arbitrary<String> texts() {
    return Arbitraries.strings().all().ofMaxLength(500);
  }

  @Property(tries = 100)
  void decrypt_encryptedByEitherSide_roundTripsIdenticallyOnEveryBackend(
      @ForAll("keys") SecretKey a,
      @ForAll("keys") SecretKey b,
      @ForAll("ivs") byte[] iv,
      @ForAll("texts") String text)
      throws GeneralSecurityException {
    String expected = new String(Utf8.encode(text), StandardCharsets.UTF_8);
    String first = null;
    for (Secp256k1 backend : BACKENDS) {
      String content = Nip04Cipher.encrypt(backend, text, a, b.publicKey(), iv);
      assertThat(Nip04Cipher.looksLikeNip04(content)).isTrue();
      if (first == null) {
        first = content;
      } else {
        assertThat(content).as(backend.name()).isEqualTo(first);
      }
      assertThat(Nip04Cipher.decrypt(backend, content, b, a.publicKey())).isEqualTo(expected);
      assertThat(Nip04Cipher.decrypt(backend, content, a, b.publicKey())).isEqualTo(expected);
    }
  }

  @Property(tries = 100)
  void decrypt_publicApi_roundTrips(
      @ForAll("keys") SecretKey a, @ForAll("keys") SecretKey b, @ForAll("texts") String text)
      throws GeneralSecurityException {
    String content = Nip04Cipher.encrypt(text, a, b.publicKey());
    assertThat(Nip04Cipher.decrypt(content, b, a.publicKey()))
        .isEqualTo(new String(Utf8.encode(text), StandardCharsets.UTF_8));
  }

  @Property(tries = 200)
  void decrypt_arbitraryStrings_onlyGeneralSecurityExceptionEscapes(@ForAll String junk)
      throws Exception {
    SecretKey a =
        SecretKey.fromHex("0000000000000000000000000000000000000000000000000000000000000001");
    PublicKey b =
        SecretKey.fromHex("0000000000000000000000000000000000000000000000000000000000000002")
            .publicKey();
    try {
      Nip04Cipher.decrypt(junk + "?iv=" + junk, a, b);
    } catch (GeneralSecurityException expected) {
      // the contract
    }
  }

  @Property(tries = 50)
  void decrypt_malformedContent_throwsGeneralSecurityException(@ForAll("keys") SecretKey a) {
    PublicKey b = a.publicKey();
    for (String bad :
        List.of(
            "",
            "abc",
            "AAAA?iv=AAAA",
            "?iv=",
            "AAAAAAAAAAAAAAAAAAAAAA==?iv=AAAA",
            "AAAAAAAAAAAAAAAAAAAAAA==?iv=AAAAAAAAAAAAAAAAAAAAAA==?iv=AAAAAAAAAAAAAAAAAAAAAA==")) {
      assertThatThrownBy(() -> Nip04Cipher.decrypt(bad, a, b))
          .as(bad)
          .isInstanceOf(GeneralSecurityException.class);
    }
  }
}
