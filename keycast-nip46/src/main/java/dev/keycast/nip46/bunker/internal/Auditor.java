package dev.keycast.nip46.bunker.internal;

import dev.keycast.crypto.PublicKey;
import dev.keycast.nip46.Nip46Method;
import dev.keycast.nip46.Nip46Request;
import dev.keycast.nip46.store.AuditEntry;
import dev.keycast.nip46.store.AuditLog;
import dev.keycast.nip46.store.AuditOutcome;
import dev.keycast.nip46.store.Authorization;
import java.time.Clock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one audit entry per decision on a request (method, kind, client, outcome, a short reason;
 * never content) for the policy stage and the default handler. A failed write is logged, never
 * failed to the client. Thread-safe; does not block when the log is the {@link BatchingAuditLog}.
 */
final class Auditor {
  private static final Logger LOG = LoggerFactory.getLogger(Auditor.class);

  private final AuditLog audit;
  private final Clock clock;

  Auditor(AuditLog audit, Clock clock) {
    this.audit = audit;
    this.clock = clock;
  }

  void record(
      Authorization auth,
      PublicKey client,
      Nip46Request r,
      @Nullable Integer kind,
      AuditOutcome outcome,
      @Nullable String reason) {
    try {
      String method =
          Nip46Method.fromWireName(r.methodName()).map(Nip46Method::wireName).orElse("unknown");
      audit.record(
          new AuditEntry(
              clock.instant(),
              auth.id(),
              client,
              method,
              kind,
              outcome,
              reason == null ? null : (reason.length() > 256 ? reason.substring(0, 256) : reason)));
    } catch (RuntimeException e) {
      // Availability over completeness: a failed audit write does not fail the request; it is loud
      // in the log.
      LOG.warn(
          "audit write failed for {} on authorization {}: {}",
          r.methodName(),
          auth.id(),
          e.toString());
    }
  }

  /** The event kind a request is about, for the audit log ({@code sign_event} only). */
  static @Nullable Integer kindOf(Nip46Request r) {
    return r instanceof Nip46Request.SignEvent s ? s.template().kind() : null;
  }
}
