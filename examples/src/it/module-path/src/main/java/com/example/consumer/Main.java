package com.example.consumer;

import dev.keycast.crypto.CryptoBackend;
import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.SchnorrSigner;
import dev.keycast.crypto.SecretKey;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.crypto.UnsignedEvent;
import dev.keycast.nip46.BunkerUri;
import dev.keycast.nip46.Nip46Codec;
import java.security.GeneralSecurityException;
import java.util.List;

/**
 * Signs and verifies an event and parses a bunker URI, run twice by the embedding test: once with
 * this module and Keycast's modules on the module path, once with everything on the class path.
 */
public final class Main {
  public static void main(String[] args) throws Exception {
    SecretKey key = SecretKey.generate();
    SignedEvent event =
        NostrEvents.sign(new UnsignedEvent(key.publicKey(), 1_700_000_000L, 1, List.of(), "hi"), SchnorrSigner.create(key));
    NostrEvents.verify(event);
    SignedEvent tampered =
        new SignedEvent(event.id(), event.pubkey(), event.createdAt(), event.kind(), event.tags(), "tampered", event.sig());
    try {
      NostrEvents.verify(tampered);
      throw new AssertionError("a tampered event verified");
    } catch (GeneralSecurityException expected) {
      // what must happen
    }
    BunkerUri uri = BunkerUri.parse("bunker://" + key.publicKey().toHex() + "?relay=ws://127.0.0.1:9");
    Nip46Codec.parseRequest("{\"id\":\"1\",\"method\":\"ping\",\"params\":[]}");

    Module mine = Main.class.getModule();
    Module crypto = SchnorrSigner.class.getModule();
    String mode;
    if (mine.isNamed()) {
      mode = "MODULE-PATH";
      check(crypto.isNamed() && !crypto.getDescriptor().isAutomatic(), "dev.keycast.crypto is not an explicit module: " + crypto);
      check(crypto.isExported("dev.keycast.crypto"), "the API package is not exported");
      check(!crypto.isExported("dev.keycast.crypto.internal"), "dev.keycast.crypto.internal is exported");
      check(!BunkerUri.class.getModule().isExported("dev.keycast.nip46.bunker.internal"), "nip46 internals exported");
    } else {
      mode = "CLASS-PATH";
    }
    System.out.println(mode + " OK backend=" + CryptoBackend.active() + " module=" + crypto.getName() + " event=" + event.id()
        + " relays=" + uri.relays());
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new AssertionError(message);
    }
  }
}
