package dev.keycast.nip46.store;

import dev.keycast.crypto.PublicKey;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One audit-log record: who asked for what and what happened. Never holds content, plaintexts or
 * ciphertexts.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param at when the request was handled (millisecond precision)
 * @param authorizationId the authorization involved, or null if none was found
 * @param clientPublicKey the requesting client, or null if unknown
 * @param method the NIP-46 method wire name (for example {@code sign_event}); at most 64 characters
 * @param eventKind the event kind for {@code sign_event}, otherwise null
 * @param outcome the outcome
 * @param reason a stable, non-secret reason for denials and errors (for example a {@link
 *     dev.keycast.nip46.policy.PolicyDecision.Deny} reason); null when allowed
 */
public record AuditEntry(
    Instant at,
    @Nullable Long authorizationId,
    @Nullable PublicKey clientPublicKey,
    String method,
    @Nullable Integer eventKind,
    AuditOutcome outcome,
    @Nullable String reason) {

  /**
   * Validates lengths.
   *
   * @throws IllegalArgumentException if method is blank or longer than 64, or reason longer than
   *     256 characters
   */
  public AuditEntry {
    if (method.isBlank() || method.length() > 64) {
      throw new IllegalArgumentException("method must be 1 to 64 characters");
    }
    if (reason != null && reason.length() > 256) {
      throw new IllegalArgumentException("reason must be at most 256 characters");
    }
  }
}
