package dev.keycast.nip46;

import java.util.Optional;

/**
 * The NIP-46 methods Keycast knows, with their wire names. This enum is the one place the wire
 * strings live.
 *
 * <p>A request with a method not listed here parses to {@link Nip46Request.Unknown}, which a signer
 * must answer with an error response.
 */
public enum Nip46Method {
  /**
   * {@code connect}: {@code [signer-pubkey, secret?, perms?, client-metadata-json?]} → {@code
   * "ack"}.
   */
  CONNECT("connect"),
  /** {@code get_public_key}: {@code []} → the user's public key hex. */
  GET_PUBLIC_KEY("get_public_key"),
  /** {@code sign_event}: {@code [event-template-json]} → the signed event JSON. */
  SIGN_EVENT("sign_event"),
  /** {@code ping}: {@code []} → {@code "pong"}. */
  PING("ping"),
  /** {@code nip04_encrypt}: {@code [third-party-pubkey, plaintext]} → NIP-04 ciphertext. */
  NIP04_ENCRYPT("nip04_encrypt"),
  /** {@code nip04_decrypt}: {@code [third-party-pubkey, ciphertext]} → plaintext. */
  NIP04_DECRYPT("nip04_decrypt"),
  /** {@code nip44_encrypt}: {@code [third-party-pubkey, plaintext]} → NIP-44 v2 payload. */
  NIP44_ENCRYPT("nip44_encrypt"),
  /** {@code nip44_decrypt}: {@code [third-party-pubkey, payload]} → plaintext. */
  NIP44_DECRYPT("nip44_decrypt"),
  /** {@code switch_relays}: {@code []} → JSON array of relay URLs (as a string). */
  SWITCH_RELAYS("switch_relays"),
  /** {@code logout}: {@code []} → {@code "ack"}; the client's session is dropped. */
  LOGOUT("logout");

  private static final Nip46Method[] VALUES = values();

  private final String wireName;

  Nip46Method(String wireName) {
    this.wireName = wireName;
  }

  /**
   * The method name as it appears on the wire and in permission lists.
   *
   * @return for example {@code "nip44_encrypt"}
   */
  public String wireName() {
    return wireName;
  }

  /**
   * Looks a method up by its exact (case-sensitive) wire name.
   *
   * @param wireName the wire name
   * @return the method, or empty if Keycast does not know it
   */
  public static Optional<Nip46Method> fromWireName(String wireName) {
    for (Nip46Method m : VALUES) {
      if (m.wireName.equals(wireName)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  /** Returns {@link #wireName()}. */
  @Override
  public String toString() {
    return wireName;
  }
}
