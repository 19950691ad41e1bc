package dev.keycast.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycast.crypto.Nip44Cipher;
import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.crypto.testing.CryptoArbitraries;
import dev.keycast.crypto.testing.CryptoArbitraries.Nip44Sample;
import java.security.GeneralSecurityException;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A property test written the way a user writes one, with the published generators
 * (keycast-crypto's tests jar, {@code dev.keycast.crypto.testing}): every signed event verifies,
 * and no event survives a changed field.
 */
class EventSigningProperties {

  @Property(tries = 100)
  void signedEvent_verifies(@ForAll("signedEvents") SignedEvent event) throws Exception {
    NostrEvents.verify(event);
  }

  @Property(tries = 100)
  void signedEvent_withOtherContent_doesNotVerify(@ForAll("signedEvents") SignedEvent event) {
    SignedEvent forged =
        new SignedEvent(
            event.id(),
            event.pubkey(),
            event.createdAt(),
            event.kind(),
            event.tags(),
            event.content() + "!",
            event.sig());
    assertThatThrownBy(() -> NostrEvents.verify(forged))
        .isInstanceOf(GeneralSecurityException.class);
  }

  @Property(tries = 100)
  void nip44_tamperedPayload_isRefused(@ForAll("tampered") Nip44Sample sample) {
    assertThatThrownBy(
            () -> Nip44Cipher.decrypt(sample.payload(), sample.recipientConversationKey()))
        .isInstanceOf(GeneralSecurityException.class);
    assertThat(sample.plaintext()).isNotEmpty();
  }

  @Provide
  Arbitrary<SignedEvent> signedEvents() {
    return CryptoArbitraries.signedEvents();
  }

  @Provide
  Arbitrary<Nip44Sample> tampered() {
    return CryptoArbitraries.tamperedNip44Payloads();
  }
}
