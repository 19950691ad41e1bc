package dev.keycast.nip46.server.internal;

import dev.keycast.crypto.Nip04Cipher;
import dev.keycast.crypto.Nip44Cipher;
import dev.keycast.crypto.Nip44ConversationKeyCache;
import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SecretKey;
import java.security.GeneralSecurityException;

/**
 * Encrypts and decrypts kind-24133 contents in the scheme a request used (NIP-44 v2, or legacy NIP-04 recognised by
 * its {@code ?iv=} suffix), with a shared cache of NIP-44 conversation keys.
 *
 * <p>Thread-safe. Every method is CPU-bound (ECDH, ciphers): call it inside {@code CpuExecutor.call}, never on a
 * relay thread or directly on a virtual thread.
 */
public final class Envelope {

  /** The encryption scheme of a kind-24133 content. */
  public enum Scheme {
    NIP44,
    NIP04;

    /** Detects the scheme of a content: NIP-04 when it contains {@code ?iv=}, otherwise NIP-44. */
    public static Scheme of(String content) {
      return Nip04Cipher.looksLikeNip04(content) ? NIP04 : NIP44;
    }
  }

  private final Nip44ConversationKeyCache conversationKeys;

  /** @param conversationKeys the shared conversation-key cache */
  public Envelope(Nip44ConversationKeyCache conversationKeys) {
    this.conversationKeys = conversationKeys;
  }

  /**
   * Decrypts.
   *
   * @throws GeneralSecurityException if the content does not decrypt (bad base64, MAC, padding, key)
   */
  public String decrypt(Scheme scheme, String content, SecretKey ours, PublicKey theirs)
      throws GeneralSecurityException {
    return switch (scheme) {
      case NIP44 -> Nip44Cipher.decrypt(content, conversationKeys.get(ours, theirs));
      case NIP04 -> Nip04Cipher.decrypt(content, ours, theirs);
    };
  }

  /**
   * Encrypts.
   *
   * @throws GeneralSecurityException if a key is invalid
   */
  public String encrypt(Scheme scheme, String plaintext, SecretKey ours, PublicKey theirs)
      throws GeneralSecurityException {
    return switch (scheme) {
      case NIP44 -> Nip44Cipher.encrypt(plaintext, conversationKeys.get(ours, theirs));
      case NIP04 -> Nip04Cipher.encrypt(plaintext, ours, theirs);
    };
  }
}
