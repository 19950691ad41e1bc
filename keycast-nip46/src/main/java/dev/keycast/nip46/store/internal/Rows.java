package dev.keycast.nip46.store.internal;

import dev.keycast.crypto.PublicKey;
import dev.keycast.nip46.store.StoreException;
import java.security.InvalidKeyException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** Column helpers. */
final class Rows {
  private Rows() {}

  static @Nullable Long nullableLong(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }

  static @Nullable Integer nullableInt(ResultSet rs, String column) throws SQLException {
    int v = rs.getInt(column);
    return rs.wasNull() ? null : v;
  }

  static @Nullable Instant nullableInstant(ResultSet rs, String column) throws SQLException {
    Long v = nullableLong(rs, column);
    return v == null ? null : Instant.ofEpochMilli(v);
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    return Instant.ofEpochMilli(rs.getLong(column));
  }

  static @Nullable Long millis(@Nullable Instant instant) {
    return instant == null ? null : instant.toEpochMilli();
  }

  static PublicKey publicKey(ResultSet rs, String column) throws SQLException {
    String hex = rs.getString(column);
    try {
      return PublicKey.fromHex(hex);
    } catch (InvalidKeyException | IllegalArgumentException e) {
      throw new StoreException("corrupt row: column " + column + " is not a valid public key", e);
    }
  }
}
