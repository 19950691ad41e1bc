package dev.keycast.nip46.store.internal;

import dev.keycast.crypto.InsecureSecretKeyAccess;
import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.store.KeyEncryption;
import dev.keycast.nip46.store.KeyEncryptionException;
import dev.keycast.nip46.store.StoreException;
import java.util.Arrays;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Re-encrypts every stored secret (user keys, bunker keys, the master-key verifier) from the
 * context's key encryption to another, in one write transaction: either every row is under the new
 * key or none is. User keys are written in format 2 (bound to their public key). The change counter
 * is not bumped: no value a reader sees changes, so running daemons keep their caches.
 */
public final class KeyRotation {
  private KeyRotation() {}

  /**
   * Re-encrypts everything under {@code next}. Blocks on the database (one transaction).
   *
   * @param ctx the store context (its key encryption decrypts the current rows)
   * @param next the key encryption to move to
   * @param verifierAssociatedData the verifier row's associated data
   * @return how many secrets were re-encrypted (user keys plus bunker keys)
   * @throws KeyEncryptionException if a row does not decrypt under the current key
   * @throws StoreException on database failure, or a row whose key does not match its public key
   */
  public static int reencryptAll(
      StoreContext ctx, KeyEncryption next, String verifierAssociatedData) {
    return StoreErrors.run(
        "re-encrypt stored keys",
        () ->
            ctx.writer()
                .inTransaction(
                    h -> {
                      int n = 0;
                      n += userKeys(ctx, next, h);
                      n += bunkerKeys(ctx, next, h);
                      verifier(ctx, next, h, verifierAssociatedData);
                      return n;
                    }));
  }

  private record UserRow(String name, PublicKey publicKey, JdbiKeyStore.EncryptedRow row) {}

  private static int userKeys(StoreContext ctx, KeyEncryption next, Handle h) {
    List<UserRow> rows =
        h.createQuery("SELECT name, public_key, encrypted_secret, scheme FROM user_keys")
            .map(
                (rs, c) ->
                    new UserRow(
                        rs.getString("name"),
                        Rows.publicKey(rs, "public_key"),
                        new JdbiKeyStore.EncryptedRow(
                            rs.getBytes("encrypted_secret"), rs.getString("scheme"))))
            .list();
    for (UserRow r : rows) {
      SecretKey key = JdbiKeyStore.decryptUserKey(ctx, r.name(), r.publicKey(), r.row());
      byte[] ct = encrypt(next, key, JdbiKeyStore.associatedData(r.name(), r.publicKey()));
      h.createUpdate(
              "UPDATE user_keys SET encrypted_secret = :enc, scheme = :scheme WHERE name = :n")
          .bind("enc", ct)
          .bind("scheme", next.schemeId())
          .bind("n", r.name())
          .execute();
    }
    return rows.size();
  }

  private record BunkerRow(long id, String publicKeyHex, JdbiKeyStore.EncryptedRow row) {}

  private static int bunkerKeys(StoreContext ctx, KeyEncryption next, Handle h) {
    List<BunkerRow> rows =
        h.createQuery(
                "SELECT id, bunker_public_key, bunker_encrypted_secret, scheme FROM authorizations")
            .map(
                (rs, c) ->
                    new BunkerRow(
                        rs.getLong("id"),
                        rs.getString("bunker_public_key"),
                        new JdbiKeyStore.EncryptedRow(
                            rs.getBytes("bunker_encrypted_secret"), rs.getString("scheme"))))
            .list();
    for (BunkerRow r : rows) {
      String ad = "bunker-key:" + r.publicKeyHex();
      SecretKey key = JdbiKeyStore.decryptKey(ctx, r.row(), ad);
      if (!key.publicKey().toHex().equals(r.publicKeyHex())) {
        throw new StoreException(
            "corrupt row: bunker key of authorization "
                + r.id()
                + " does not match its public key");
      }
      h.createUpdate(
              "UPDATE authorizations SET bunker_encrypted_secret = :enc, scheme = :scheme WHERE id = :id")
          .bind("enc", encrypt(next, key, ad))
          .bind("scheme", next.schemeId())
          .bind("id", r.id())
          .execute();
    }
    return rows.size();
  }

  private static void verifier(StoreContext ctx, KeyEncryption next, Handle h, String ad) {
    byte[] ct =
        h.createQuery("SELECT ciphertext FROM key_encryption_verifier WHERE id = 1")
            .mapTo(byte[].class)
            .findOne()
            .orElseThrow(() -> new StoreException("key encryption verifier row is missing"));
    byte[] plain = ctx.keyEncryption().decrypt(ct, ad);
    try {
      h.createUpdate(
              "UPDATE key_encryption_verifier SET ciphertext = :ct, scheme = :scheme WHERE id = 1")
          .bind("ct", next.encrypt(plain, ad))
          .bind("scheme", next.schemeId())
          .execute();
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  private static byte[] encrypt(KeyEncryption next, SecretKey key, String ad) {
    byte[] raw = key.toBytes(InsecureSecretKeyAccess.get());
    try {
      return next.encrypt(raw, ad);
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }
}
