package dev.keycast.crypto;

import dev.keycast.crypto.internal.Backends;
import java.util.List;

/**
 * Child-JVM entry point for {@link CryptoBackendTest}: prints the backend, then exercises every
 * primitive.
 */
public final class FallbackProbe {
  private FallbackProbe() {}

  public static void main(String[] args) throws Exception {
    System.out.println("backend=" + CryptoBackend.active() + " name=" + Backends.active().name());
    SecretKey a = SecretKey.generate();
    SecretKey b = SecretKey.generate();
    SignedEvent e =
        NostrEvents.sign(
            new UnsignedEvent(a.publicKey(), 1L, 1, List.of(), "hi"), SchnorrSigner.create(a));
    NostrEvents.verify(e);
    Nip44ConversationKey k = Nip44ConversationKey.derive(a, b.publicKey());
    if (!Nip44Cipher.decrypt(
            Nip44Cipher.encrypt("x", k), Nip44ConversationKey.derive(b, a.publicKey()))
        .equals("x")) {
      throw new AssertionError("NIP-44 round trip");
    }
    if (!Nip04Cipher.decrypt(Nip04Cipher.encrypt("y", a, b.publicKey()), b, a.publicKey())
        .equals("y")) {
      throw new AssertionError("NIP-04 round trip");
    }
    System.out.println("OK");
  }
}
