package dev.keycast.nip46.bunker.internal;

import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.AuthorizationChanges;
import dev.keycast.nip46.store.AuthorizationStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Watches the authorizations: reads the store's changes <b>once</b> per {@link #poll} (the full
 * list the first time, then only what changed: a daemon may hold 100,000 authorizations) and feeds
 * both consumers from that one read: the {@link AuthorizationCache} drops the entries the changes
 * touched, and the caller gets the signer keys and relays to serve, for the relay subscription.
 *
 * <p>Served: every active authorization, and those revoked or expired within the last day, so that
 * their clients get {@code unauthorized} instead of silence. Expiry is a time, not a write: {@link
 * #poll} recomputes the served set at least every minute even without changes.
 *
 * <p>Thread-safe: the poller and the {@code nostrconnect} flow may poll concurrently; a lock
 * serializes them (it guards the in-memory list, and is held across the store reads so the list and
 * its version move together). Blocks for one store query, two when something changed.
 */
public final class AuthorizationWatcher {
  /**
   * Revoked or expired authorizations stay served this long, so their clients get "unauthorized".
   */
  private static final Duration RECENTLY_INACTIVE = Duration.ofDays(1);

  private static final Duration RECHECK_EXPIRY = Duration.ofSeconds(60);

  /**
   * What to serve.
   *
   * @param signerKeys the bunker keys (lowercase hex) to subscribe to
   * @param relays the relays the authorizations' clients talk on
   */
  public record Served(Set<String> signerKeys, Set<String> relays) {
    /** Copies the sets. */
    public Served {
      signerKeys = Set.copyOf(signerKeys);
      relays = Set.copyOf(relays);
    }
  }

  private final AuthorizationStore store;
  private final AuthorizationCache cache;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<Long, Authorization> known = new HashMap<>(); // guarded by lock
  private long knownVersion = Long.MIN_VALUE; // guarded by lock
  private Instant lastComputed = Instant.EPOCH; // guarded by lock

  /**
   * @param store the authorization store
   * @param cache the cache to keep fresh (built {@link AuthorizationCache.Builder#watched()
   *     watched})
   * @param clock the wall clock
   */
  public AuthorizationWatcher(AuthorizationStore store, AuthorizationCache cache, Clock clock) {
    this.store = store;
    this.cache = cache;
    this.clock = clock;
  }

  /**
   * Reads what changed and updates the cache.
   *
   * @param force recompute the served set even if nothing changed
   * @return the served set when something changed, a minute passed or {@code force}; otherwise null
   * @throws dev.keycast.nip46.store.StoreException if the store fails
   */
  public @Nullable Served poll(boolean force) {
    lock.lock();
    try {
      long v = store.changeVersion();
      boolean changed = false;
      if (knownVersion == Long.MIN_VALUE) {
        known.clear();
        for (Authorization a : store.list()) {
          known.put(a.id(), a);
        }
        knownVersion =
            v; // the first read only sets the baseline: entries cached so far are as fresh as it
        changed = true;
      } else if (v != knownVersion) {
        AuthorizationChanges changes = store.changesSince(knownVersion);
        for (Authorization a : changes.changed()) {
          known.put(a.id(), a);
        }
        changes.deletedIds().forEach(known::remove);
        knownVersion = Math.max(v, changes.version());
        cache.changed(changes);
        changed = true;
      }
      Instant now = clock.instant();
      if (!changed && !force && Duration.between(lastComputed, now).compareTo(RECHECK_EXPIRY) < 0) {
        return null;
      }
      lastComputed = now;
      Set<String> keys = new HashSet<>();
      Set<String> relays = new HashSet<>();
      for (Authorization a : known.values()) {
        if (a.isActiveAt(now) || recentlyInactive(a, now)) {
          keys.add(a.bunkerPublicKey().toHex());
          relays.addAll(a.relays());
        }
      }
      return new Served(keys, relays);
    } finally {
      lock.unlock();
    }
  }

  private static boolean recentlyInactive(Authorization a, Instant now) {
    Instant since = a.revokedAt() != null ? a.revokedAt() : a.expiresAt();
    return since != null && since.isAfter(now.minus(RECENTLY_INACTIVE));
  }
}
