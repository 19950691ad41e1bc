package dev.keycast.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycast.crypto.testing.CryptoArbitraries;
import dev.keycast.crypto.testing.CryptoArbitraries.Nip44Sample;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The published generators make what they promise: valid values are accepted, tampered ones are
 * refused.
 */
class CryptoArbitrariesProperties {

  @Property(tries = 100)
  void signedEvents_verifyAndCarryTheirId(@ForAll("signedEvents") SignedEvent event)
      throws Exception {
    NostrEvents.verify(event);
    assertThat(
            NostrEvents.computeId(
                event.pubkey(), event.createdAt(), event.kind(), event.tags(), event.content()))
        .isEqualTo(event.id());
  }

  @Property(tries = 100)
  void nip44Payloads_decryptToTheirPlaintext(@ForAll("payloads") Nip44Sample sample)
      throws Exception {
    assertThat(Nip44Cipher.decrypt(sample.payload(), sample.recipientConversationKey()))
        .isEqualTo(sample.plaintext());
  }

  @Property(tries = 100)
  void tamperedNip44Payloads_throwGeneralSecurityException(@ForAll("tampered") Nip44Sample sample) {
    assertThatThrownBy(
            () -> Nip44Cipher.decrypt(sample.payload(), sample.recipientConversationKey()))
        .isInstanceOf(GeneralSecurityException.class);
  }

  @Property(tries = 50)
  void nip44Plaintexts_areWellFormedAndWithinTheLimit(@ForAll("plaintexts") String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    assertThat(utf8.length).isBetween(1, CryptoArbitraries.NIP44_MAX_PLAINTEXT_BYTES);
    assertThat(new String(utf8, StandardCharsets.UTF_8))
        .isEqualTo(text); // a lone surrogate would become '?'
  }

  @Property(tries = 200)
  void nip19Entities_roundTrip(@ForAll("entities") Nip19Entity entity) {
    String encoded =
        switch (entity) {
          case Nip19Entity.Npub n -> Nip19.encodeNpub(n.publicKey());
          case Nip19Entity.Nsec n -> Nip19.encodeNsec(n.secretKey(), InsecureSecretKeyAccess.get());
          case Nip19Entity.Note n -> Nip19.encodeNote(n.eventIdHex());
          case Nip19Profile p -> Nip19.encodeNprofile(p);
        };
    assertThat(Nip19.decode(encoded)).isEqualTo(entity);
  }

  @Provide
  Arbitrary<SignedEvent> signedEvents() {
    return CryptoArbitraries.signedEvents();
  }

  @Provide
  Arbitrary<Nip44Sample> payloads() {
    return CryptoArbitraries.nip44Payloads();
  }

  @Provide
  Arbitrary<Nip44Sample> tampered() {
    return CryptoArbitraries.tamperedNip44Payloads();
  }

  @Provide
  Arbitrary<String> plaintexts() {
    return CryptoArbitraries.nip44Plaintexts();
  }

  @Provide
  Arbitrary<Nip19Entity> entities() {
    return CryptoArbitraries.nip19Entities();
  }
}
