package dev.keycast.nip46.store;

/** Outcome of an audited request. */
public enum AuditOutcome {
  /** The request was allowed and succeeded. */
  ALLOWED,
  /** The request was refused by policy, permissions, expiry or revocation. */
  DENIED,
  /** The request was allowed but failed (bad input, crypto failure, database unavailable). */
  FAILED
}
