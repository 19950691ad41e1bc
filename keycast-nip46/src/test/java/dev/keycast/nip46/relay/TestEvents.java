package dev.keycast.nip46.relay;

import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.SchnorrSigner;
import dev.keycast.crypto.SecretKey;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.crypto.UnsignedEvent;
import java.util.List;

/** Signs test events with one fixed-per-run key. */
final class TestEvents {
  static final SecretKey KEY = SecretKey.generate();
  private static final SchnorrSigner SIGNER = SchnorrSigner.create(KEY);

  private TestEvents() {}

  static SignedEvent event(int kind, long createdAt, List<List<String>> tags, String content) {
    return NostrEvents.sign(
        new UnsignedEvent(KEY.publicKey(), createdAt, kind, tags, content), SIGNER);
  }

  static SignedEvent event(int kind, String content) {
    return event(kind, now(), List.of(), content);
  }

  static SignedEvent toP(String pubkeyHex, String content) {
    return event(24133, now(), List.of(List.of("p", pubkeyHex)), content);
  }

  /** The same event with its content changed: id and signature no longer match. */
  static SignedEvent forged(SignedEvent e) {
    return new SignedEvent(
        e.id(), e.pubkey(), e.createdAt(), e.kind(), e.tags(), e.content() + "!", e.sig());
  }

  static long now() {
    return System.currentTimeMillis() / 1000;
  }
}
