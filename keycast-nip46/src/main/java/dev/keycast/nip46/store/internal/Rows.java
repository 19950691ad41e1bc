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

  /** User keys by hex: few, each on many rows. */
  private static final SharedValues<PublicKey> SHARED_KEYS = new SharedValues<>(4096);

  /**
   * Like {@link #publicKey} for a column whose values repeat across rows (the user key of an
   * authorization): parsed once per value while fewer than 4,096 distinct ones were seen.
   */
  static PublicKey sharedPublicKey(ResultSet rs, String column) throws SQLException {
    String hex = rs.getString(column);
    return hex == null ? publicKey(column, null) : SHARED_KEYS.get(hex, h -> publicKey(column, h));
  }

  /**
   * A public key column. Not checked against the curve again (every key was validated when it was
   * written, and the check dominated loading 100,000 authorizations): a corrupted value fails at
   * its first cryptographic use.
   */
  static PublicKey publicKey(ResultSet rs, String column) throws SQLException {
    return publicKey(column, rs.getString(column));
  }

  private static PublicKey publicKey(String column, @Nullable String hex) {
    if (hex == null) {
      throw new StoreException("corrupt row: column " + column + " is null");
    }
    try {
      return TrustedKeys.publicKeyFromHex(hex);
    } catch (IllegalArgumentException e) {
      throw new StoreException("corrupt row: column " + column + " is not a valid public key", e);
    }
  }
}
