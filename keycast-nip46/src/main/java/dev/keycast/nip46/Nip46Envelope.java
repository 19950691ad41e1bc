package dev.keycast.nip46;

import dev.keycast.crypto.Nip04Cipher;
import dev.keycast.crypto.Nip44Cipher;
import dev.keycast.crypto.Nip44ConversationKeyCache;
import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SchnorrSigner;
import dev.keycast.crypto.SecretKey;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.crypto.UnsignedEvent;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

/**
 * Seals and opens the kind-{@value #KIND} events that carry NIP-46 bodies, for both sides: the body
 * is encrypted to the peer (NIP-44 v2, or legacy NIP-04, recognised by its {@code ?iv=} suffix) and
 * the event is signed by the sender, addressed with a {@code ["p", peer]} tag. The server, the
 * client and the {@code nostrconnect://} flow all seal and open through this class.
 *
 * <p>Thread-safe: the only state is a shared cache of NIP-44 conversation keys. Every method that
 * takes a key is CPU-bound (ECDH, ciphers, Schnorr signing): call it on a crypto executor, never on
 * a relay I/O thread and not directly on a virtual thread (JNI pins its carrier). Never blocks
 * otherwise.
 */
public final class Nip46Envelope {
  /** The NIP-46 event kind. */
  public static final int KIND = 24133;

  /** The encryption scheme of a kind-24133 content. */
  public enum Scheme {
    /** NIP-44 version 2 (the default). */
    NIP44,
    /** Legacy NIP-04 (AES-CBC, content ending in {@code ?iv=...}). */
    NIP04;

    /**
     * Detects the scheme of a content. Never blocks.
     *
     * @param content an event's content
     * @return NIP-04 when it contains {@code ?iv=}, otherwise NIP-44
     */
    public static Scheme of(String content) {
      return Nip04Cipher.looksLikeNip04(content) ? NIP04 : NIP44;
    }
  }

  private final Nip44ConversationKeyCache conversationKeys;

  /**
   * Creates an envelope that derives NIP-44 conversation keys through the given cache.
   *
   * @param conversationKeys the conversation-key cache to use (may be shared)
   */
  public Nip46Envelope(Nip44ConversationKeyCache conversationKeys) {
    this.conversationKeys = conversationKeys;
  }

  /**
   * Returns the key under which copies of one event count as the same event: its id <em>and</em>
   * signature. The id alone would let someone who saw a request on one relay publish a copy with
   * the same id and a garbage signature on another relay first, and so suppress the genuine one.
   * Never blocks.
   *
   * @param event an event (verified or not)
   * @return the dedupe key
   */
  public static String dedupeKey(SignedEvent event) {
    return event.id() + event.sig();
  }

  /**
   * Decrypts a content. CPU-bound.
   *
   * @param scheme the scheme the content is in
   * @param content the ciphertext
   * @param ours our secret key
   * @param theirs the peer's public key
   * @return the plaintext
   * @throws GeneralSecurityException if the content does not decrypt (bad base64, MAC, padding,
   *     key)
   */
  public String decrypt(Scheme scheme, String content, SecretKey ours, PublicKey theirs)
      throws GeneralSecurityException {
    return switch (scheme) {
      case NIP44 -> Nip44Cipher.decrypt(content, conversationKeys.get(ours, theirs));
      case NIP04 -> Nip04Cipher.decrypt(content, ours, theirs);
    };
  }

  /**
   * Encrypts a plaintext. CPU-bound.
   *
   * @param scheme the scheme to use
   * @param plaintext the text
   * @param ours our secret key
   * @param theirs the peer's public key
   * @return the ciphertext
   * @throws GeneralSecurityException if a key is invalid
   */
  public String encrypt(Scheme scheme, String plaintext, SecretKey ours, PublicKey theirs)
      throws GeneralSecurityException {
    return switch (scheme) {
      case NIP44 -> Nip44Cipher.encrypt(plaintext, conversationKeys.get(ours, theirs));
      case NIP04 -> Nip04Cipher.encrypt(plaintext, ours, theirs);
    };
  }

  /**
   * Encrypts a plaintext deterministically (a synthetic nonce or IV derived from the key, {@code
   * context} and the plaintext: see {@link Nip44Cipher#encryptSynthetic}). CPU-bound.
   *
   * @param scheme the scheme to use
   * @param plaintext the text
   * @param ours our secret key
   * @param theirs the peer's public key
   * @param context bytes that scope the determinism (for example the request being answered)
   * @return the ciphertext, equal for equal inputs
   * @throws GeneralSecurityException if a key is invalid
   */
  public String encryptSynthetic(
      Scheme scheme, String plaintext, SecretKey ours, PublicKey theirs, byte[] context)
      throws GeneralSecurityException {
    return switch (scheme) {
      case NIP44 ->
          Nip44Cipher.encryptSynthetic(plaintext, conversationKeys.get(ours, theirs), context);
      case NIP04 -> Nip04Cipher.encryptSynthetic(plaintext, ours, theirs, context);
    };
  }

  /**
   * Opens an event addressed to us: decrypts its content, in the scheme it uses, from its author.
   * Does not verify the signature (see {@link NostrEvents#verify}). CPU-bound.
   *
   * @param event the event
   * @param ours our secret key
   * @return the plaintext body
   * @throws GeneralSecurityException if the author key is invalid or the content does not decrypt
   */
  public String open(SignedEvent event, SecretKey ours) throws GeneralSecurityException {
    return decrypt(
        Scheme.of(event.content()), event.content(), ours, PublicKey.fromHex(event.pubkey()));
  }

  /**
   * Seals a body: encrypts it to {@code to} and signs the kind-{@value #KIND} event carrying it,
   * tagged {@code ["p", to]} followed by {@code extraTags}. CPU-bound.
   *
   * @param scheme the encryption scheme
   * @param body the plaintext body (a request or response JSON)
   * @param ours the sender's secret key (encrypts)
   * @param signer the signer for the same key (signs; its public key is the event's author)
   * @param to the recipient
   * @param createdAtSeconds the event's {@code created_at}, in Unix seconds
   * @param extraTags tags after the {@code p} tag (for example {@code ["e", requestId]} on a reply)
   * @return the signed event
   * @throws GeneralSecurityException if a key is invalid
   */
  public SignedEvent seal(
      Scheme scheme,
      String body,
      SecretKey ours,
      SchnorrSigner signer,
      PublicKey to,
      long createdAtSeconds,
      List<List<String>> extraTags)
      throws GeneralSecurityException {
    return NostrEvents.sign(
        unsigned(encrypt(scheme, body, ours, to), signer, to, createdAtSeconds, extraTags), signer);
  }

  private static UnsignedEvent unsigned(
      String content,
      SchnorrSigner signer,
      PublicKey to,
      long createdAtSeconds,
      List<List<String>> extraTags) {
    List<List<String>> tags = new ArrayList<>(1 + extraTags.size());
    tags.add(List.of("p", to.toHex()));
    tags.addAll(extraTags);
    return new UnsignedEvent(signer.publicKey(), createdAtSeconds, KIND, tags, content);
  }

  /**
   * Seals a body like {@link #seal}, deterministically: the content is encrypted with {@link
   * #encryptSynthetic} under {@code context} and the event is signed with {@link
   * NostrEvents#signDeterministic}, so sealing the same body for the same request twice (two
   * instances of a cluster, or one instance after a takeover) gives the identical event, which
   * relays and clients treat as one. CPU-bound.
   *
   * @param scheme the encryption scheme
   * @param body the plaintext body
   * @param ours the sender's secret key
   * @param signer the signer for the same key
   * @param to the recipient
   * @param createdAtSeconds the event's {@code created_at}; pass a value derived from the request
   *     (not the clock) for the event to be reproducible
   * @param extraTags tags after the {@code p} tag
   * @param context bytes that scope the determinism, such as the request event id
   * @return the signed event, equal for equal inputs
   * @throws GeneralSecurityException if a key is invalid
   */
  public SignedEvent sealDeterministic(
      Scheme scheme,
      String body,
      SecretKey ours,
      SchnorrSigner signer,
      PublicKey to,
      long createdAtSeconds,
      List<List<String>> extraTags,
      byte[] context)
      throws GeneralSecurityException {
    String content = encryptSynthetic(scheme, body, ours, to, context);
    return NostrEvents.signDeterministic(
        unsigned(content, signer, to, createdAtSeconds, extraTags), signer);
  }

  /**
   * {@link #sealDeterministic(Scheme, String, SecretKey, SchnorrSigner, PublicKey, long, List,
   * byte[])} of a body given as its UTF-8 bytes ({@link Nip46Codec#toUtf8}): NIP-44 encrypts them
   * as they are, with no string in between. The bytes are not checked and not zeroed. CPU-bound.
   *
   * @param scheme the encryption scheme
   * @param bodyUtf8 the plaintext body's UTF-8 bytes
   * @param ours the sender's secret key
   * @param signer the signer for the same key
   * @param to the recipient
   * @param createdAtSeconds the event's {@code created_at}
   * @param extraTags tags after the {@code p} tag
   * @param context bytes that scope the determinism, such as the request event id
   * @return the signed event, equal for equal inputs (and equal to the {@code String} form's for
   *     the same text)
   * @throws GeneralSecurityException if a key is invalid
   */
  public SignedEvent sealDeterministic(
      Scheme scheme,
      byte[] bodyUtf8,
      SecretKey ours,
      SchnorrSigner signer,
      PublicKey to,
      long createdAtSeconds,
      List<List<String>> extraTags,
      byte[] context)
      throws GeneralSecurityException {
    String content =
        switch (scheme) {
          case NIP44 ->
              Nip44Cipher.encryptSynthetic(bodyUtf8, conversationKeys.get(ours, to), context);
          case NIP04 ->
              Nip04Cipher.encryptSynthetic(
                  new String(bodyUtf8, StandardCharsets.UTF_8), ours, to, context);
        };
    return NostrEvents.signDeterministic(
        unsigned(content, signer, to, createdAtSeconds, extraTags), signer);
  }
}
