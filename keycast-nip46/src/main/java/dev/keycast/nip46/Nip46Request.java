package dev.keycast.nip46;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A NIP-46 request body, {@code {"id","method","params":[...]}}, after decryption. One record per
 * method plus {@link Unknown} for methods Keycast does not know (which a signer must answer with an
 * error). Dispatch with an exhaustive {@code switch}.
 *
 * <p>Requests are built by {@link Nip46Codec#parseRequest} (signer side) or directly (client side,
 * then {@link Nip46Codec#toJson(Nip46Request)}). All records are immutable and thread-safe.
 */
public sealed interface Nip46Request {

  /**
   * The request id, echoed in the response.
   *
   * @return the id chosen by the client
   */
  String id();

  /**
   * The method name as on the wire; for {@link Unknown} the name the client sent.
   *
   * @return for example {@code "sign_event"}
   */
  default String methodName() {
    return switch (this) {
      case Connect r -> Nip46Method.CONNECT.wireName();
      case GetPublicKey r -> Nip46Method.GET_PUBLIC_KEY.wireName();
      case SignEvent r -> Nip46Method.SIGN_EVENT.wireName();
      case Ping r -> Nip46Method.PING.wireName();
      case Nip04Encrypt r -> Nip46Method.NIP04_ENCRYPT.wireName();
      case Nip04Decrypt r -> Nip46Method.NIP04_DECRYPT.wireName();
      case Nip44Encrypt r -> Nip46Method.NIP44_ENCRYPT.wireName();
      case Nip44Decrypt r -> Nip46Method.NIP44_DECRYPT.wireName();
      case SwitchRelays r -> Nip46Method.SWITCH_RELAYS.wireName();
      case Logout r -> Nip46Method.LOGOUT.wireName();
      case Unknown r -> r.method();
    };
  }

  /**
   * {@code connect [signer-pubkey, secret?, perms?, client-metadata-json?]}.
   *
   * @param id the request id
   * @param signerPubkey the first parameter as sent (clients send the signer key, the user key or
   *     nothing), or {@code null} if absent or empty; not validated
   * @param secret the connect secret, or {@code null} if absent or empty
   * @param perms the permissions the client asks for (empty if none were given)
   * @param metadataJson the client metadata JSON as sent ({@code {name,url,image}}), or {@code
   *     null}; a display hint only, never authorizes anything, not validated
   */
  record Connect(
      String id,
      @Nullable String signerPubkey,
      @Nullable String secret,
      PermissionSet perms,
      @Nullable String metadataJson)
      implements Nip46Request {
    /** Redacts the secret. */
    @Override
    public String toString() {
      return "Connect[id="
          + id
          + ", signerPubkey="
          + signerPubkey
          + ", secret="
          + (secret == null ? "null" : "***")
          + ", perms="
          + perms
          + "]";
    }
  }

  /**
   * {@code get_public_key []}: answered with the user's public key hex.
   *
   * @param id the request id
   */
  record GetPublicKey(String id) implements Nip46Request {}

  /**
   * {@code sign_event [event-template-json]}.
   *
   * @param id the request id
   * @param template the parsed event template
   */
  record SignEvent(String id, EventTemplate template) implements Nip46Request {
    /**
     * Creates a request from the template JSON as sent on the wire.
     *
     * @param id the request id
     * @param eventJson {@code {"kind","content","tags","created_at"}}
     * @throws NostrFormatException if the JSON is not a valid template
     */
    public SignEvent(String id, String eventJson) {
      this(id, EventJson.parseTemplate(eventJson));
    }

    /**
     * The template as JSON.
     *
     * @return {@code template().toJson()}
     */
    public String eventJson() {
      return template.toJson();
    }

    /** Omits the content. */
    @Override
    public String toString() {
      return "SignEvent[id=" + id + ", kind=" + template.kind() + "]";
    }
  }

  /**
   * {@code ping []}: answered with {@code "pong"}.
   *
   * @param id the request id
   */
  record Ping(String id) implements Nip46Request {}

  /**
   * {@code nip04_encrypt [third-party-pubkey, plaintext]}.
   *
   * @param id the request id
   * @param peerPubkeyHex the third party's public key, 64 lowercase hex characters (not checked to
   *     be on the curve)
   * @param text the plaintext
   */
  record Nip04Encrypt(String id, String peerPubkeyHex, String text) implements Nip46Request {
    /** Omits the text. */
    @Override
    public String toString() {
      return "Nip04Encrypt[id=" + id + ", peer=" + peerPubkeyHex + "]";
    }
  }

  /**
   * {@code nip04_decrypt [third-party-pubkey, ciphertext]}.
   *
   * @param id the request id
   * @param peerPubkeyHex the third party's public key, 64 lowercase hex characters
   * @param text the NIP-04 ciphertext ({@code base64?iv=base64})
   */
  record Nip04Decrypt(String id, String peerPubkeyHex, String text) implements Nip46Request {
    /** Omits the text. */
    @Override
    public String toString() {
      return "Nip04Decrypt[id=" + id + ", peer=" + peerPubkeyHex + "]";
    }
  }

  /**
   * {@code nip44_encrypt [third-party-pubkey, plaintext]}.
   *
   * @param id the request id
   * @param peerPubkeyHex the third party's public key, 64 lowercase hex characters
   * @param text the plaintext
   */
  record Nip44Encrypt(String id, String peerPubkeyHex, String text) implements Nip46Request {
    /** Omits the text. */
    @Override
    public String toString() {
      return "Nip44Encrypt[id=" + id + ", peer=" + peerPubkeyHex + "]";
    }
  }

  /**
   * {@code nip44_decrypt [third-party-pubkey, payload]}.
   *
   * @param id the request id
   * @param peerPubkeyHex the third party's public key, 64 lowercase hex characters
   * @param text the NIP-44 payload (base64)
   */
  record Nip44Decrypt(String id, String peerPubkeyHex, String text) implements Nip46Request {
    /** Omits the text. */
    @Override
    public String toString() {
      return "Nip44Decrypt[id=" + id + ", peer=" + peerPubkeyHex + "]";
    }
  }

  /**
   * {@code switch_relays []}: answered with the relays the signer wants the client to use.
   *
   * @param id the request id
   */
  record SwitchRelays(String id) implements Nip46Request {}

  /**
   * {@code logout []}: answered with {@code "ack"}, then the client's session is dropped.
   *
   * @param id the request id
   */
  record Logout(String id) implements Nip46Request {}

  /**
   * A request for a method Keycast does not know. A signer must answer it with an error response.
   *
   * @param id the request id
   * @param method the method name as sent
   * @param params the parameters as sent (all strings)
   */
  record Unknown(String id, String method, List<String> params) implements Nip46Request {
    /** Copies the parameters. */
    public Unknown {
      params = List.copyOf(params);
    }

    /**
     * An unknown request without parameters.
     *
     * @param id the request id
     * @param method the method name
     */
    public Unknown(String id, String method) {
      this(id, method, List.of());
    }

    /** Omits the parameters. */
    @Override
    public String toString() {
      return "Unknown[id=" + id + ", method=" + method + "]";
    }
  }
}
