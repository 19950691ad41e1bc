package dev.keycast.nip46.bunker.internal;

import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.AuthorizationChanges;
import dev.keycast.nip46.store.AuthorizationStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>Keys: the watcher also keeps the cache's {@link SignerDirectory} (every served authorization
 * with its bunker key, decrypted on first use) in step with the served set: loaded in batches at
 * the first poll, then only the keys of new authorizations, and dropped when no longer served.
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

  private static final Logger LOG = LoggerFactory.getLogger(AuthorizationWatcher.class);

  /**
   * How often a poll drops the cache's expired entries at most: the poller runs up to ten times a
   * second (every commit to the database wakes it, the audit log's included), and walking every
   * entry each time cost more than the poll's query.
   */
  private static final Duration EVICT_INTERVAL = Duration.ofSeconds(1);

  private final AuthorizationStore store;
  private final AuthorizationCache cache;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<Long, Authorization> known = new HashMap<>(); // guarded by lock
  private long knownVersion = Long.MIN_VALUE; // guarded by lock
  private Instant lastComputed = Instant.EPOCH; // guarded by lock
  private Instant lastEvicted = Instant.EPOCH; // guarded by lock
  private boolean directoryComplete; // guarded by lock: false until a sync of the keys succeeded
  private boolean clientsLoaded; // guarded by lock: the first poll loads every connected client

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
   * The store's change version that the last {@link #poll} read and applied to the cache (the
   * served set it returned covers it); {@link Long#MIN_VALUE} before the first. Never blocks long.
   */
  public long knownVersion() {
    lock.lock();
    try {
      return knownVersion;
    } finally {
      lock.unlock();
    }
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
      Instant polled = clock.instant();
      if (Duration.between(lastEvicted, polled).compareTo(EVICT_INTERVAL) >= 0) {
        // No decrypted user key outlives its TTL (by more than a second), asked for again or not.
        cache.evictExpired();
        lastEvicted = polled;
      }
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
      if (!changed
          && !force
          && directoryComplete
          && Duration.between(lastComputed, now).compareTo(RECHECK_EXPIRY) < 0) {
        return null;
      }
      lastComputed = now;
      Set<String> keys = new HashSet<>();
      Set<String> relays = new HashSet<>();
      List<Authorization> served = new ArrayList<>();
      for (Authorization a : known.values()) {
        if (a.isActiveAt(now) || recentlyInactive(a, now)) {
          keys.add(a.bunkerPublicKey().toHex());
          relays.addAll(a.relays());
          served.add(a);
        }
      }
      syncDirectory(served); // before the caller subscribes: a request to a new key finds its key
      if (!clientsLoaded) {
        try {
          cache.preloadClients(store.listAllClients());
        } catch (RuntimeException e) { // they load on demand
          LOG.warn("could not preload the connected clients: {}", e.toString());
        }
        clientsLoaded = true;
      }
      return new Served(keys, relays);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Brings the directory of bunker keys in line with the served authorizations: newer records
   * replace older ones (keeping the key), keys not held yet are loaded in one batch, and keys no
   * longer served are dropped. A store failure leaves the directory incomplete and the next poll
   * retries. Keys are decrypted on first use, not here: a key that does not decrypt fails only the
   * requests addressed to it.
   */
  private void syncDirectory(List<Authorization> served) {
    directoryComplete = false;
    SignerDirectory directory = cache.directory();
    Set<PublicKey> servedKeys = new HashSet<>();
    Map<Long, Authorization> missing = new HashMap<>();
    for (Authorization a : served) {
      servedKeys.add(a.bunkerPublicKey());
      AuthorizedSigner held = directory.get(a.bunkerPublicKey());
      if (held == null || held.authorization().id() != a.id()) {
        missing.put(a.id(), a);
      } else if (!held.authorization().equals(a)) {
        directory.put(held.withAuthorization(a));
      }
    }
    for (PublicKey dropped : directory.retain(servedKeys)) {
      cache.signerDropped(dropped);
    }
    if (!missing.isEmpty()) {
      Map<Long, Supplier<SecretKey>> loaded = store.loadBunkerSecrets(missing.keySet());
      directory.recordLoads(loaded.size());
      for (Authorization a : missing.values()) {
        Supplier<SecretKey> key = loaded.get(a.id());
        if (key != null) { // else deleted meanwhile: the next change removes it from the list
          directory.put(new AuthorizedSigner(a, key));
        }
      }
    }
    directoryComplete = true;
  }

  private static boolean recentlyInactive(Authorization a, Instant now) {
    Instant since = a.revokedAt() != null ? a.revokedAt() : a.expiresAt();
    return since != null && since.isAfter(now.minus(RECENTLY_INACTIVE));
  }
}
