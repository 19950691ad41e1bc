package dev.keycast.nip46.store.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keycast.crypto.InsecureSecretKeyAccess;
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
import dev.keycast.nip46.store.StoreException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jspecify.annotations.Nullable;

/** {@link AuthorizationStore} over JDBI. Thread-safe; all methods block on the database. */
public final class JdbiAuthorizationStore implements AuthorizationStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() {};

  private static final String COLUMNS =
      "a.id, a.key_name, k.public_key AS user_public_key, a.bunker_public_key, "
          + "a.relays, a.policy_name, a.max_uses, a.uses, a.expires_at, a.revoked_at, a.label, "
          + "a.created_at, a.updated_at";
  private static final String SELECT =
      "SELECT " + COLUMNS + " FROM authorizations a " + "JOIN user_keys k ON k.name = a.key_name ";
  private static final String SELECT_WITH_STORED_SECRET =
      "SELECT "
          + COLUMNS
          + ", a.secret AS stored_secret FROM authorizations a "
          + "JOIN user_keys k ON k.name = a.key_name ";

  private static final RowMapper<Authorization> MAPPER =
      (rs, c) ->
          new Authorization(
              rs.getLong("id"),
              rs.getString("key_name"),
              Rows.sharedPublicKey(rs, "user_public_key"),
              Rows.publicKey(rs, "bunker_public_key"),
              null, // the plaintext secret is not stored (only its hash)
              relaysFromJson(rs.getString("relays")),
              rs.getString("policy_name"),
              Rows.nullableInt(rs, "max_uses"),
              rs.getInt("uses"),
              Rows.nullableInstant(rs, "expires_at"),
              Rows.nullableInstant(rs, "revoked_at"),
              rs.getString("label"),
              Rows.instant(rs, "created_at"),
              Rows.instant(rs, "updated_at"));

  private static final RowMapper<ConnectedClient> CLIENT_MAPPER =
      (rs, c) ->
          new ConnectedClient(
              rs.getLong("authorization_id"),
              Rows.publicKey(rs, "client_public_key"),
              permsFromString(rs.getString("granted_perms")),
              Rows.instant(rs, "connected_at"),
              // Cleaned again on the way out (the record does it): a row written by an older or
              // foreign writer cannot bring an unsafe value to a page.
              new ClientMetadata(
                  rs.getString("client_name"),
                  rs.getString("client_url"),
                  rs.getString("client_image")));

  private static final String CLIENT_COLUMNS =
      "authorization_id, client_public_key, granted_perms, connected_at, client_name, client_url, "
          + "client_image ";

  private final StoreContext ctx;

  /**
   * Creates the store.
   *
   * @param ctx shared context
   */
  public JdbiAuthorizationStore(StoreContext ctx) {
    this.ctx = ctx;
  }

  static String bunkerAssociatedData(PublicKey bunkerPublicKey) {
    return "bunker-key:" + bunkerPublicKey.toHex();
  }

  @Override
  public Authorization create(NewAuthorization request) {
    SecretKey bunkerKey = SecretKey.generate();
    PublicKey bunkerPublicKey = bunkerKey.publicKey();
    byte[] raw = bunkerKey.toBytes(InsecureSecretKeyAccess.get());
    byte[] encrypted;
    try {
      encrypted = ctx.keyEncryption().encrypt(raw, bunkerAssociatedData(bunkerPublicKey));
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
    String secret = request.secret() != null ? request.secret() : ConnectSecrets.random();
    long now = ctx.nowMillis();
    return StoreErrors.run(
        "create authorization",
        () ->
            ctx.writer()
                .inTransaction(
                    h -> {
                      long seq = ctx.bumpChangeVersion(h);
                      boolean keyExists =
                          h.createQuery("SELECT COUNT(*) FROM user_keys WHERE name = :n")
                                  .bind("n", request.keyName())
                                  .mapTo(Integer.class)
                                  .one()
                              > 0;
                      if (!keyExists) {
                        throw new StoreException("no stored key named '" + request.keyName() + "'");
                      }
                      long id =
                          h.createUpdate(
                                  "INSERT INTO authorizations (key_name, bunker_public_key, bunker_encrypted_secret, "
                                      + "scheme, secret, relays, policy_name, max_uses, uses, expires_at, revoked_at, label, created_at, "
                                      + "updated_at, change_seq) VALUES (:key, :bpk, :enc, :scheme, :secret, :relays, :policy, :max, 0, "
                                      + ":exp, NULL, :label, :now, :now, :seq)")
                              .bind("key", request.keyName())
                              .bind("bpk", bunkerPublicKey.toHex())
                              .bind("enc", encrypted)
                              .bind("scheme", ctx.keyEncryption().schemeId())
                              .bind("secret", ConnectSecrets.hash(secret))
                              .bind("relays", relaysToJson(request.relays()))
                              .bind("policy", request.policyName())
                              .bind("max", request.maxUses())
                              .bind("exp", Rows.millis(request.expiresAt()))
                              .bind("label", request.label())
                              .bind("now", now)
                              .bind("seq", seq)
                              .executeAndReturnGeneratedKeys("id")
                              .mapTo(Long.class)
                              .one();
                      return withSecret(findIn(h, id).orElseThrow(), secret);
                    }));
  }

  /** The authorization as created: the only instance that carries the plaintext secret. */
  private static Authorization withSecret(Authorization a, String secret) {
    return new Authorization(
        a.id(),
        a.keyName(),
        a.userPublicKey(),
        a.bunkerPublicKey(),
        secret,
        a.relays(),
        a.policyName(),
        a.maxUses(),
        a.uses(),
        a.expiresAt(),
        a.revokedAt(),
        a.label(),
        a.createdAt(),
        a.updatedAt());
  }

  @Override
  public Optional<Authorization> renewSecret(long authorizationId) {
    String secret = ConnectSecrets.random();
    return StoreErrors.run(
        "renew secret",
        () ->
            ctx.writer()
                .inTransaction(
                    h -> {
                      long seq = ctx.bumpChangeVersion(h);
                      int n =
                          h.createUpdate(
                                  "UPDATE authorizations SET secret = :secret, updated_at = :now, "
                                      + "change_seq = :seq WHERE id = :id")
                              .bind("secret", ConnectSecrets.hash(secret))
                              .bind("now", ctx.nowMillis())
                              .bind("seq", seq)
                              .bind("id", authorizationId)
                              .execute();
                      if (n == 0) {
                        h.rollback();
                        return Optional.<Authorization>empty();
                      }
                      return findIn(h, authorizationId).map(a -> withSecret(a, secret));
                    }));
  }

  private static Optional<Authorization> findIn(Handle h, long id) {
    return h.createQuery(SELECT + "WHERE a.id = :id").bind("id", id).map(MAPPER).findOne();
  }

  @Override
  public Optional<Authorization> find(long id) {
    return StoreErrors.run("find authorization", () -> ctx.reader().withHandle(h -> findIn(h, id)));
  }

  @Override
  public Optional<Authorization> findByBunkerPublicKey(PublicKey bunkerPublicKey) {
    return StoreErrors.run(
        "find authorization",
        () ->
            ctx.reader()
                .withHandle(
                    h ->
                        h.createQuery(SELECT + "WHERE a.bunker_public_key = :bpk")
                            .bind("bpk", bunkerPublicKey.toHex())
                            .map(MAPPER)
                            .findOne()));
  }

  @Override
  public List<Authorization> list() {
    return StoreErrors.run(
        "list authorizations",
        () ->
            ctx.reader()
                .withHandle(h -> h.createQuery(SELECT + "ORDER BY a.id").map(MAPPER).list()));
  }

  @Override
  public List<Authorization> listForKey(String keyName) {
    return StoreErrors.run(
        "list authorizations",
        () ->
            ctx.reader()
                .withHandle(
                    h ->
                        h.createQuery(SELECT + "WHERE a.key_name = :key ORDER BY a.id")
                            .bind("key", keyName)
                            .map(MAPPER)
                            .list()));
  }

  @Override
  public List<Authorization> listActive(Instant now) {
    return StoreErrors.run(
        "list authorizations",
        () ->
            ctx.reader()
                .withHandle(
                    h ->
                        h.createQuery(
                                SELECT
                                    + "WHERE a.revoked_at IS NULL AND (a.expires_at IS NULL OR a.expires_at > :now) "
                                    + "ORDER BY a.id")
                            .bind("now", now.toEpochMilli())
                            .map(MAPPER)
                            .list()));
  }

  @Override
  public Optional<SecretKey> loadBunkerSecret(long authorizationId) {
    record Row(String bunkerPublicKey, JdbiKeyStore.EncryptedRow encrypted) {}
    Optional<Row> row =
        StoreErrors.run(
            "load bunker key",
            () ->
                ctx.reader()
                    .withHandle(
                        h ->
                            h.createQuery(
                                    "SELECT bunker_public_key, bunker_encrypted_secret, scheme FROM authorizations WHERE id = :id")
                                .bind("id", authorizationId)
                                .map(
                                    (rs, c) ->
                                        new Row(
                                            rs.getString("bunker_public_key"),
                                            new JdbiKeyStore.EncryptedRow(
                                                rs.getBytes("bunker_encrypted_secret"),
                                                rs.getString("scheme"))))
                                .findOne()));
    return row.map(
        r -> {
          SecretKey key =
              JdbiKeyStore.decryptKey(ctx, r.encrypted(), "bunker-key:" + r.bunkerPublicKey());
          if (!key.publicKey().toHex().equals(r.bunkerPublicKey())) {
            throw new StoreException("corrupt row: bunker key does not match its public key");
          }
          return key;
        });
  }

  /** Ids per query when loading many bunker keys (well under every driver's bind limit). */
  private static final int SECRET_BATCH = 1000;

  /**
   * From this many ids on, one pass over the whole table replaces the batches (a daemon's start
   * asks for every key: 100 queries of 1,000 ids cost PostgreSQL more than one sequential read).
   */
  private static final int SECRET_FULL_SCAN = 20 * SECRET_BATCH;

  private record SecretRow(long id, String bunkerPublicKey, JdbiKeyStore.EncryptedRow encrypted) {}

  private static final RowMapper<SecretRow> SECRET_MAPPER =
      (rs, c) ->
          new SecretRow(
              rs.getLong("id"),
              rs.getString("bunker_public_key"),
              new JdbiKeyStore.EncryptedRow(
                  rs.getBytes("bunker_encrypted_secret"), rs.getString("scheme")));

  @Override
  public Map<Long, Supplier<SecretKey>> loadBunkerSecrets(Collection<Long> authorizationIds) {
    if (authorizationIds.size() >= SECRET_FULL_SCAN) {
      Set<Long> wanted = Set.copyOf(authorizationIds);
      Map<Long, Supplier<SecretKey>> keys = new HashMap<>(wanted.size() * 2);
      StoreErrors.run(
          "load bunker keys",
          () ->
              ctx.reader()
                  .withHandle(
                      h -> {
                        try (var rows =
                            h
                                .createQuery(
                                    "SELECT id, bunker_public_key, bunker_encrypted_secret, scheme"
                                        + " FROM authorizations")
                                .setFetchSize(SECRET_BATCH)
                                .map(SECRET_MAPPER)
                                .stream()) {
                          rows.filter(r -> wanted.contains(r.id()))
                              .forEach(r -> keys.put(r.id(), decryptLater(r)));
                        }
                        return null;
                      }));
      return keys;
    }
    List<Long> ids = List.copyOf(authorizationIds);
    Map<Long, Supplier<SecretKey>> keys = new HashMap<>(ids.size() * 2);
    for (int from = 0; from < ids.size(); from += SECRET_BATCH) {
      List<Long> batch = ids.subList(from, Math.min(ids.size(), from + SECRET_BATCH));
      List<SecretRow> rows =
          StoreErrors.run(
              "load bunker keys",
              () ->
                  ctx.reader()
                      .withHandle(
                          h ->
                              h.createQuery(
                                      "SELECT id, bunker_public_key, bunker_encrypted_secret, scheme "
                                          + "FROM authorizations WHERE id IN (<ids>)")
                                  .bindList("ids", batch)
                                  .map(SECRET_MAPPER)
                                  .list()));
      for (SecretRow r : rows) {
        keys.put(r.id(), decryptLater(r));
      }
    }
    return keys;
  }

  /**
   * Decrypted on demand (AES-GCM, microseconds): a daemon holding 100,000 keys starts without
   * decrypting them all. No public-key re-derivation (an EC multiplication per key): the associated
   * data binds each ciphertext to its row's public key.
   */
  private Supplier<SecretKey> decryptLater(SecretRow r) {
    JdbiKeyStore.EncryptedRow encrypted = r.encrypted();
    String associatedData = "bunker-key:" + r.bunkerPublicKey();
    return () -> JdbiKeyStore.decryptKey(ctx, encrypted, associatedData);
  }

  @Override
  public ConnectOutcome connect(
      long authorizationId,
      PublicKey clientPublicKey,
      @Nullable String secret,
      PermissionSet grantedPerms,
      Instant now) {
    return connect(
        authorizationId, clientPublicKey, secret, grantedPerms, ClientMetadata.NONE, now);
  }

  @Override
  public ConnectOutcome connect(
      long authorizationId,
      PublicKey clientPublicKey,
      @Nullable String secret,
      PermissionSet grantedPerms,
      ClientMetadata metadata,
      Instant now) {
    ConnectOutcome outcome =
        admit(authorizationId, clientPublicKey, secret, grantedPerms, metadata, now);
    if (outcome instanceof ConnectOutcome.Connected c
        && !c.newlyConnected()
        && !metadata.isEmpty()
        && !metadata.equals(c.client().metadata())) {
      return new ConnectOutcome.Connected(
          c.authorization(), updateMetadata(c.client(), metadata), false);
    }
    return outcome;
  }

  /**
   * Replaces a connected client's metadata. One statement on its own row, without the change
   * counter: the metadata is a display hint that no daemon caches a decision on.
   */
  private ConnectedClient updateMetadata(ConnectedClient client, ClientMetadata metadata) {
    StoreErrors.run(
        "update client metadata",
        () ->
            ctx.writer()
                .withHandle(
                    h ->
                        h.createUpdate(
                                "UPDATE authorization_clients SET client_name = :name, client_url = :url, "
                                    + "client_image = :image WHERE authorization_id = :id AND client_public_key = :client")
                            .bind("name", metadata.name())
                            .bind("url", metadata.url())
                            .bind("image", metadata.image())
                            .bind("id", client.authorizationId())
                            .bind("client", client.clientPublicKey().toHex())
                            .execute()));
    return new ConnectedClient(
        client.authorizationId(),
        client.clientPublicKey(),
        client.grantedPerms(),
        client.connectedAt(),
        metadata);
  }

  private ConnectOutcome admit(
      long authorizationId,
      PublicKey clientPublicKey,
      @Nullable String secret,
      PermissionSet grantedPerms,
      ClientMetadata metadata,
      Instant now) {
    String perms = grantedPerms.toString();
    long nowMillis = now.toEpochMilli();
    // A read first: refusals (unknown, revoked, expired, wrong secret, used up) and an already
    // connected client change nothing, so they take no write transaction and leave the change
    // counter (and so every daemon's cache) alone. Only a connect that admits a new client writes.
    Optional<ConnectOutcome> decided =
        StoreErrors.run(
            "connect",
            () ->
                ctx.reader()
                    .withHandle(
                        h -> {
                          Optional<StoredAuth> found = findStoredIn(h, authorizationId);
                          if (found.isEmpty()) {
                            return Optional.<ConnectOutcome>of(
                                new ConnectOutcome.Rejected(
                                    ConnectOutcome.Reason.UNKNOWN_AUTHORIZATION));
                          }
                          return readOnlyOutcome(h, found.get(), clientPublicKey, secret, now);
                        }));
    if (decided.isPresent()) {
      return decided.get();
    }
    return StoreErrors.run(
        "connect",
        () ->
            ctx.writer()
                .inTransaction(
                    h -> {
                      // Counter first: the fixed lock order of every write transaction (see
                      // StoreContext).
                      long seq = ctx.bumpChangeVersion(h);
                      // Checked again inside the transaction: the row may have changed since.
                      Optional<StoredAuth> found = findStoredIn(h, authorizationId);
                      if (found.isEmpty()) {
                        h.rollback();
                        return new ConnectOutcome.Rejected(
                            ConnectOutcome.Reason.UNKNOWN_AUTHORIZATION);
                      }
                      Optional<ConnectOutcome> again =
                          readOnlyOutcome(h, found.get(), clientPublicKey, secret, now);
                      if (again.isPresent()) {
                        h.rollback();
                        return again.get();
                      }
                      // The atomic gate: of concurrent connects only those that find uses <
                      // max_uses at UPDATE time win.
                      int updated =
                          h.createUpdate(
                                  "UPDATE authorizations SET uses = uses + 1, updated_at = :now, change_seq = :seq "
                                      + "WHERE id = :id AND secret = :stored AND revoked_at IS NULL "
                                      + "AND (expires_at IS NULL OR expires_at > :now) AND (max_uses IS NULL OR uses < max_uses)")
                              .bind("now", nowMillis)
                              .bind("seq", seq)
                              .bind("id", authorizationId)
                              .bind("stored", found.get().storedSecret())
                              .execute();
                      if (updated == 0) {
                        h.rollback();
                        return new ConnectOutcome.Rejected(ConnectOutcome.Reason.SECRET_USED_UP);
                      }
                      h.createUpdate(
                              "INSERT INTO authorization_clients (authorization_id, client_public_key, granted_perms, "
                                  + "connected_at, client_name, client_url, client_image) "
                                  + "VALUES (:id, :client, :perms, :now, :name, :url, :image)")
                          .bind("id", authorizationId)
                          .bind("client", clientPublicKey.toHex())
                          .bind("perms", perms)
                          .bind("now", nowMillis)
                          .bind("name", metadata.name())
                          .bind("url", metadata.url())
                          .bind("image", metadata.image())
                          .execute();
                      return new ConnectOutcome.Connected(
                          findIn(h, authorizationId).orElseThrow(),
                          findClientIn(h, authorizationId, clientPublicKey).orElseThrow(),
                          true);
                    }));
  }

  /** An authorization row with its stored (hashed) secret, for the connect checks. */
  private record StoredAuth(Authorization auth, String storedSecret) {}

  private static Optional<StoredAuth> findStoredIn(Handle h, long id) {
    return h.createQuery(SELECT_WITH_STORED_SECRET + "WHERE a.id = :id")
        .bind("id", id)
        .map((rs, c) -> new StoredAuth(MAPPER.map(rs, c), rs.getString("stored_secret")))
        .findOne();
  }

  /**
   * The outcome of a connect that needs no write (a refusal, or the client is already connected),
   * or empty if the connect would admit a new client.
   */
  private static Optional<ConnectOutcome> readOnlyOutcome(
      Handle h,
      StoredAuth stored,
      PublicKey clientPublicKey,
      @Nullable String secret,
      Instant now) {
    Authorization auth = stored.auth();
    if (auth.isRevoked()) {
      return Optional.of(new ConnectOutcome.Rejected(ConnectOutcome.Reason.REVOKED));
    }
    if (auth.isExpiredAt(now)) {
      return Optional.of(new ConnectOutcome.Rejected(ConnectOutcome.Reason.EXPIRED));
    }
    Optional<ConnectedClient> existing = findClientIn(h, auth.id(), clientPublicKey);
    if (existing.isPresent()) {
      return Optional.of(new ConnectOutcome.Connected(auth, existing.get(), false));
    }
    if (!ConnectSecrets.matches(secret, stored.storedSecret())) {
      return Optional.of(new ConnectOutcome.Rejected(ConnectOutcome.Reason.WRONG_SECRET));
    }
    if (!auth.hasUsesLeft()) {
      return Optional.of(new ConnectOutcome.Rejected(ConnectOutcome.Reason.SECRET_USED_UP));
    }
    return Optional.empty();
  }

  private static Optional<ConnectedClient> findClientIn(
      Handle h, long authorizationId, PublicKey client) {
    return h.createQuery(
            "SELECT "
                + CLIENT_COLUMNS
                + "FROM authorization_clients WHERE authorization_id = :id AND client_public_key = :client")
        .bind("id", authorizationId)
        .bind("client", client.toHex())
        .map(CLIENT_MAPPER)
        .findOne();
  }

  @Override
  public Optional<ConnectedClient> findClient(long authorizationId, PublicKey clientPublicKey) {
    return StoreErrors.run(
        "find client",
        () -> ctx.reader().withHandle(h -> findClientIn(h, authorizationId, clientPublicKey)));
  }

  @Override
  public List<ConnectedClient> listClients(long authorizationId) {
    return clients(authorizationId);
  }

  @Override
  public List<ConnectedClient> listAllClients() {
    return clients(null);
  }

  /** The connected clients of one authorization, or of all ({@code null}), oldest first. */
  private List<ConnectedClient> clients(@Nullable Long authorizationId) {
    return StoreErrors.run(
        "list clients",
        () ->
            ctx.reader()
                .withHandle(
                    h -> {
                      var q =
                          h.createQuery(
                              "SELECT "
                                  + CLIENT_COLUMNS
                                  + "FROM authorization_clients "
                                  + (authorizationId == null ? "" : "WHERE authorization_id = :id ")
                                  + "ORDER BY authorization_id, connected_at, client_public_key");
                      if (authorizationId != null) {
                        q.bind("id", authorizationId.longValue());
                      }
                      return q.map(CLIENT_MAPPER).list();
                    }));
  }

  @Override
  public boolean disconnect(long authorizationId, PublicKey clientPublicKey) {
    if (findClient(authorizationId, clientPublicKey).isEmpty()) {
      return false; // nothing to delete: no write, no version bump
    }
    return StoreErrors.run(
        "disconnect",
        () ->
            ctx.writer()
                .inTransaction(
                    h -> {
                      long seq = ctx.bumpChangeVersion(h);
                      int n =
                          h.createUpdate(
                                  "DELETE FROM authorization_clients WHERE authorization_id = :id "
                                      + "AND client_public_key = :client")
                              .bind("id", authorizationId)
                              .bind("client", clientPublicKey.toHex())
                              .execute();
                      if (n == 0) {
                        h.rollback(); // lost a race with another disconnect: nothing changed
                        return false;
                      }
                      // A client that connects again starts with no remembered approval answer.
                      JdbiRememberedApprovals.forgetIn(h, authorizationId, clientPublicKey.toHex());
                      touch(h, authorizationId, seq);
                      return true;
                    }));
  }

  private void touch(Handle h, long authorizationId, long seq) {
    h.createUpdate("UPDATE authorizations SET updated_at = :now, change_seq = :seq WHERE id = :id")
        .bind("now", ctx.nowMillis())
        .bind("seq", seq)
        .bind("id", authorizationId)
        .execute();
  }

  @Override
  public boolean revoke(long authorizationId, Instant now) {
    return StoreErrors.run(
        "revoke",
        () ->
            ctx.writer()
                .inTransaction(
                    h -> {
                      long seq = ctx.bumpChangeVersion(h);
                      boolean revoked =
                          h.createUpdate(
                                      "UPDATE authorizations SET revoked_at = :now, updated_at = :now, change_seq = :seq "
                                          + "WHERE id = :id AND revoked_at IS NULL")
                                  .bind("now", now.toEpochMilli())
                                  .bind("seq", seq)
                                  .bind("id", authorizationId)
                                  .execute()
                              > 0;
                      JdbiRememberedApprovals.forgetIn(h, authorizationId, null);
                      return revoked;
                    }));
  }

  @Override
  public boolean setExpiresAt(long authorizationId, @Nullable Instant expiresAt) {
    return StoreErrors.run(
        "set expiry",
        () ->
            ctx.writer()
                .inTransaction(
                    h -> {
                      long seq = ctx.bumpChangeVersion(h);
                      return h.createUpdate(
                                  "UPDATE authorizations SET expires_at = :exp, updated_at = :now, change_seq = :seq "
                                      + "WHERE id = :id")
                              .bind("exp", Rows.millis(expiresAt))
                              .bind("now", ctx.nowMillis())
                              .bind("seq", seq)
                              .bind("id", authorizationId)
                              .execute()
                          > 0;
                    }));
  }

  @Override
  public boolean setPolicyName(long authorizationId, String policyName) {
    if (policyName.isBlank()) {
      throw new IllegalArgumentException("policyName must not be blank");
    }
    return updateColumn("set policy", authorizationId, "policy_name", policyName);
  }

  @Override
  public boolean setRelays(long authorizationId, List<String> relays) {
    return updateColumn(
        "set relays", authorizationId, "relays", relaysToJson(Validation.relays(relays)));
  }

  /** Updates one column (a constant name, never user input) and stamps the change. */
  private boolean updateColumn(
      String operation, long authorizationId, String column, String value) {
    return StoreErrors.run(
        operation,
        () ->
            ctx.writer()
                .inTransaction(
                    h -> {
                      long seq = ctx.bumpChangeVersion(h);
                      return h.createUpdate(
                                  "UPDATE authorizations SET "
                                      + column
                                      + " = :value, updated_at = :now, "
                                      + "change_seq = :seq WHERE id = :id")
                              .bind("value", value)
                              .bind("now", ctx.nowMillis())
                              .bind("seq", seq)
                              .bind("id", authorizationId)
                              .execute()
                          > 0;
                    }));
  }

  @Override
  public boolean delete(long authorizationId) {
    return StoreErrors.run(
        "delete authorization",
        () ->
            ctx.writer()
                .inTransaction(
                    h -> {
                      long seq = ctx.bumpChangeVersion(h);
                      h.createUpdate(
                              "DELETE FROM authorization_clients WHERE authorization_id = :id")
                          .bind("id", authorizationId)
                          .execute();
                      JdbiRememberedApprovals.forgetIn(h, authorizationId, null);
                      int n =
                          h.createUpdate("DELETE FROM authorizations WHERE id = :id")
                              .bind("id", authorizationId)
                              .execute();
                      if (n > 0) {
                        h.createUpdate(
                                "INSERT INTO deleted_authorizations (id, change_seq) VALUES (:id, :seq)")
                            .bind("id", authorizationId)
                            .bind("seq", seq)
                            .execute();
                      }
                      return n > 0;
                    }));
  }

  @Override
  public long changeVersion() {
    return StoreErrors.run(
        "read change version", () -> ctx.reader().withHandle(StoreContext::readChangeVersion));
  }

  @Override
  public AuthorizationChanges changesSince(long version) {
    return StoreErrors.run(
        "read changes",
        () ->
            ctx.reader()
                .inTransaction(
                    h -> {
                      // Read the counter first: every transaction that bumped it to <= current has
                      // committed (it held the counter
                      // row lock until commit), so the queries below see all of them. Rows of later
                      // commits may also show up;
                      // reporting them early is harmless.
                      long current = StoreContext.readChangeVersion(h);
                      List<Authorization> changed =
                          h.createQuery(SELECT + "WHERE a.change_seq > :v ORDER BY a.id")
                              .bind("v", version)
                              .map(MAPPER)
                              .list();
                      List<Long> deleted =
                          h.createQuery(
                                  "SELECT id FROM deleted_authorizations WHERE change_seq > :v ORDER BY id")
                              .bind("v", version)
                              .mapTo(Long.class)
                              .list();
                      return new AuthorizationChanges(current, changed, deleted);
                    }));
  }

  static String relaysToJson(List<String> relays) {
    try {
      return JSON.writeValueAsString(relays);
    } catch (JsonProcessingException e) {
      throw new StoreException("cannot encode relays", e);
    }
  }

  /** Parsed relay lists by their JSON: authorizations mostly share a few lists. */
  private static final SharedValues<List<String>> RELAY_LISTS = new SharedValues<>(4096);

  static List<String> relaysFromJson(String json) {
    return RELAY_LISTS.get(json, JdbiAuthorizationStore::parseRelays);
  }

  private static List<String> parseRelays(String json) {
    try {
      return List.copyOf(JSON.readValue(json, STRING_LIST));
    } catch (JsonProcessingException e) {
      throw new StoreException("corrupt row: relays column is not a JSON string array", e);
    }
  }

  static PermissionSet permsFromString(String s) {
    try {
      return PermissionSet.parse(s);
    } catch (RuntimeException e) {
      throw new StoreException("corrupt row: granted_perms is not a permission list", e);
    }
  }
}
