package dev.keycast.cli;

import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.ClientMetadata;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.AuthorizationChanges;
import dev.keycast.nip46.store.AuthorizationStore;
import dev.keycast.nip46.store.ConnectOutcome;
import dev.keycast.nip46.store.ConnectedClient;
import dev.keycast.nip46.store.NewAuthorization;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An {@link AuthorizationStore} view that hides the authorizations existing when it was made, so
 * the short-lived bunker of {@code keycast connect} subscribes to and answers only for the
 * authorization it creates, never for the ones the running daemon serves. Everything else is
 * delegated. Thread-safe as the delegate is.
 */
final class NewAuthorizationsOnly implements AuthorizationStore {
  private final AuthorizationStore delegate;
  private final long baselineId;

  NewAuthorizationsOnly(AuthorizationStore delegate) {
    this.delegate = delegate;
    this.baselineId = delegate.list().stream().mapToLong(Authorization::id).max().orElse(0);
  }

  private boolean visible(Authorization a) {
    return a.id() > baselineId;
  }

  @Override
  public Authorization create(NewAuthorization request) {
    return delegate.create(request);
  }

  @Override
  public Optional<Authorization> find(long id) {
    return delegate.find(id).filter(this::visible);
  }

  @Override
  public Optional<Authorization> findByBunkerPublicKey(PublicKey bunkerPublicKey) {
    return delegate.findByBunkerPublicKey(bunkerPublicKey).filter(this::visible);
  }

  @Override
  public List<Authorization> list() {
    return delegate.list().stream().filter(this::visible).toList();
  }

  @Override
  public List<Authorization> listForKey(String keyName) {
    return delegate.listForKey(keyName).stream().filter(this::visible).toList();
  }

  @Override
  public List<Authorization> listActive(Instant now) {
    return delegate.listActive(now).stream().filter(this::visible).toList();
  }

  @Override
  public Optional<Authorization> renewSecret(long authorizationId) {
    return authorizationId > baselineId ? delegate.renewSecret(authorizationId) : Optional.empty();
  }

  @Override
  public Optional<SecretKey> loadBunkerSecret(long authorizationId) {
    return authorizationId > baselineId
        ? delegate.loadBunkerSecret(authorizationId)
        : Optional.empty();
  }

  @Override
  public ConnectOutcome connect(
      long authorizationId,
      PublicKey clientPublicKey,
      @Nullable String secret,
      PermissionSet grantedPerms,
      Instant now) {
    return delegate.connect(authorizationId, clientPublicKey, secret, grantedPerms, now);
  }

  @Override
  public ConnectOutcome connect(
      long authorizationId,
      PublicKey clientPublicKey,
      @Nullable String secret,
      PermissionSet grantedPerms,
      ClientMetadata metadata,
      Instant now) {
    return delegate.connect(authorizationId, clientPublicKey, secret, grantedPerms, metadata, now);
  }

  @Override
  public Optional<ConnectedClient> findClient(long authorizationId, PublicKey clientPublicKey) {
    return delegate.findClient(authorizationId, clientPublicKey);
  }

  @Override
  public List<ConnectedClient> listClients(long authorizationId) {
    return delegate.listClients(authorizationId);
  }

  @Override
  public List<ConnectedClient> listAllClients() {
    return delegate.listAllClients();
  }

  @Override
  public boolean disconnect(long authorizationId, PublicKey clientPublicKey) {
    return delegate.disconnect(authorizationId, clientPublicKey);
  }

  @Override
  public boolean revoke(long authorizationId, Instant now) {
    return delegate.revoke(authorizationId, now);
  }

  @Override
  public boolean setExpiresAt(long authorizationId, @Nullable Instant expiresAt) {
    return delegate.setExpiresAt(authorizationId, expiresAt);
  }

  @Override
  public boolean setPolicyName(long authorizationId, String policyName) {
    return delegate.setPolicyName(authorizationId, policyName);
  }

  @Override
  public boolean setRelays(long authorizationId, List<String> relays) {
    return delegate.setRelays(authorizationId, relays);
  }

  @Override
  public boolean delete(long authorizationId) {
    return delegate.delete(authorizationId);
  }

  @Override
  public long changeVersion() {
    return delegate.changeVersion();
  }

  @Override
  public AuthorizationChanges changesSince(long version) {
    AuthorizationChanges c = delegate.changesSince(version);
    return new AuthorizationChanges(
        c.version(), c.changed().stream().filter(this::visible).toList(), c.deletedIds());
  }
}
