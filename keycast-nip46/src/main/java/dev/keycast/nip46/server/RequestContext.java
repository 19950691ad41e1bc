package dev.keycast.nip46.server;

import dev.keycast.crypto.PublicKey;
import dev.keycast.nip46.Nip46Response;
import dev.keycast.nip46.store.Authorization;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * What the signer knows about one request besides its content: the (verified) client key that sent
 * it, the signer key it was addressed to, the authorization holding that signer key, and the relays
 * it arrived on.
 *
 * <p>Immutable and thread-safe. {@link #sendInterim} may be called from any thread.
 */
public final class RequestContext {
  private final PublicKey clientPublicKey;
  private final PublicKey signerPublicKey;
  private final @Nullable Authorization authorization;
  private final List<String> relays;
  private final Instant receivedAt;
  private final Consumer<Nip46Response> interimSender;

  /**
   * Creates a context. The pipeline creates these; embedders create them in tests of their own
   * handlers.
   *
   * @param clientPublicKey the key that signed the request event (verified)
   * @param signerPublicKey the signer key the request was addressed to
   * @param authorization the authorization holding the signer key, or {@code null} when the handler
   *     serves keys that are not managed by a Keycast store
   * @param relays the relay URLs the request arrived on
   * @param receivedAt when the first copy arrived
   * @param interimSender sends an interim response (encrypted and published asynchronously); must
   *     not block
   */
  public RequestContext(
      PublicKey clientPublicKey,
      PublicKey signerPublicKey,
      @Nullable Authorization authorization,
      List<String> relays,
      Instant receivedAt,
      Consumer<Nip46Response> interimSender) {
    this.clientPublicKey = Objects.requireNonNull(clientPublicKey, "clientPublicKey");
    this.signerPublicKey = Objects.requireNonNull(signerPublicKey, "signerPublicKey");
    this.authorization = authorization;
    this.relays = List.copyOf(relays);
    this.receivedAt = Objects.requireNonNull(receivedAt, "receivedAt");
    this.interimSender = Objects.requireNonNull(interimSender, "interimSender");
  }

  /** {@return the client's public key (the request event's verified author)} */
  public PublicKey clientPublicKey() {
    return clientPublicKey;
  }

  /** {@return the signer (bunker) public key the request was addressed to} */
  public PublicKey signerPublicKey() {
    return signerPublicKey;
  }

  /** {@return the authorization holding the signer key, if the pipeline found one} */
  public Optional<Authorization> authorization() {
    return Optional.ofNullable(authorization);
  }

  /**
   * {@return the relay URLs the request arrived on (replies go there and to the authorization's
   * relays)}
   */
  public List<String> relays() {
    return relays;
  }

  /** {@return when the request's first copy arrived} */
  public Instant receivedAt() {
    return receivedAt;
  }

  /**
   * Sends an interim response now, typically {@link Nip46Response.AuthUrl} before the real
   * response. Never blocks: encryption and publishing happen asynchronously. The response must
   * carry the request's id.
   *
   * @param interim the interim response
   */
  public void sendInterim(Nip46Response interim) {
    interimSender.accept(interim);
  }

  @Override
  public String toString() {
    return "RequestContext[client="
        + clientPublicKey
        + ", signer="
        + signerPublicKey
        + ", relays="
        + relays
        + "]";
  }
}
