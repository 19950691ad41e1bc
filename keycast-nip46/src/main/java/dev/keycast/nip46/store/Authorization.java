package dev.keycast.nip46.store;

import dev.keycast.crypto.PublicKey;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.policy.PolicyEvaluator;
import dev.keycast.nip46.policy.PolicySubject;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One authorization: permission for NIP-46 clients to use a stored user key through a dedicated
 * bunker (signer) key, reached at {@code bunker://<bunkerPublicKey>?relay=…&secret=<secret>}.
 * Immutable snapshot of a row.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param id the database id
 * @param keyName the name of the user key it grants use of
 * @param userPublicKey the user key's public key ({@code get_public_key} answers this)
 * @param bunkerPublicKey the bunker key (transport identity) clients address requests to; unique
 * @param secret the connect secret a client must present to connect (consumed once per new client);
 *     present only on the instance {@link AuthorizationStore#create} or {@link
 *     AuthorizationStore#renewSecret} returns: the store keeps only a hash of it, so every
 *     authorization read back from the store has {@code null} here
 * @param relays the relays the bunker listens and answers on
 * @param policyName the name of the {@link dev.keycast.nip46.policy.Policy} applied to every
 *     request
 * @param maxUses how many distinct clients may connect with the secret; {@code null} means
 *     unlimited
 * @param uses how many clients have connected with the secret so far
 * @param expiresAt when the authorization stops working; {@code null} means never
 * @param revokedAt when it was revoked; {@code null} while not revoked
 * @param label a free-form display label; {@code null} if none
 * @param createdAt when it was created (millisecond precision)
 * @param updatedAt when it (or its connected clients) last changed
 */
public record Authorization(
    long id,
    String keyName,
    PublicKey userPublicKey,
    PublicKey bunkerPublicKey,
    @Nullable String secret,
    List<String> relays,
    String policyName,
    @Nullable Integer maxUses,
    int uses,
    @Nullable Instant expiresAt,
    @Nullable Instant revokedAt,
    @Nullable String label,
    Instant createdAt,
    Instant updatedAt) {

  /** Copies the relay list. */
  public Authorization {
    relays = List.copyOf(relays);
  }

  /**
   * Whether the authorization is revoked.
   *
   * @return true if revoked
   */
  public boolean isRevoked() {
    return revokedAt != null;
  }

  /**
   * Whether it has expired at the given time.
   *
   * @param now the current time
   * @return true if {@code expiresAt} is set and not after {@code now}
   */
  public boolean isExpiredAt(Instant now) {
    return expiresAt != null && !expiresAt.isAfter(now);
  }

  /**
   * Whether it serves requests at the given time (neither revoked nor expired).
   *
   * @param now the current time
   * @return true if active
   */
  public boolean isActiveAt(Instant now) {
    return !isRevoked() && !isExpiredAt(now);
  }

  /**
   * Whether the connect secret can still admit a new client (ignores revocation and expiry).
   *
   * @return true if {@code maxUses} is unlimited or {@code uses < maxUses}
   */
  public boolean hasUsesLeft() {
    return maxUses == null || uses < maxUses;
  }

  /**
   * Returns what the policy evaluator needs to know about this authorization and a client of it.
   *
   * @param client the requesting client's connection, or {@code null} if it is not connected (a
   *     connection to another authorization counts as not connected)
   * @return the subject for {@link PolicyEvaluator#evaluate}
   */
  public PolicySubject policySubject(@Nullable ConnectedClient client) {
    PermissionSet granted =
        client != null && client.authorizationId() == id ? client.grantedPerms() : null;
    return new PolicySubject(isRevoked(), expiresAt, userPublicKey, granted);
  }

  /** Never shows the connect secret. */
  @Override
  public String toString() {
    return "Authorization[id="
        + id
        + ", keyName="
        + keyName
        + ", bunkerPublicKey="
        + bunkerPublicKey
        + ", relays="
        + relays
        + ", policyName="
        + policyName
        + ", maxUses="
        + maxUses
        + ", uses="
        + uses
        + ", expiresAt="
        + expiresAt
        + ", revokedAt="
        + revokedAt
        + ", label="
        + label
        + "]";
  }
}
