package dev.keycast.nip46.store.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Schema version 3, both dialects: replaces every plaintext connect secret with its hash ({@link
 * ConnectSecrets#hash}). A Java migration because SQLite has no SHA-256 function. The column keeps
 * its name and type; rows already hashed are left alone. Runs in Flyway's transaction.
 */
@SuppressWarnings("TypeName") // Flyway reads the version from the class name
public final class V3__Hash_connect_secrets extends BaseJavaMigration {
  /** Creates the migration (Flyway instantiates it through {@link Migrations}). */
  public V3__Hash_connect_secrets() {}

  @Override
  public void migrate(Context context) throws SQLException {
    Connection c = context.getConnection();
    Map<Long, String> plain = new LinkedHashMap<>();
    try (PreparedStatement s = c.prepareStatement("SELECT id, secret FROM authorizations");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        String secret = rs.getString(2);
        if (!ConnectSecrets.isHashed(secret)) {
          plain.put(rs.getLong(1), secret);
        }
      }
    }
    try (PreparedStatement u =
        c.prepareStatement("UPDATE authorizations SET secret = ? WHERE id = ?")) {
      for (Map.Entry<Long, String> e : plain.entrySet()) {
        u.setString(1, ConnectSecrets.hash(e.getValue()));
        u.setLong(2, e.getKey());
        u.addBatch();
      }
      if (!plain.isEmpty()) {
        u.executeBatch();
      }
    }
  }
}
