package dev.keycast.nip46;

/**
 * A NIP-46 response body, {@code {"id","result"}} or {@code {"id","error"}}, before encryption.
 * Write it with {@link Nip46Codec#toJson(Nip46Response)}; read one (client side) with {@link
 * Nip46Codec#parseResponse}.
 *
 * <p>All records are immutable and thread-safe.
 */
public sealed interface Nip46Response {

  /**
   * The id of the request this answers.
   *
   * @return the request id
   */
  String id();

  /**
   * A success: {@code {"id","result"}}.
   *
   * @param id the request id
   * @param result the result; should never be empty (some clients, nostr-tools among them, resolve
   *     only on a truthy result)
   */
  record Ok(String id, String result) implements Nip46Response {
    /** Omits the result, which may be a decrypted plaintext. */
    @Override
    public String toString() {
      return "Ok[id=" + id + "]";
    }
  }

  /**
   * A failure: written as {@code {"id","error"}} with no {@code result} member.
   *
   * @param id the request id
   * @param error a stable, non-leaking message such as {@code "unauthorized"}
   */
  // Ok and Error name the two outcomes of the protocol; every use site writes Nip46Response.Error
  // (none imports
  // the nested type), so the name never shadows java.lang.Error where it is read.
  @SuppressWarnings("JavaLangClash")
  record Error(String id, String error) implements Nip46Response {}

  /**
   * An authentication challenge: written as {@code {"id","result":"auth_url","error":url}}. The
   * client opens the URL; the signer later sends the real response with the same id.
   *
   * @param id the request id
   * @param url the URL the user must open
   */
  record AuthUrl(String id, String url) implements Nip46Response {}

  /**
   * A success response.
   *
   * @param id the request id
   * @param result the result
   * @return {@code new Ok(id, result)}
   */
  static Nip46Response ok(String id, String result) {
    return new Ok(id, result);
  }

  /**
   * An error response.
   *
   * @param id the request id
   * @param error the message
   * @return {@code new Error(id, error)}
   */
  static Nip46Response error(String id, String error) {
    return new Error(id, error);
  }
}
