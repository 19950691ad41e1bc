package dev.keycast.nip46.bunker.internal;

import dev.keycast.crypto.SchnorrSigner;
import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.store.Authorization;
import java.util.Objects;

/**
 * An authorization together with its decrypted bunker (signer) key, as held by {@link
 * AuthorizationCache}.
 *
 * <p>Immutable and thread-safe. {@link #toString()} never shows the key.
 */
public final class AuthorizedSigner {
  private final Authorization authorization;
  private final SecretKey bunkerKey;
  private final LazySigner signer;

  /**
   * @param authorization the authorization (possibly revoked or expired: check {@link
   *     Authorization#isActiveAt})
   * @param bunkerKey the bunker secret key that decrypts requests and signs replies
   */
  AuthorizedSigner(Authorization authorization, SecretKey bunkerKey) {
    this.authorization = Objects.requireNonNull(authorization, "authorization");
    this.bunkerKey = Objects.requireNonNull(bunkerKey, "bunkerKey");
    this.signer = new LazySigner(bunkerKey);
  }

  /** Returns the authorization. */
  public Authorization authorization() {
    return authorization;
  }

  /** Returns the bunker secret key. */
  public SecretKey bunkerKey() {
    return bunkerKey;
  }

  /**
   * Returns a signer for the bunker key, created on first use (CPU-bound the first time: call it on
   * the CPU executor). Never blocks otherwise.
   */
  public SchnorrSigner signer() {
    return signer.get();
  }

  @Override
  public String toString() {
    return "AuthorizedSigner[" + authorization + "]";
  }
}
