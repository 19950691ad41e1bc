package dev.keycast.cli.internal;

import dev.keycast.nip46.BunkerUri;
import dev.keycast.nip46.store.Authorization;

/** The {@code bunker://} URI a client app needs for an authorization. Stateless and thread-safe. */
public final class BunkerUris {
  private BunkerUris() {}

  /**
   * Returns the {@code bunker://} URI of an authorization.
   *
   * @param a an authorization as {@code create} or {@code renewSecret} returned it (only those
   *     carry the plaintext secret; the store keeps a hash)
   * @return its {@code bunker://} URI: bunker key, relays and connection secret (a secret: print it
   *     only to the user who asked for it, never to a log)
   * @throws IllegalStateException if {@code a} was read back from the store (no secret)
   */
  public static String of(Authorization a) {
    String secret = a.secret();
    if (secret == null) {
      throw new IllegalStateException("the connect secret is only known when it is created");
    }
    return new BunkerUri(a.bunkerPublicKey(), a.relays(), secret).format();
  }
}
