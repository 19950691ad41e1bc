package dev.keycast.examples;

import dev.keycast.crypto.CryptoBackend;
import dev.keycast.crypto.Nip19;
import dev.keycast.crypto.Nip44Cipher;
import dev.keycast.crypto.Nip44ConversationKey;
import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.SchnorrSigner;
import dev.keycast.crypto.SecretKey;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.crypto.UnsignedEvent;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.List;

/**
 * Signing and verifying a Nostr event, and a NIP-44 round trip, with {@code keycast-crypto} alone.
 *
 * <p>Run: {@code ./mvnw -q -pl examples -am compile exec:java
 * -Dexec.mainClass=dev.keycast.examples.CryptoExample}
 */
public final class CryptoExample {
  private CryptoExample() {}

  /**
   * Runs the example.
   *
   * @param args ignored
   * @throws GeneralSecurityException if a verification or decryption fails (it does not)
   */
  public static void main(String[] args) throws GeneralSecurityException {
    System.out.println("crypto backend: " + CryptoBackend.active());

    // keys: generated here; SecretKey.toString() never shows the secret
    SecretKey alice = SecretKey.generate();
    SecretKey bob = SecretKey.generate();
    System.out.println("alice: " + Nip19.encodeNpub(alice.publicKey()));

    // sign a kind-1 note (NIP-01 id + BIP-340 signature) and verify it
    SchnorrSigner signer = SchnorrSigner.create(alice);
    UnsignedEvent note =
        new UnsignedEvent(
            alice.publicKey(),
            Instant.now().getEpochSecond(),
            1,
            List.of(List.of("t", "keycast")),
            "hello from keycast-crypto");
    SignedEvent signed = NostrEvents.sign(note, signer);
    NostrEvents.verify(signed); // throws GeneralSecurityException if the id or signature is wrong
    System.out.println("signed and verified: " + signed.toJson());

    // NIP-44 v2: both sides derive the same conversation key
    Nip44ConversationKey aliceToBob = Nip44ConversationKey.derive(alice, bob.publicKey());
    Nip44ConversationKey bobToAlice = Nip44ConversationKey.derive(bob, alice.publicKey());
    String payload = Nip44Cipher.encrypt("meet at noon", aliceToBob);
    String plain = Nip44Cipher.decrypt(payload, bobToAlice);
    System.out.println(
        "nip44 payload: " + payload.substring(0, 24) + "…  decrypted by bob: " + plain);
  }
}
