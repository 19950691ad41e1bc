package it;

import static org.junit.jupiter.api.Assertions.assertThrows;

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

/** A user's jqwik property over the crypto, with the published generators. */
class SignaturePropertiesTest {
  @Property(tries = 50)
  void signedEventsVerify(@ForAll("events") SignedEvent event) throws Exception {
    NostrEvents.verify(event);
  }

  @Property(tries = 50)
  void tamperedPayloadsAreRefused(@ForAll("tampered") Nip44Sample sample) {
    assertThrows(GeneralSecurityException.class,
        () -> Nip44Cipher.decrypt(sample.payload(), sample.recipientConversationKey()));
  }

  @Provide
  Arbitrary<SignedEvent> events() {
    return CryptoArbitraries.signedEvents();
  }

  @Provide
  Arbitrary<Nip44Sample> tampered() {
    return CryptoArbitraries.tamperedNip44Payloads();
  }
}
