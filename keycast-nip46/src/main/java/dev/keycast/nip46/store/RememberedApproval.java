package dev.keycast.nip46.store;

import dev.keycast.crypto.PublicKey;
import java.time.Instant;
import java.util.Objects;

/**
 * An approver's answer remembered for one client and permission of an authorization: later requests
 * with that permission get the same answer without asking, until {@code expiresAt}.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param authorizationId the authorization
 * @param clientPublicKey the client
 * @param permission what it covers: the method ({@code nip44_decrypt}) or {@code sign_event:KIND}
 * @param allowed {@code true} to allow, {@code false} to deny
 * @param decidedBy who decided (for the record), at most 64 characters
 * @param decidedAt when the decision was taken (millisecond precision in the database)
 * @param expiresAt when it stops applying (millisecond precision in the database)
 */
public record RememberedApproval(
    long authorizationId,
    PublicKey clientPublicKey,
    String permission,
    boolean allowed,
    String decidedBy,
    Instant decidedAt,
    Instant expiresAt) {

  /**
   * Checks the fields.
   *
   * @throws IllegalArgumentException if the permission is blank or longer than 128 characters,
   *     {@code decidedBy} is longer than 64 characters, or it expires before it was decided
   */
  public RememberedApproval {
    Objects.requireNonNull(clientPublicKey, "clientPublicKey");
    Objects.requireNonNull(permission, "permission");
    Objects.requireNonNull(decidedBy, "decidedBy");
    Objects.requireNonNull(decidedAt, "decidedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (permission.isBlank() || permission.length() > 128) {
      throw new IllegalArgumentException("permission must be 1 to 128 characters");
    }
    if (decidedBy.length() > 64) {
      throw new IllegalArgumentException("decidedBy must be at most 64 characters");
    }
    if (expiresAt.isBefore(decidedAt)) {
      throw new IllegalArgumentException("expiresAt is before decidedAt");
    }
  }
}
