package dev.keycast.nip46.bunker.internal;

import dev.keycast.crypto.PublicKey;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Every bunker key the daemon serves, decrypted, with its authorization record: loaded in bulk at
 * start and kept current by the {@link AuthorizationWatcher} from the change feed, so that finding
 * the key a request is addressed to never waits on the database (a cold key costs what a warm one
 * does, and a reply can be sealed while the database is away). Entries of authorizations no longer
 * served (deleted, or revoked or expired more than a day ago) are dropped, keeping no reference to
 * their keys.
 *
 * <p>Thread-safe: written by the watcher (under its lock), read by workers; {@link #get} never
 * blocks.
 */
final class SignerDirectory {
  private final ConcurrentHashMap<PublicKey, AuthorizedSigner> byKey = new ConcurrentHashMap<>();
  private final AtomicLong loads = new AtomicLong();

  /** Returns the entry for a bunker key, or null. Never blocks. */
  @Nullable AuthorizedSigner get(PublicKey bunkerPublicKey) {
    return byKey.get(bunkerPublicKey);
  }

  void put(AuthorizedSigner signer) {
    byKey.put(signer.authorization().bunkerPublicKey(), signer);
  }

  /**
   * Drops every entry whose key is not in {@code served}.
   *
   * @return the keys dropped
   */
  Set<PublicKey> retain(Set<PublicKey> served) {
    Set<PublicKey> dropped = new HashSet<>();
    for (PublicKey k : byKey.keySet()) {
      if (!served.contains(k) && byKey.remove(k) != null) {
        dropped.add(k);
      }
    }
    return dropped;
  }

  /**
   * Decrypts every key not used yet and derives its signer, so that a first request to any key
   * costs what a later one does. CPU-bound (about 10 µs a key): run it on a platform thread of its
   * own, never on a carrier or relay thread. A key that does not decrypt is skipped (its requests
   * get the error they would get anyway).
   *
   * @param stop checked between keys: true ends the walk early
   * @return how many keys were warmed
   */
  int warm(BooleanSupplier stop) {
    int n = 0;
    for (AuthorizedSigner s : byKey.values()) {
      if (stop.getAsBoolean()) {
        break;
      }
      try {
        s.signer();
        n++;
      } catch (RuntimeException e) { // a key that does not decrypt: its requests report it
      }
      if (n % 1_000 == 0) {
        // leave the cores to requests now and then (~10 ms of work between pauses)
        LockSupport.parkNanos(1_000_000);
      }
    }
    return n;
  }

  /** Returns the entries by authorization id (a snapshot). Never blocks. */
  Map<Long, AuthorizedSigner> byAuthorization() {
    Map<Long, AuthorizedSigner> out = new HashMap<>();
    for (AuthorizedSigner s : byKey.values()) {
      out.put(s.authorization().id(), s);
    }
    return out;
  }

  /** Counts keys loaded from the store (for the load metric). */
  void recordLoads(int keys) {
    loads.addAndGet(keys);
  }

  long loadCount() {
    return loads.get();
  }

  int size() {
    return byKey.size();
  }
}
