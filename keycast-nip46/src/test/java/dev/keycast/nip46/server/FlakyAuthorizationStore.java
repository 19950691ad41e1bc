package dev.keycast.nip46.server;

import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.AuthorizationChanges;
import dev.keycast.nip46.store.AuthorizationStore;
import dev.keycast.nip46.store.ConnectOutcome;
import dev.keycast.nip46.store.ConnectedClient;
import dev.keycast.nip46.store.DatabaseUnavailableException;
import dev.keycast.nip46.store.NewAuthorization;
import java.sql.SQLTransientConnectionException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The real JDBI store behind a switch: while {@link #down} is set, every call throws what the store throws when its
 * pool cannot reach the database. Also counts bunker-key lookups (for the single-flight tests).
 */
final class FlakyAuthorizationStore implements AuthorizationStore {
  private final AuthorizationStore real;
  volatile boolean down;
  final AtomicInteger findByBunkerKeyCalls = new AtomicInteger();

  FlakyAuthorizationStore(AuthorizationStore real) {
    this.real = real;
  }

  private void check() {
    if (down) {
      throw new DatabaseUnavailableException("simulated outage",
          new SQLTransientConnectionException("connection is not available"));
    }
  }

  @Override public Authorization create(NewAuthorization request) { check(); return real.create(request); }
  @Override public Optional<Authorization> find(long id) { check(); return real.find(id); }
  @Override public Optional<Authorization> findByBunkerPublicKey(PublicKey k) {
    check();
    findByBunkerKeyCalls.incrementAndGet();
    return real.findByBunkerPublicKey(k);
  }
  @Override public List<Authorization> list() { check(); return real.list(); }
  @Override public List<Authorization> listForKey(String keyName) { check(); return real.listForKey(keyName); }
  @Override public List<Authorization> listActive(Instant now) { check(); return real.listActive(now); }
  @Override public Optional<SecretKey> loadBunkerSecret(long id) { check(); return real.loadBunkerSecret(id); }
  @Override public ConnectOutcome connect(long id, PublicKey client, @Nullable String secret, PermissionSet perms,
      Instant now) { check(); return real.connect(id, client, secret, perms, now); }
  @Override public Optional<ConnectedClient> findClient(long id, PublicKey client) {
    check();
    return real.findClient(id, client);
  }
  @Override public List<ConnectedClient> listClients(long id) { check(); return real.listClients(id); }
  @Override public boolean disconnect(long id, PublicKey client) { check(); return real.disconnect(id, client); }
  @Override public boolean revoke(long id, Instant now) { check(); return real.revoke(id, now); }
  @Override public boolean setExpiresAt(long id, @Nullable Instant at) { check(); return real.setExpiresAt(id, at); }
  @Override public boolean delete(long id) { check(); return real.delete(id); }
  @Override public long changeVersion() { check(); return real.changeVersion(); }
  @Override public AuthorizationChanges changesSince(long version) { check(); return real.changesSince(version); }
}
