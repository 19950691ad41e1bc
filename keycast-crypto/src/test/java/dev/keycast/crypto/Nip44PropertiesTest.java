package dev.keycast.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycast.crypto.internal.Secp256k1;
import dev.keycast.crypto.internal.Utf8;
import dev.keycast.crypto.testing.CryptoArbitraries;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** NIP-44 properties: round trips, tamper detection, and identical payloads on every backend. */
class Nip44PropertiesTest {
  private static final List<Secp256k1> BACKENDS = TestBackends.all();

  @Provide
  Arbitrary<SecretKey> keys() {
    return CryptoArbitraries.secretKeys();
  }

  @Provide
  Arbitrary<byte[]> nonces() {
    return CryptoArbitraries.bytes(32);
  }

  @Provide
  Arbitrary<String> anyText() {
    return Arbitraries.strings().all().ofMinLength(1).ofMaxLength(300);
  }

  @Property(tries = 100)
  void encrypt_equalNonce_identicalPayloadOnEveryBackendAndDecryptsOnTheOtherSide(
      @ForAll("keys") SecretKey a,
      @ForAll("keys") SecretKey b,
      @ForAll("nonces") byte[] nonce,
      @ForAll("anyText") String text)
      throws Exception {
    String first = null;
    for (Secp256k1 backend : BACKENDS) {
      Nip44ConversationKey ab = Nip44ConversationKey.derive(backend, a, b.publicKey());
      Nip44ConversationKey ba = Nip44ConversationKey.derive(backend, b, a.publicKey());
      assertThat(ab).as(backend.name() + " conversation key symmetry").isEqualTo(ba);
      String payload = Nip44Cipher.encrypt(text, ab, nonce);
      if (first == null) {
        first = payload;
      } else {
        assertThat(payload).as(backend.name()).isEqualTo(first);
      }
      assertThat(Nip44Cipher.decrypt(payload, ba)).isEqualTo(expectedDecryption(text));
    }
  }

  /**
   * Strings with lone surrogates decrypt with U+FFFD in their place, as TextEncoder writes them.
   */
  private static String expectedDecryption(String text) {
    return new String(Utf8.encode(text), StandardCharsets.UTF_8);
  }

  @Property(tries = 25)
  void decrypt_encryptedUnicodeUpTo70000Bytes_roundTrips(
      @ForAll @IntRange(min = 1, max = 70_000) int targetBytes,
      @ForAll long seed,
      @ForAll("nonces") byte[] nonce)
      throws GeneralSecurityException {
    String text = CryptoArbitraries.text(seed, targetBytes);
    byte[] keyBytes = new byte[32];
    new java.util.Random(seed ^ 0x44).nextBytes(keyBytes);
    Nip44ConversationKey key = Nip44ConversationKey.fromBytes(keyBytes);
    String payload = Nip44Cipher.encrypt(text, key, nonce);
    assertThat(Nip44Cipher.decrypt(payload, key)).isEqualTo(text);
    assertThat(Nip44Cipher.decrypt(Nip44Cipher.encrypt(text, key), key)).isEqualTo(text);
  }

  @Property(tries = 200)
  void decrypt_anyFlippedPayloadBit_throwsGeneralSecurityException(
      @ForAll("anyText") String text,
      @ForAll("nonces") byte[] nonce,
      @ForAll @IntRange(min = 0) int bitSeed) {
    Nip44ConversationKey key = Nip44ConversationKey.fromBytes(nonce.clone());
    byte[] raw = Base64.getDecoder().decode(Nip44Cipher.encrypt(text, key, nonce));
    int bit = bitSeed % (raw.length * 8);
    raw[bit / 8] ^= (byte) (1 << (bit % 8));
    String tampered = Base64.getEncoder().encodeToString(raw);
    assertThatThrownBy(() -> Nip44Cipher.decrypt(tampered, key))
        .isInstanceOf(GeneralSecurityException.class);
  }

  @Property(tries = 100)
  void decrypt_wrongConversationKey_throwsGeneralSecurityException(
      @ForAll("anyText") String text, @ForAll("nonces") byte[] k1, @ForAll("nonces") byte[] k2) {
    Nip44ConversationKey key = Nip44ConversationKey.fromBytes(k1);
    Nip44ConversationKey other = Nip44ConversationKey.fromBytes(k2);
    String payload = Nip44Cipher.encrypt(text, key);
    if (!key.equals(other)) {
      assertThatThrownBy(() -> Nip44Cipher.decrypt(payload, other))
          .isInstanceOf(javax.crypto.AEADBadTagException.class);
    }
  }

  @Property(tries = 200)
  void decrypt_arbitraryStrings_onlyGeneralSecurityExceptionEscapes(@ForAll String junk) {
    Nip44ConversationKey key = Nip44ConversationKey.fromBytes(new byte[32]);
    try {
      Nip44Cipher.decrypt(junk, key);
    } catch (GeneralSecurityException expected) {
      // the contract
    }
  }
}
