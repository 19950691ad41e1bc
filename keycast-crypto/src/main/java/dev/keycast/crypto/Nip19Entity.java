package dev.keycast.crypto;

import java.util.Objects;

/**
 * What a NIP-19 string decodes to, from {@link Nip19#decode(String)}: switch over it exhaustively.
 *
 * <pre>{@code
 * switch (Nip19.decode(s)) {
 *   case Nip19Entity.Npub(PublicKey key) -> ...
 *   case Nip19Entity.Nsec(SecretKey key) -> ...
 *   case Nip19Entity.Note(String eventIdHex) -> ...
 *   case Nip19Profile(PublicKey key, List<String> relays) -> ...
 * }
 * }</pre>
 *
 * <p>Thread-safety: all implementations are immutable records, safe to share between threads.
 */
public sealed interface Nip19Entity
    permits Nip19Entity.Npub, Nip19Entity.Nsec, Nip19Entity.Note, Nip19Profile {

  /**
   * An {@code npub}: a public key.
   *
   * @param publicKey the key
   */
  record Npub(PublicKey publicKey) implements Nip19Entity {
    /** Creates the entity. @throws NullPointerException if {@code publicKey} is null */
    public Npub {
      Objects.requireNonNull(publicKey, "publicKey");
    }
  }

  /**
   * An {@code nsec}: a secret key. {@link #toString()} stays redacted because {@link
   * SecretKey#toString()} is.
   *
   * @param secretKey the key
   */
  record Nsec(SecretKey secretKey) implements Nip19Entity {
    /** Creates the entity. @throws NullPointerException if {@code secretKey} is null */
    public Nsec {
      Objects.requireNonNull(secretKey, "secretKey");
    }
  }

  /**
   * A {@code note}: an event id.
   *
   * @param eventIdHex the 32-byte event id as 64 lowercase hex characters
   */
  record Note(String eventIdHex) implements Nip19Entity {
    /** Creates the entity. @throws NullPointerException if {@code eventIdHex} is null */
    public Note {
      Objects.requireNonNull(eventIdHex, "eventIdHex");
    }
  }
}
