package dev.keycast.nip46.bunker.internal;

import dev.keycast.crypto.SchnorrSigner;
import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.StoreException;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * An authorization together with its bunker (signer) key, as held by {@link AuthorizationCache}.
 * The key may be given encrypted (a supplier that decrypts without I/O): it is then decrypted on
 * first use and kept with this entry, so keys that are never used are never decrypted.
 *
 * <p>Thread-safe. {@link #toString()} never shows the key.
 */
public final class AuthorizedSigner {
  private final Authorization authorization;
  private final Key key;

  /** The key, decrypted once: shared by the entries of one authorization. */
  private static final class Key implements Supplier<SecretKey> {
    private final Supplier<SecretKey> source;
    private volatile @Nullable SecretKey decrypted;
    final LazySigner signer = new LazySigner(this);

    Key(Supplier<SecretKey> source) {
      this.source = source;
    }

    @Override
    public SecretKey get() {
      SecretKey k = decrypted;
      if (k == null) {
        k = source.get(); // racy single-check: at worst decrypted twice, always the same key
        decrypted = k;
      }
      return k;
    }
  }

  /**
   * @param authorization the authorization (possibly revoked or expired: check {@link
   *     Authorization#isActiveAt})
   * @param bunkerKey the bunker secret key that decrypts requests and signs replies
   */
  AuthorizedSigner(Authorization authorization, SecretKey bunkerKey) {
    this(authorization, new Key(() -> bunkerKey));
  }

  /**
   * @param authorization the authorization
   * @param bunkerKey returns the bunker key, decrypting it (CPU only, no I/O) on first call; may
   *     throw {@link dev.keycast.nip46.store.KeyEncryptionException}
   */
  AuthorizedSigner(Authorization authorization, Supplier<SecretKey> bunkerKey) {
    this(authorization, new Key(bunkerKey));
  }

  private AuthorizedSigner(Authorization authorization, Key key) {
    this.authorization = Objects.requireNonNull(authorization, "authorization");
    this.key = Objects.requireNonNull(key, "key");
  }

  /**
   * Returns the same key (and its prepared signer) with a newer record of the same authorization.
   *
   * @param newer the authorization as it is now (same id and bunker key)
   */
  AuthorizedSigner withAuthorization(Authorization newer) {
    return new AuthorizedSigner(newer, key);
  }

  /** Returns the authorization. */
  public Authorization authorization() {
    return authorization;
  }

  /**
   * Returns the bunker secret key, decrypting it on the first call (CPU-bound, microseconds: call
   * it on the CPU executor or a worker).
   *
   * @throws dev.keycast.nip46.store.KeyEncryptionException if the stored key does not decrypt
   */
  public SecretKey bunkerKey() {
    return key.get();
  }

  /**
   * Returns a signer for the bunker key, created on first use (CPU-bound the first time: call it on
   * the CPU executor). Never blocks otherwise. The first call also checks that the key is the
   * authorization's bunker key (keys loaded in bulk are not re-derived at load).
   *
   * @throws StoreException if the stored key does not decrypt or does not match the authorization's
   *     public key
   */
  public SchnorrSigner signer() {
    SchnorrSigner s = key.signer.get();
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
