package dev.keycast.nip46.store.internal;

import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.internal.TrustedKeys;
import dev.keycast.nip46.store.StoreException;
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

  /**
   * A public key column. Not checked against the curve again (every key was validated when it was
   * written, and the check dominated loading 100,000 authorizations): a corrupted value fails at
   * its first cryptographic use.
   */
  static PublicKey publicKey(ResultSet rs, String column) throws SQLException {
    String hex = rs.getString(column);
    try {
      return TrustedKeys.publicKeyFromHex(hex);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new StoreException("corrupt row: column " + column + " is not a valid public key", e);
    }
  }
}
