package dev.keycast.nip46.policy;

import dev.keycast.crypto.PublicKey;
import dev.keycast.nip46.EventTemplate;
import dev.keycast.nip46.Nip46Method;
import dev.keycast.nip46.Nip46Request;
import java.security.InvalidKeyException;
import java.util.List;

/**
 * The policy-relevant facts of one NIP-46 request, extracted by the server after decrypting and
 * parsing it. Holds plaintext only transiently for the blocked-word check; never log it.
 *
 * <p>All implementations are immutable records; safe to share between threads.
 */
public sealed interface PolicyRequest {

  /**
   * The method.
   *
   * @return the NIP-46 method
   */
  Nip46Method method();

  /**
   * Extracts the policy-relevant facts of a parsed request. Pure; never blocks.
   *
   * @param request a parsed request other than {@link Nip46Request.Unknown} (answer those with an
   *     error first)
   * @return the policy request
   * @throws IllegalArgumentException for {@link Nip46Request.Unknown}, or if a peer public key is
   *     not a valid secp256k1 x-only key (answer with an error reply)
   */
  static PolicyRequest of(Nip46Request request) {
    return switch (request) {
      case Nip46Request.Connect c -> new Basic(Nip46Method.CONNECT);
      case Nip46Request.GetPublicKey g -> new Basic(Nip46Method.GET_PUBLIC_KEY);
      case Nip46Request.Ping p -> new Basic(Nip46Method.PING);
      case Nip46Request.SwitchRelays s -> new Basic(Nip46Method.SWITCH_RELAYS);
      case Nip46Request.Logout l -> new Basic(Nip46Method.LOGOUT);
      case Nip46Request.SignEvent s ->
          new SignEvent(s.template().kind(), checkedText(s.template()), s.template().createdAt());
      case Nip46Request.Nip04Encrypt e ->
          new Encrypt(Nip46Method.NIP04_ENCRYPT, peer(e.peerPubkeyHex()), e.text());
      case Nip46Request.Nip44Encrypt e ->
          new Encrypt(Nip46Method.NIP44_ENCRYPT, peer(e.peerPubkeyHex()), e.text());
      case Nip46Request.Nip04Decrypt d ->
          new Decrypt(Nip46Method.NIP04_DECRYPT, peer(d.peerPubkeyHex()));
      case Nip46Request.Nip44Decrypt d ->
          new Decrypt(Nip46Method.NIP44_DECRYPT, peer(d.peerPubkeyHex()));
      case Nip46Request.Unknown u ->
          throw new IllegalArgumentException("unknown method has no policy request");
    };
  }

  /**
   * What blocked words are checked against in an event to sign: its content and every tag value
   * (tag names excluded), one per line, so a word cannot hide in a tag (a subject, an alt text, a
   * hashtag).
   *
   * @param template the event template
   * @return the text to check
   */
  private static String checkedText(EventTemplate template) {
    if (template.tags().isEmpty()) {
      return template.content();
    }
    StringBuilder b = new StringBuilder(template.content());
    for (List<String> tag : template.tags()) {
      for (int i = 1; i < tag.size(); i++) {
        b.append('\n').append(tag.get(i));
      }
    }
    return b.toString();
  }

  private static PublicKey peer(String hex) {
    try {
      return PublicKey.fromHex(hex);
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException("peer public key is not a valid secp256k1 x-only key", e);
    }
  }

  /**
   * {@code sign_event}.
   *
   * @param kind the event kind (0 to 65535)
   * @param content the text checked against blocked words: the event content and every tag value,
   *     one per line
   * @param createdAt the event's {@code created_at}, seconds since the Unix epoch (checked against
   *     {@link Policy#maxFuture()} and {@link Policy#maxPast()})
   */
  record SignEvent(int kind, String content, long createdAt) implements PolicyRequest {
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
   * A basic method: {@code connect}, {@code ping}, {@code get_public_key}, {@code switch_relays},
   * {@code logout}.
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
