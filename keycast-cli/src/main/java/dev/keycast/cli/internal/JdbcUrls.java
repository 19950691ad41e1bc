package dev.keycast.cli.internal;

/** JDBC URLs as the user may see them. Stateless and thread-safe. */
public final class JdbcUrls {
  private JdbcUrls() {}

  /**
   * Masks the password in a JDBC URL.
   *
   * @param url a JDBC URL
   * @return {@code url} with the value of any {@code password=} parameter replaced by {@code ***},
   *     for printing
   */
  public static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }
}
