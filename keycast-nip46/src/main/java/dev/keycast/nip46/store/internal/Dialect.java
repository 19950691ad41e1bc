package dev.keycast.nip46.store.internal;

/** The supported SQL dialects; chooses the migration scripts. */
public enum Dialect {
  /** SQLite (embedded, file). */
  SQLITE("sqlite"),
  /** PostgreSQL. */
  POSTGRESQL("postgresql");

  private final String resourceDir;

  Dialect(String resourceDir) {
    this.resourceDir = resourceDir;
  }

  /** Directory name of this dialect's migration scripts. */
  String resourceDir() {
    return resourceDir;
  }

  /**
   * The dialect of a JDBC URL.
   *
   * @param jdbcUrl the URL
   * @return the dialect
   * @throws IllegalArgumentException if it is neither {@code jdbc:sqlite:} nor {@code
   *     jdbc:postgresql:}
   */
  public static Dialect of(String jdbcUrl) {
    if (jdbcUrl.startsWith("jdbc:sqlite:")) {
      return SQLITE;
    }
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      return POSTGRESQL;
    }
    throw new IllegalArgumentException(
        "unsupported JDBC URL (expected jdbc:sqlite:<file> or jdbc:postgresql://host/db): "
            + redact(jdbcUrl));
  }

  /** Drops everything after '?' (may hold a password). */
  static String redact(String jdbcUrl) {
    int q = jdbcUrl.indexOf('?');
    return q < 0 ? jdbcUrl : jdbcUrl.substring(0, q) + "?…";
  }
}
