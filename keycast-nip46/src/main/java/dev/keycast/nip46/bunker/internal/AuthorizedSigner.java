package dev.keycast.nip46.bunker.internal;

import dev.keycast.crypto.SchnorrSigner;
import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.StoreException;
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
    this(authorization, bunkerKey, new LazySigner(bunkerKey));
  }

  private AuthorizedSigner(Authorization authorization, SecretKey bunkerKey, LazySigner signer) {
    this.authorization = Objects.requireNonNull(authorization, "authorization");
    this.bunkerKey = Objects.requireNonNull(bunkerKey, "bunkerKey");
    this.signer = signer;
  }

  /**
   * Returns the same key (and its prepared signer) with a newer record of the same authorization.
   *
   * @param newer the authorization as it is now (same id and bunker key)
   */
  AuthorizedSigner withAuthorization(Authorization newer) {
    return new AuthorizedSigner(newer, bunkerKey, signer);
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
   * the CPU executor). Never blocks otherwise. The first call also checks that the key is the
   * authorization's bunker key (keys loaded in bulk are not re-derived at load).
   *
   * @throws StoreException if the stored key does not match the authorization's public key
   */
  public SchnorrSigner signer() {
    SchnorrSigner s = signer.get();
    if (!s.publicKey().equals(authorization.bunkerPublicKey())) {
      throw new StoreException("corrupt row: bunker key does not match its public key");
    }
    return s;
  }

  @Override
  public String toString() {
    return "AuthorizedSigner[" + authorization + "]";
  }
}
