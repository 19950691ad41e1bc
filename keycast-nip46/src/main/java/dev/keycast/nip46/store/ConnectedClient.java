package dev.keycast.nip46.store;

import dev.keycast.crypto.PublicKey;
import dev.keycast.nip46.ClientMetadata;
import dev.keycast.nip46.PermissionSet;
import java.time.Instant;

/**
 * A client that connected to an authorization and the permissions it was granted.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param authorizationId the authorization
 * @param clientPublicKey the client's key (the author of its kind-24133 requests)
 * @param grantedPerms the NIP-46 perms granted at connect (normally what the client asked for);
 *     empty means "no restriction beyond the policy" (see {@link
 *     dev.keycast.nip46.policy.PolicyEvaluator})
 * @param connectedAt when it connected (millisecond precision)
 * @param metadata what the client said about itself at its latest connect ({@link
 *     ClientMetadata#NONE} if nothing): a display hint, never used for access
 */
public record ConnectedClient(
    long authorizationId,
    PublicKey clientPublicKey,
    PermissionSet grantedPerms,
    Instant connectedAt,
    ClientMetadata metadata) {

  /**
   * A client without metadata.
   *
   * @param authorizationId the authorization
   * @param clientPublicKey the client's key
   * @param grantedPerms the perms granted at connect
   * @param connectedAt when it connected
   */
  public ConnectedClient(
      long authorizationId,
      PublicKey clientPublicKey,
      PermissionSet grantedPerms,
      Instant connectedAt) {
    this(authorizationId, clientPublicKey, grantedPerms, connectedAt, ClientMetadata.NONE);
  }
}
