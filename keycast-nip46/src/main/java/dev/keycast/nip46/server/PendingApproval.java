package dev.keycast.nip46.server;

import dev.keycast.crypto.PublicKey;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A request that waits for a human's approval: its policy lists the operation under {@code
 * askPermissions}, the client was sent an {@code auth_url}, and the request holds no worker while
 * it waits. Shown to the approver; every string in it came from the client (or its relay) and must
 * be escaped wherever it is displayed.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the approval's id: random, 128 bits, URL-safe; the last segment of {@link #url}
 * @param requestId the NIP-46 request id (the later reply carries it)
 * @param method the NIP-46 method ({@code sign_event}, {@code nip44_decrypt}, …)
 * @param permission what a remembered answer covers: the method, or {@code sign_event:KIND}
 * @param kind the event kind of a {@code sign_event}, else null
 * @param content the content of the event to sign ({@code sign_event} only), else null: shown to
 *     the approver, never logged
 * @param peer the third party of an encrypt or decrypt, else null
 * @param clientPublicKey the client that asks
 * @param clientName the name the client gave in its {@code connect} metadata, stored with the
 *     connected client (cleaned and bounded, see {@link dev.keycast.nip46.ClientMetadata}; a
 *     display hint, never trusted: escape it wherever it is shown), else null
 * @param authorizationId the authorization the request came through
 * @param keyName the user key the request would use
 * @param createdAt when the approval was asked for
 * @param expiresAt when the request is denied if nobody decides (created plus the approval timeout)
 * @param url the {@code auth_url} sent to the client
 */
public record PendingApproval(
    String id,
    String requestId,
    String method,
    String permission,
    @Nullable Integer kind,
    @Nullable String content,
    @Nullable PublicKey peer,
    PublicKey clientPublicKey,
    @Nullable String clientName,
    long authorizationId,
    String keyName,
    Instant createdAt,
    Instant expiresAt,
    String url) {

  /** Checks that the required fields are present. */
  public PendingApproval {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(permission, "permission");
    Objects.requireNonNull(clientPublicKey, "clientPublicKey");
    Objects.requireNonNull(keyName, "keyName");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(url, "url");
  }

  /** Leaves the content out (it may be private). */
  @Override
  public String toString() {
    return "PendingApproval[id="
        + id
        + ", method="
        + method
        + ", permission="
        + permission
        + ", client="
        + clientPublicKey
        + ", authorization="
        + authorizationId
        + "]";
  }
}
