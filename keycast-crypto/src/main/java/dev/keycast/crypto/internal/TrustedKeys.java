package dev.keycast.crypto.internal;

import dev.keycast.crypto.PublicKey;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Builds {@link PublicKey}s without the curve check, for keys that were validated when they were
 * first stored (Keycast's own database rows): the check is one square root mod p per key, and
 * loading 100,000 authorizations spent most of its time on it. A value that is not a curve point
 * after all (a corrupted row) fails at its first cryptographic use instead.
 *
 * <p>Not API: exported only to {@code dev.keycast.nip46}. Thread-safe.
 */
public final class TrustedKeys {
  private static volatile @Nullable Function<byte[], PublicKey> factory;

  private TrustedKeys() {}

  /**
   * Called once by {@link PublicKey}'s static initializer.
   *
   * @param f makes a key from a 32-byte array it may keep
   */
  public static void register(Function<byte[], PublicKey> f) {
    if (factory != null) {
      throw new IllegalStateException("already registered");
    }
    factory = f;
  }

  /**
   * Returns the key for 64 hex characters (either case), unchecked against the curve.
   *
   * @param hex64 the x coordinate in hex
   * @return the key
   * @throws IllegalArgumentException if {@code hex64} is not 64 hex characters
   */
  public static PublicKey publicKeyFromHex(String hex64) {
    byte[] x = Bytes.fromHex(hex64, 32, "public key");
    Function<byte[], PublicKey> f = factory;
    if (f == null) {
      // a class literal does not initialize the class: force it, so that it registers
      try {
        Class.forName(PublicKey.class.getName(), true, PublicKey.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
      f = factory;
      if (f == null) {
        throw new IllegalStateException("PublicKey did not register");
      }
    }
    return f.apply(x);
  }
}
