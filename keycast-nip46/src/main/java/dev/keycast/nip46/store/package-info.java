/**
 * Persistent storage for the bunker: {@link dev.keycast.nip46.store.KeycastDatabase} (JDBI 3 over
 * an SQLite file or PostgreSQL, versioned migrations), users' keys encrypted at rest ({@link
 * dev.keycast.nip46.store.KeyStore}, {@link dev.keycast.nip46.store.KeyEncryption}, {@link
 * dev.keycast.nip46.store.MasterKey}), authorizations with their bunker keys, connect secrets and
 * connected clients ({@link dev.keycast.nip46.store.AuthorizationStore}), and an audit log ({@link
 * dev.keycast.nip46.store.AuditLog}).
 *
 * <p>All store methods may do I/O and block the calling thread (call them from virtual threads or
 * workers, never from relay I/O threads). Failures are {@link
 * dev.keycast.nip46.store.StoreException}s; a database that cannot be reached is reported as {@link
 * dev.keycast.nip46.store.DatabaseUnavailableException} so callers can answer "database
 * unavailable" and retry later. See {@code docs/storage.md}.
 */
@NullMarked
package dev.keycast.nip46.store;

import org.jspecify.annotations.NullMarked;
