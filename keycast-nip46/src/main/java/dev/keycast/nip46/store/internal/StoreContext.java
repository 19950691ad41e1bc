package dev.keycast.nip46.store.internal;

import dev.keycast.nip46.store.KeyEncryption;
import java.time.Clock;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * What the JDBI stores share. For SQLite, {@code writer} has a single connection (one writer,
 * transactions begin IMMEDIATE) and {@code reader} several; for PostgreSQL both are the same pool.
 *
 * @param writer JDBI for write transactions
 * @param reader JDBI for reads
 * @param dialect the dialect
 * @param keyEncryption encryption of secrets at rest
 * @param clock clock for created/updated timestamps
 */
public record StoreContext(
    Jdbi writer, Jdbi reader, Dialect dialect, KeyEncryption keyEncryption, Clock clock) {

  /** The PostgreSQL channel every change-counter bump notifies (see {@link PgChangeListener}). */
  public static final String CHANGE_CHANNEL = "keycast_changes";

  /**
   * Increments the change counter; call first in every write transaction (a fixed lock order:
   * counter row, then data rows, so concurrent writers cannot deadlock). On PostgreSQL it also
   * queues a {@code NOTIFY} on {@value #CHANGE_CHANNEL} (payload: the current schema) in the same
   * transaction: PostgreSQL delivers it at commit and drops it on rollback, so listeners wake
   * exactly for committed changes.
   *
   * @param h the handle, inside a transaction
   * @return the new change version
   */
  public long bumpChangeVersion(Handle h) {
    long version =
        h.createQuery(
                "UPDATE change_counter SET version = version + 1 WHERE id = 1 RETURNING version")
            .mapTo(Long.class)
            .one();
    if (dialect == Dialect.POSTGRESQL) {
      // The payload is the schema, so that listeners of other schemas in the same database (the
      // channel is database-wide) ignore it. pg_notify returns void; count the one row so the
      // driver has a plain value to map.
      h.createQuery("SELECT count(*) FROM (SELECT pg_notify(:channel, current_schema())) n")
          .bind("channel", CHANGE_CHANNEL)
          .mapTo(Long.class)
          .one();
    }
    return version;
  }

  /**
   * Reads the change counter.
   *
   * @param h a handle
   * @return the current change version
   */
  public static long readChangeVersion(Handle h) {
    return h.createQuery("SELECT version FROM change_counter WHERE id = 1").mapTo(Long.class).one();
  }

  long nowMillis() {
    return clock.millis();
  }
}
