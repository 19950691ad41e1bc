package dev.keycast.nip46.store.internal;

import dev.keycast.crypto.InsecureSecretKeyAccess;
import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.store.DuplicateEntryException;
import dev.keycast.nip46.store.KeyEncryptionException;
import dev.keycast.nip46.store.KeyStore;
import dev.keycast.nip46.store.StoreException;
import dev.keycast.nip46.store.StoredKey;
import java.security.InvalidKeyException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jdbi.v3.core.mapper.RowMapper;

/** {@link KeyStore} over JDBI. Thread-safe; all methods block on the database. */
public final class JdbiKeyStore implements KeyStore {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final RowMapper<StoredKey> MAPPER =
      (rs, ctx) ->
          new StoredKey(
              rs.getString("name"),
              Rows.publicKey(rs, "public_key"),
              Rows.instant(rs, "created_at"));

  private final StoreContext ctx;

  /**
   * Creates the store.
   *
   * @param ctx shared context
   */
  public JdbiKeyStore(StoreContext ctx) {
    this.ctx = ctx;
  }

  /**
   * Associated data binding a user key's ciphertext to its row: its name and its public key (format
   * 2). A ciphertext moved to another row, or a row whose {@code public_key} was changed, does not
   * decrypt.
   *
   * @param name the key name
   * @param publicKey the row's public key
   * @return the associated data
   */
  static String associatedData(String name, PublicKey publicKey) {
    return "user-key-v2:" + name + ":" + publicKey.toHex();
  }

  /**
   * Associated data of format 1 (written before the public key was bound): the name only. Rows of
   * this format still load (and are checked against {@code public_key}); loading one rewrites it in
   * format 2.
   */
  static String legacyAssociatedData(String name) {
    return "user-key:" + name;
  }

  static void checkName(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("key name must be 1 to 64 characters of [A-Za-z0-9._-]");
    }
  }

  @Override
  public StoredKey generate(String name) {
    checkName(name);
    return importKey(name, SecretKey.generate());
  }

  @Override
  public StoredKey importKey(String name, SecretKey secretKey) {
    checkName(name);
    PublicKey publicKey = secretKey.publicKey();
    byte[] secret = secretKey.toBytes(InsecureSecretKeyAccess.get());
    byte[] encrypted;
    try {
      encrypted = ctx.keyEncryption().encrypt(secret, associatedData(name, publicKey));
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
    long now = ctx.nowMillis();
    try {
      return StoreErrors.run(
          "store key",
          () ->
              ctx.writer()
                  .inTransaction(
                      h -> {
                        ctx.bumpChangeVersion(h);
                        h.createUpdate(
                                "INSERT INTO user_keys (name, public_key, encrypted_secret, scheme, created_at) "
                                    + "VALUES (:name, :pk, :enc, :scheme, :at)")
                            .bind("name", name)
                            .bind("pk", publicKey.toHex())
                            .bind("enc", encrypted)
                            .bind("scheme", ctx.keyEncryption().schemeId())
                            .bind("at", now)
                            .execute();
                        return new StoredKey(name, publicKey, Instant.ofEpochMilli(now));
                      }));
    } catch (DuplicateEntryException e) {
      throw new DuplicateEntryException(
          "a key named '" + name + "' or with the same public key is already stored", e);
    }
  }

  @Override
  public List<StoredKey> list() {
    return StoreErrors.run(
        "list keys",
        () ->
            ctx.reader()
                .withHandle(
                    h ->
                        h.createQuery(
                                "SELECT name, public_key, created_at FROM user_keys ORDER BY name")
                            .map(MAPPER)
                            .list()));
  }

  @Override
  public Optional<StoredKey> find(String name) {
    return StoreErrors.run(
        "find key",
        () ->
            ctx.reader()
                .withHandle(
                    h ->
                        h.createQuery(
                                "SELECT name, public_key, created_at FROM user_keys WHERE name = :name")
                            .bind("name", name)
                            .map(MAPPER)
                            .findOne()));
  }

  @Override
  public Optional<StoredKey> findByPublicKey(PublicKey publicKey) {
    return StoreErrors.run(
        "find key",
        () ->
            ctx.reader()
                .withHandle(
                    h ->
                        h.createQuery(
                                "SELECT name, public_key, created_at FROM user_keys WHERE public_key = :pk")
                            .bind("pk", publicKey.toHex())
                            .map(MAPPER)
                            .findOne()));
  }

  @Override
  public Optional<SecretKey> loadSecret(String name) {
    record Row(PublicKey publicKey, EncryptedRow encrypted) {}
    Optional<Row> row =
        StoreErrors.run(
            "load key",
            () ->
                ctx.reader()
                    .withHandle(
                        h ->
                            h.createQuery(
                                    "SELECT public_key, encrypted_secret, scheme FROM user_keys WHERE name = :name")
                                .bind("name", name)
                                .map(
                                    (rs, c) ->
                                        new Row(
                                            Rows.publicKey(rs, "public_key"),
                                            new EncryptedRow(
                                                rs.getBytes("encrypted_secret"),
                                                rs.getString("scheme"))))
                                .findOne()));
    if (row.isEmpty()) {
      return Optional.empty();
    }
    PublicKey publicKey = row.get().publicKey();
    EncryptedRow encrypted = row.get().encrypted();
    Decrypted d = decryptUserKeyRow(ctx, name, publicKey, encrypted);
    if (d.legacy()) {
      upgrade(name, publicKey, d.key(), encrypted.ciphertext());
    }
    return Optional.of(d.key());
  }

  /** A decrypted user key and whether its row is of format 1. */
  private record Decrypted(SecretKey key, boolean legacy) {}

  /**
   * Decrypts a user key row of either format and checks it against the row's public key.
   *
   * @throws KeyEncryptionException if it decrypts under neither format
   * @throws StoreException if the key does not match {@code publicKey}
   */
  static SecretKey decryptUserKey(
      StoreContext ctx, String name, PublicKey publicKey, EncryptedRow encrypted) {
    return decryptUserKeyRow(ctx, name, publicKey, encrypted).key();
  }

  private static Decrypted decryptUserKeyRow(
      StoreContext ctx, String name, PublicKey publicKey, EncryptedRow encrypted) {
    SecretKey key;
    boolean legacy = false;
    try {
      key = decryptKey(ctx, encrypted, associatedData(name, publicKey));
    } catch (KeyEncryptionException e) {
      if (!encrypted.scheme().equals(ctx.keyEncryption().schemeId())) {
        throw e;
      }
      try {
        key = decryptKey(ctx, encrypted, legacyAssociatedData(name));
      } catch (KeyEncryptionException legacyFailure) {
        throw e;
      }
      legacy = true;
    }
    if (!key.publicKey().equals(publicKey)) {
      throw new StoreException(
          "corrupt row: stored key '" + name + "' does not match its public key");
    }
    return new Decrypted(key, legacy);
  }

  /**
   * Rewrites a format-1 row in format 2 (public key bound). Changes no value a reader sees, so it
   * does not bump the change counter; a concurrent rewrite of the row wins (the update matches the
   * old ciphertext only).
   */
  private void upgrade(String name, PublicKey publicKey, SecretKey key, byte[] oldCiphertext) {
    byte[] raw = key.toBytes(InsecureSecretKeyAccess.get());
    byte[] encrypted;
    try {
      encrypted = ctx.keyEncryption().encrypt(raw, associatedData(name, publicKey));
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
    StoreErrors.run(
        "upgrade key row",
        () ->
            ctx.writer()
                .withHandle(
                    h ->
                        h.createUpdate(
                                "UPDATE user_keys SET encrypted_secret = :enc "
                                    + "WHERE name = :name AND encrypted_secret = :old")
                            .bind("enc", encrypted)
                            .bind("name", name)
                            .bind("old", oldCiphertext)
                            .execute()));
  }

  @Override
  public boolean delete(String name) {
    return StoreErrors.run(
        "delete key",
        () ->
            ctx.writer()
                .inTransaction(
                    h -> {
                      long seq = ctx.bumpChangeVersion(h);
                      h.createUpdate(
                              "INSERT INTO deleted_authorizations (id, change_seq) "
                                  + "SELECT id, :seq FROM authorizations WHERE key_name = :name")
                          .bind("seq", seq)
                          .bind("name", name)
                          .execute();
                      h.createUpdate(
                              "DELETE FROM authorization_clients WHERE authorization_id IN "
                                  + "(SELECT id FROM authorizations WHERE key_name = :name)")
                          .bind("name", name)
                          .execute();
                      h.createUpdate("DELETE FROM authorizations WHERE key_name = :name")
                          .bind("name", name)
                          .execute();
                      return h.createUpdate("DELETE FROM user_keys WHERE name = :name")
                              .bind("name", name)
                              .execute()
                          > 0;
                    }));
  }

  /** An encrypted secret and the scheme that wrote it. */
  @SuppressWarnings(
      "ArrayRecordComponent") // a row holder, read once; never compared, hashed or printed
  record EncryptedRow(byte[] ciphertext, String scheme) {}

  /** Decrypts a stored secp256k1 secret key, zeroing the intermediate bytes. */
  static SecretKey decryptKey(StoreContext ctx, EncryptedRow row, String associatedData) {
    if (!row.scheme().equals(ctx.keyEncryption().schemeId())) {
      throw new KeyEncryptionException(
          "stored key was encrypted with scheme '"
              + row.scheme()
              + "' but '"
              + ctx.keyEncryption().schemeId()
              + "' is configured");
    }
    byte[] secret = ctx.keyEncryption().decrypt(row.ciphertext(), associatedData);
    try {
      return SecretKey.fromBytes(secret);
    } catch (InvalidKeyException | IllegalArgumentException e) {
      throw new StoreException("stored key decrypted to an invalid secp256k1 key", e);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }
}
