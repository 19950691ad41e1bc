package dev.keycast.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.crypto.internal.Utf8;
import dev.keycast.crypto.testing.CryptoArbitraries;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Deterministic encryption and signing (for replies that must be identical when computed twice):
 * same inputs give the same output, which still decrypts or verifies; any change of plaintext or
 * context gives another nonce.
 */
class SyntheticNoncePropertiesTest {
  @Provide
  Arbitrary<SecretKey> keys() {
    return CryptoArbitraries.secretKeys();
  }

  @Provide
  Arbitrary<String> texts() {
    return Arbitraries.strings().all().ofMinLength(1).ofMaxLength(300);
  }

  @Provide
  Arbitrary<byte[]> contexts() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
  }

  private static String asDecoded(String text) {
    return new String(Utf8.encode(text), StandardCharsets.UTF_8);
  }

  private static byte[] nip44Nonce(String payload) {
    return Arrays.copyOfRange(Base64.getDecoder().decode(payload), 1, 33);
  }

  @Property(tries = 100)
  void nip44_sameInputs_samePayloadThatDecrypts_otherContextOrText_otherNonce(
      @ForAll("keys") SecretKey a,
      @ForAll("keys") SecretKey b,
      @ForAll("texts") String text,
      @ForAll("texts") String otherText,
      @ForAll("contexts") byte[] context,
      @ForAll("contexts") byte[] otherContext)
      throws GeneralSecurityException {
    Nip44ConversationKey key = Nip44ConversationKey.derive(a, b.publicKey());
    String payload = Nip44Cipher.encryptSynthetic(text, key, context);
    assertThat(Nip44Cipher.encryptSynthetic(text, key, context.clone())).isEqualTo(payload);
    assertThat(Nip44Cipher.decrypt(payload, Nip44ConversationKey.derive(b, a.publicKey())))
        .isEqualTo(asDecoded(text));
    Assume.that(!Arrays.equals(context, otherContext));
    Assume.that(!asDecoded(text).equals(asDecoded(otherText)));
    assertThat(nip44Nonce(Nip44Cipher.encryptSynthetic(text, key, otherContext)))
        .isNotEqualTo(nip44Nonce(payload));
    assertThat(nip44Nonce(Nip44Cipher.encryptSynthetic(otherText, key, context)))
        .isNotEqualTo(nip44Nonce(payload));
  }

  @Property(tries = 50)
  void nip04_sameInputs_sameContentThatDecrypts_otherText_otherIv(
      @ForAll("keys") SecretKey a,
      @ForAll("keys") SecretKey b,
      @ForAll("texts") String text,
      @ForAll("texts") String otherText,
      @ForAll("contexts") byte[] context)
      throws GeneralSecurityException {
    String content = Nip04Cipher.encryptSynthetic(text, a, b.publicKey(), context);
    assertThat(Nip04Cipher.encryptSynthetic(text, a, b.publicKey(), context)).isEqualTo(content);
    assertThat(Nip04Cipher.decrypt(content, b, a.publicKey())).isEqualTo(asDecoded(text));
    Assume.that(!asDecoded(text).equals(asDecoded(otherText)));
    String other = Nip04Cipher.encryptSynthetic(otherText, a, b.publicKey(), context);
    assertThat(other.substring(other.indexOf("?iv=")))
        .isNotEqualTo(content.substring(content.indexOf("?iv=")));
  }

  @Property(tries = 50)
  void signDeterministic_sameEvent_sameValidSignature(
      @ForAll("keys") SecretKey key, @ForAll("texts") String content)
      throws GeneralSecurityException {
    SchnorrSigner signer = SchnorrSigner.create(key);
    UnsignedEvent event = new UnsignedEvent(key.publicKey(), 1_700_000_000L, 1, List.of(), content);
    SignedEvent first = NostrEvents.signDeterministic(event, signer);
    NostrEvents.verify(first);
    assertThat(NostrEvents.signDeterministic(event, SchnorrSigner.create(key))).isEqualTo(first);
    assertThat(NostrEvents.sign(event, signer).id()).isEqualTo(first.id());
  }
}
