package dev.keycast.nip46.store;

import dev.keycast.crypto.PublicKey;
import dev.keycast.nip46.store.internal.InMemoryRememberedApprovals;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Approvers' remembered answers ({@link RememberedApproval}), one per (authorization, client,
 * permission). The database's ({@link KeycastDatabase#rememberedApprovals()}) keeps them in a
 * table, so they survive a restart and hold on every daemon sharing the database; there, revoking
 * or deleting the authorization and the client's logout ({@link AuthorizationStore#disconnect})
 * delete its answers in the same transaction. {@link #inMemory()} keeps them in this process only.
 *
 * <p>An answer past its expiry is never returned, and is deleted when the next answer is remembered
 * or by {@link #deleteExpired}.
 *
 * <p>Implementations are thread-safe. The database's may do I/O and block, and throw {@link
 * StoreException} ({@link DatabaseUnavailableException} when the database cannot be reached).
 */
public interface RememberedApprovalStore {

  /**
   * Remembers an answer, replacing the one for the same authorization, client and permission, and
   * deletes the answers that expired by its {@code decidedAt}.
   *
   * @param approval the answer
   * @return {@code true} if it is remembered; {@code false} if it was not kept (the in-memory store
   *     is full, or the authorization no longer exists)
   * @throws StoreException if the store fails
   */
  boolean remember(RememberedApproval approval);

  /**
   * Finds the answer in force for a request.
   *
   * @param authorizationId the authorization
   * @param clientPublicKey the client
   * @param permission the request's permission ({@code sign_event:KIND} or the method)
   * @param now the current time: an answer expiring at or before it is not returned
   * @return the answer, or empty
   * @throws StoreException if the store fails
   */
  Optional<RememberedApproval> find(
      long authorizationId, PublicKey clientPublicKey, String permission, Instant now);

  /**
   * Lists the answers in force, soonest to expire first.
   *
   * @param now the current time
   * @param limit the most to return (at least 1)
   * @return the answers
   * @throws IllegalArgumentException if {@code limit} is less than 1
   * @throws StoreException if the store fails
   */
  List<RememberedApproval> list(Instant now, int limit);

  /**
   * Forgets every answer for one client of an authorization.
   *
   * @param authorizationId the authorization
   * @param clientPublicKey the client
   * @return how many were forgotten (expired ones included)
   * @throws StoreException if the store fails
   */
  int forget(long authorizationId, PublicKey clientPublicKey);

  /**
   * Deletes the answers that expired at or before {@code now}.
   *
   * @param now the current time
   * @return how many were deleted
   * @throws StoreException if the store fails
   */
  int deleteExpired(Instant now);

  /**
   * A store in this process's memory, bounded to 10,000 answers (expired ones are dropped when it
   * fills; beyond that a new answer is not kept). Never blocks. For bunkers without a database.
   *
   * @return a new empty store
   */
  static RememberedApprovalStore inMemory() {
    return new InMemoryRememberedApprovals();
  }
}
