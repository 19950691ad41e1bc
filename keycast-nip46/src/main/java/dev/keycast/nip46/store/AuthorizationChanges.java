package dev.keycast.nip46.store;

import java.util.List;

/**
 * What changed in authorizations since a given change version, for a daemon refreshing its caches
 * and subscriptions (see {@link AuthorizationStore#changesSince(long)}).
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param version the change version this snapshot is complete up to; pass it to the next {@code
 *     changesSince}
 * @param changed authorizations created or modified (including revoked ones and client
 *     connects/disconnects)
 * @param deletedIds ids of deleted authorizations
 */
public record AuthorizationChanges(
    long version, List<Authorization> changed, List<Long> deletedIds) {

  /** Copies the lists. */
  public AuthorizationChanges {
    changed = List.copyOf(changed);
    deletedIds = List.copyOf(deletedIds);
  }

  /**
   * Whether nothing changed.
   *
   * @return true if both lists are empty
   */
  public boolean isEmpty() {
    return changed.isEmpty() && deletedIds.isEmpty();
  }
}
