package dev.keycast.nip46.store;

import java.time.Instant;
import java.util.List;

/**
 * Append-only record of what was signed, encrypted or decrypted for whom (method, kind, client,
 * time, outcome), never the content. Obtain the default from {@link KeycastDatabase#audit()}.
 *
 * <p>Thread-safe. Every method may do I/O and blocks until done; failures are {@link
 * StoreException}s. Audit writes do not bump the change version. On PostgreSQL each {@link #record}
 * is a commit (an fsync); the {@code Bunker} therefore takes audit writes off the request path and
 * writes them in batches ({@link #recordAll}) on one writer thread, never dropping an entry.
 */
public interface AuditLog {

  /**
   * Appends an entry.
   *
   * @param entry the entry
   */
  void record(AuditEntry entry);

  /**
   * Appends several entries in one transaction (one commit, so one fsync on PostgreSQL). The
   * default calls {@link #record} for each.
   *
   * @param entries the entries, in order
   */
  default void recordAll(List<AuditEntry> entries) {
    for (AuditEntry e : entries) {
      record(e);
    }
  }

  /**
   * The newest entries, newest first.
   *
   * @param limit maximum number of entries, 1 to 10000
   * @return the entries
   * @throws IllegalArgumentException if limit is out of range
   */
  List<AuditEntry> recent(int limit);

  /**
   * The newest entries of one authorization, newest first.
   *
   * @param authorizationId the authorization
   * @param limit maximum number of entries, 1 to 10000
   * @return the entries
   * @throws IllegalArgumentException if limit is out of range
   */
  List<AuditEntry> forAuthorization(long authorizationId, int limit);

  /**
   * Deletes entries older than a cutoff (retention). The default store deletes in batches of a
   * thousand rows, each its own transaction, so that a large purge never holds the database writer
   * for long; a failure part-way leaves the batches already deleted deleted (calling again finishes
   * the job).
   *
   * @param cutoff entries strictly before this time are deleted
   * @return the number of deleted entries
   */
  long purgeBefore(Instant cutoff);
}
