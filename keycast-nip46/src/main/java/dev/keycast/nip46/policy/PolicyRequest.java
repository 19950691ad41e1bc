package dev.keycast.nip46.policy;

import dev.keycast.crypto.PublicKey;
import dev.keycast.nip46.Nip46Method;

/**
 * The policy-relevant facts of one NIP-46 request, extracted by the server after decrypting and parsing it. Holds
 * plaintext only transiently for the blocked-word check; never log it.
 */
public sealed interface PolicyRequest {

  /**
   * The method.
   *
   * @return the NIP-46 method
   */
  Nip46Method method();

  /**
   * {@code sign_event}.
   *
   * @param kind the event kind (0 to 65535)
   * @param content the event content (checked against blocked words)
   */
  record SignEvent(int kind, String content) implements PolicyRequest {
    @Override
    public Nip46Method method() {
      return Nip46Method.SIGN_EVENT;
    }

    /** Never shows content. */
    @Override
    public String toString() {
      return "SignEvent[kind=" + kind + "]";
    }
  }

  /**
   * {@code nip04_encrypt} or {@code nip44_encrypt}.
   *
   * @param method {@link Nip46Method#NIP04_ENCRYPT} or {@link Nip46Method#NIP44_ENCRYPT}
   * @param peer the third-party public key
   * @param plaintext the plaintext (checked against blocked words)
   */
  record Encrypt(Nip46Method method, PublicKey peer, String plaintext) implements PolicyRequest {
    /**
     * Validates the method.
     *
     * @throws IllegalArgumentException if it is not an encrypt method
     */
    public Encrypt {
      if (method != Nip46Method.NIP04_ENCRYPT && method != Nip46Method.NIP44_ENCRYPT) {
        throw new IllegalArgumentException("not an encrypt method: " + method);
      }
    }

    /** Never shows the plaintext. */
    @Override
    public String toString() {
      return "Encrypt[method=" + method + ", peer=" + peer + "]";
    }
  }

  /**
   * {@code nip04_decrypt} or {@code nip44_decrypt}.
   *
   * @param method {@link Nip46Method#NIP04_DECRYPT} or {@link Nip46Method#NIP44_DECRYPT}
   * @param peer the third-party public key
   */
  record Decrypt(Nip46Method method, PublicKey peer) implements PolicyRequest {
    /**
     * Validates the method.
     *
     * @throws IllegalArgumentException if it is not a decrypt method
     */
    public Decrypt {
      if (method != Nip46Method.NIP04_DECRYPT && method != Nip46Method.NIP44_DECRYPT) {
        throw new IllegalArgumentException("not a decrypt method: " + method);
      }
    }
  }

  /**
   * A basic method: {@code connect}, {@code ping}, {@code get_public_key}, {@code switch_relays}, {@code logout}.
   *
   * @param method the method
   */
  record Basic(Nip46Method method) implements PolicyRequest {
    /**
     * Validates the method.
     *
     * @throws IllegalArgumentException if it is sign/encrypt/decrypt
     */
    public Basic {
      if (!Policy.isBasic(method)) {
        throw new IllegalArgumentException("not a basic method: " + method);
      }
    }
  }
}
