package dev.keycast.nip46.store;

import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.ClientMetadata;
import dev.keycast.nip46.PermissionSet;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Authorizations: each grants NIP-46 clients use of one stored user key through its own bunker key
 * (generated per authorization, encrypted at rest), with a connect secret, relays, a policy, use
 * limit, expiry and revocation, and the clients that connected with their granted perms. Obtain the
 * default from {@link KeycastDatabase#authorizations()}.
 *
 * <p>Implementations are thread-safe. Every method may do I/O and blocks until done; failures are
 * {@link StoreException}s ({@link DatabaseUnavailableException} when the database cannot be
 * reached).
 *
 * <h2>Change detection</h2>
 *
 * Every write bumps a database-wide change version in the same transaction. A daemon polls the
 * cheap {@link #changeVersion()} (about once a second) and, when it moved, calls {@link
 * #changesSince(long)} to refresh its cache and subscriptions; changes made by other processes (the
 * CLI, another daemon) are seen the same way.
 */
public interface AuthorizationStore {

  /**
   * Creates an authorization with a fresh bunker key (and a random secret unless one is given).
   *
   * @param request what to create
   * @return the created authorization: its {@code secret} is what goes into the bunker URI, and
   *     this is the only time it is known (the store keeps a SHA-256 hash of it)
   * @throws StoreException if the key name does not exist, or on database failure
   */
  Authorization create(NewAuthorization request);

  /**
   * Replaces an authorization's connect secret with a fresh random one (128 bits). Clients already
   * connected stay connected; new clients need the new secret. {@code uses} is unchanged.
   *
   * @param authorizationId the authorization
   * @return the authorization with the new plaintext {@code secret} (shown once, like {@link
   *     #create}), or empty if there is no such authorization
   * @throws StoreException on database failure
   */
  Optional<Authorization> renewSecret(long authorizationId);

  /**
   * Finds an authorization by id.
   *
   * @param id the id
   * @return the authorization, or empty
   */
  Optional<Authorization> find(long id);

  /**
   * Finds an authorization by its bunker public key (the {@code p} tag of incoming requests). One
   * indexed query.
   *
   * @param bunkerPublicKey the bunker key
   * @return the authorization (possibly revoked or expired), or empty
   */
  Optional<Authorization> findByBunkerPublicKey(PublicKey bunkerPublicKey);

  /**
   * Lists all authorizations, ordered by id.
   *
   * @return all authorizations, including revoked and expired ones
   */
  List<Authorization> list();

  /**
   * Lists the authorizations of one user key, ordered by id.
   *
   * @param keyName the key name
   * @return its authorizations
   */
  List<Authorization> listForKey(String keyName);

  /**
   * Lists authorizations that are neither revoked nor expired at {@code now} (the bunker keys a
   * daemon subscribes to).
   *
   * @param now the current time
   * @return the active authorizations, ordered by id
   */
  List<Authorization> listActive(Instant now);

  /**
   * Loads and decrypts an authorization's bunker secret key (to decrypt requests and sign replies).
   *
   * @param authorizationId the id
   * @return the bunker key, or empty if there is no such authorization
   * @throws KeyEncryptionException if it does not decrypt
   */
  Optional<SecretKey> loadBunkerSecret(long authorizationId);

  /**
   * Loads the bunker secret keys of several authorizations at once, for a daemon that holds every
   * key it serves in memory: per id, a supplier that returns the key, decrypting it when first
   * called, without I/O (so a daemon starts without decrypting 100,000 keys, and only keys that are
   * used are ever decrypted). Ids with no authorization are left out. The default loads and
   * decrypts them one by one with {@link #loadBunkerSecret}; the database's store reads the
   * ciphertexts in batches and decrypts on demand, without re-deriving each public key (the
   * encryption's associated data binds each secret to its public key; the bunker compares them when
   * it first signs).
   *
   * <p>The suppliers are thread-safe and may be called any number of times (each call decrypts
   * anew: memoize the result); they throw {@link KeyEncryptionException} if the key does not
   * decrypt.
   *
   * @param authorizationIds the ids
   * @return the key suppliers by authorization id (a new mutable map the caller owns)
   * @throws StoreException if the store fails
   */
  default Map<Long, Supplier<SecretKey>> loadBunkerSecrets(Collection<Long> authorizationIds) {
    Map<Long, Supplier<SecretKey>> keys = new HashMap<>();
    for (long id : authorizationIds) {
      loadBunkerSecret(id).ifPresent(k -> keys.put(id, () -> k));
    }
    return keys;
  }

  /**
   * Handles a NIP-46 {@code connect}. A client already connected to the authorization stays
   * connected (its perms are kept, the secret is not consumed again). Otherwise the secret must
   * match and have uses left, and the authorization must be neither revoked nor expired; the use is
   * consumed atomically (one conditional {@code UPDATE ... WHERE uses < max_uses}), so of
   * concurrent connects with one single-use secret exactly one wins.
   *
   * @param authorizationId the authorization
   * @param clientPublicKey the connecting client
   * @param secret the secret the client sent, or null if none
   * @param grantedPerms the perms to grant (normally the perms the client asked for); empty for
   *     "policy only"
   * @param now the current time (for expiry)
   * @return the outcome
   */
  ConnectOutcome connect(
      long authorizationId,
      PublicKey clientPublicKey,
      @Nullable String secret,
      PermissionSet grantedPerms,
      Instant now);

  /**
   * Handles a NIP-46 {@code connect} as {@link #connect(long, PublicKey, String, PermissionSet,
   * Instant)} does, and keeps what the client said about itself with the connected client: stored
   * when it is admitted, and replaced when an already connected client sends other, non-empty
   * metadata (without consuming the secret). The metadata plays no part in the decision. The
   * default ignores the metadata (for stores that do not keep it).
   *
   * @param authorizationId the authorization
   * @param clientPublicKey the connecting client
   * @param secret the secret the client sent, or null if none
   * @param grantedPerms the perms to grant (normally the perms the client asked for); empty for
   *     "policy only"
   * @param metadata the client's metadata ({@link ClientMetadata#NONE} if it sent none)
   * @param now the current time (for expiry)
   * @return the outcome; a connected client carries the metadata now stored
   */
  default ConnectOutcome connect(
      long authorizationId,
      PublicKey clientPublicKey,
      @Nullable String secret,
      PermissionSet grantedPerms,
      ClientMetadata metadata,
      Instant now) {
    return connect(authorizationId, clientPublicKey, secret, grantedPerms, now);
  }

  /**
   * Finds a connected client.
   *
   * @param authorizationId the authorization
   * @param clientPublicKey the client
   * @return the client, or empty if not connected
   */
  Optional<ConnectedClient> findClient(long authorizationId, PublicKey clientPublicKey);

  /**
   * Lists an authorization's connected clients, oldest first.
   *
   * @param authorizationId the authorization
   * @return its clients
   */
  List<ConnectedClient> listClients(long authorizationId);

  /**
   * Lists the connected clients of every authorization in one query (a daemon loads them all at
   * start, so that a first request finds its client in memory). Blocks on store I/O; the list may
   * be large (one entry per connected client).
   *
   * @return every connected client, by authorization, oldest first
   */
  List<ConnectedClient> listAllClients();

  /**
   * Disconnects a client (NIP-46 {@code logout}); it must connect again with a secret that has uses
   * left.
   *
   * @param authorizationId the authorization
   * @param clientPublicKey the client
   * @return true if it was connected
   */
  boolean disconnect(long authorizationId, PublicKey clientPublicKey);

  /**
   * Revokes an authorization: every request through it is refused from now on. Idempotent (keeps
   * the first revocation time).
   *
   * @param authorizationId the id
   * @param now the revocation time
   * @return true if it existed and was not yet revoked
   */
  boolean revoke(long authorizationId, Instant now);

  /**
   * Sets or clears the expiry.
   *
   * @param authorizationId the id
   * @param expiresAt the new expiry, or null for none
   * @return true if it existed
   */
  boolean setExpiresAt(long authorizationId, @Nullable Instant expiresAt);

  /**
   * Changes the policy name (takes effect on the next request a daemon evaluates after seeing the
   * change).
   *
   * @param authorizationId the id
   * @param policyName the new policy name (not validated against existing policies)
   * @return true if it existed
   * @throws IllegalArgumentException if the name is blank
   */
  boolean setPolicyName(long authorizationId, String policyName);

  /**
   * Replaces the relays.
   *
   * @param authorizationId the id
   * @param relays relay URLs ({@code ws://} or {@code wss://}), at least one
   * @return true if it existed
   * @throws IllegalArgumentException if the list is empty or holds a non-WebSocket URL
   */
  boolean setRelays(long authorizationId, List<String> relays);

  /**
   * Deletes an authorization and its clients (reported by {@link #changesSince(long)} as deleted).
   *
   * @param authorizationId the id
   * @return true if it existed
   */
  boolean delete(long authorizationId);

  /**
   * The current change version: increases with every committed write to keys or authorizations,
   * from any process. Cheap (one primary-key read).
   *
   * @return the version
   */
  long changeVersion();

  /**
   * Everything that changed after {@code version}.
   *
   * @param version a version from {@link #changeVersion()} or a previous {@link
   *     AuthorizationChanges#version()}; 0 for everything
   * @return the changes and the version they are complete up to
   */
  AuthorizationChanges changesSince(long version);
}
