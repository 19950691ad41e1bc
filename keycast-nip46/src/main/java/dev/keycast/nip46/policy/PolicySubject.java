package dev.keycast.nip46.policy;

import dev.keycast.crypto.PublicKey;
import dev.keycast.nip46.PermissionSet;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@link PolicyEvaluator} needs to know about the authorization a request came through and the
 * client that sent it, independent of how they are stored (the store builds one with {@code
 * Authorization.policySubject(connectedClient)}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param revoked whether the authorization was revoked
 * @param expiresAt when the authorization expires, or {@code null} for never
 * @param userPublicKey the user key the authorization grants (the only peer a self-only policy
 *     allows)
 * @param grantedPerms the perms the client was granted at connect (empty: no restriction beyond the
 *     policy), or {@code null} when the client is not connected to this authorization
 */
public record PolicySubject(
    boolean revoked,
    @Nullable Instant expiresAt,
    PublicKey userPublicKey,
    @Nullable PermissionSet grantedPerms) {

  /** Checks that the user key is set. */
  public PolicySubject {
    Objects.requireNonNull(userPublicKey, "userPublicKey");
  }

  /**
   * Whether the authorization has expired at {@code now} (expiry is inclusive).
   *
   * @param now the current time
   * @return {@code true} if {@code expiresAt} is not after {@code now}
   */
  public boolean isExpiredAt(Instant now) {
    return expiresAt != null && !expiresAt.isAfter(now);
  }
}
