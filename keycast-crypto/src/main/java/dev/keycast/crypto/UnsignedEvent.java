package dev.keycast.crypto;

import java.util.List;
import java.util.Objects;

/**
 * A NIP-01 event before signing.
 *
 * <p>Immutable: {@code tags} is deep-copied into unmodifiable lists. Thread-safe.
 *
 * @param pubkey the author's x-only public key (must be the signer's key)
 * @param createdAt creation time in Unix seconds, &ge; 0
 * @param kind event kind, 0 to 65535
 * @param tags tags, each a list of strings (no nulls)
 * @param content content, any string (including lone surrogates, which serialize as {@code \}{@code
 *     udxxx})
 */
public record UnsignedEvent(
    PublicKey pubkey, long createdAt, int kind, List<List<String>> tags, String content) {

  /**
   * Validates and copies.
   *
   * @throws IllegalArgumentException if {@code createdAt} is negative or {@code kind} is outside
   *     0..65535
   * @throws NullPointerException if any argument, tag or tag element is null
   */
  public UnsignedEvent {
    Objects.requireNonNull(pubkey, "pubkey");
    Objects.requireNonNull(content, "content");
    tags = NostrEvents.copyTags(tags);
    NostrEvents.checkKindAndTime(kind, createdAt);
  }

  /**
   * The NIP-01 event id: lowercase hex of SHA-256 over the canonical serialization. CPU-bound,
   * never blocks.
   *
   * @return 64 lowercase hex characters
   */
  public String id() {
    return NostrEvents.computeId(pubkey.toHex(), createdAt, kind, tags, content);
  }
}
