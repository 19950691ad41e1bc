package dev.keycast.crypto;

import java.util.List;
import java.util.Objects;

/**
 * The content of a NIP-19 {@code nprofile}: a public key and relays where the profile may be found.
 *
 * <p>Thread-safety: immutable (the relay list is copied on construction), safe to share between
 * threads.
 *
 * @param pubkey the profile's public key
 * @param relays relay URLs in order, possibly empty; each at most 255 UTF-8 bytes to be encodable
 */
public record Nip19Profile(PublicKey pubkey, List<String> relays) implements Nip19Entity {
  /**
   * Creates a profile.
   *
   * @throws NullPointerException if {@code pubkey}, {@code relays} or one of the relays is {@code
   *     null}
   */
  public Nip19Profile {
    Objects.requireNonNull(pubkey, "pubkey");
    relays = List.copyOf(relays);
  }
}
