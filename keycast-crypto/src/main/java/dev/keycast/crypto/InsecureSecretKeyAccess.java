package dev.keycast.crypto;

/**
 * A token that must be presented to read raw secret key bytes.
 *
 * <p>It exists so that every place that handles raw secret material can be found with a single grep
 * for {@code InsecureSecretKeyAccess}. It grants no capability beyond that and is not a security
 * boundary.
 *
 * <p>Thread-safety: immutable singleton, safe to use from any thread. Never blocks.
 */
public final class InsecureSecretKeyAccess {
  private static final InsecureSecretKeyAccess INSTANCE = new InsecureSecretKeyAccess();

  private InsecureSecretKeyAccess() {}

  /**
   * Returns the token.
   *
   * @return the singleton token, never null
   */
  public static InsecureSecretKeyAccess get() {
    return INSTANCE;
  }
}
