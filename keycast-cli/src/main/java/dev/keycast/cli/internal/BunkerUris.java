package dev.keycast.cli.internal;

import dev.keycast.nip46.BunkerUri;
import dev.keycast.nip46.store.Authorization;

/** The {@code bunker://} URI a client app needs for an authorization. Stateless and thread-safe. */
public final class BunkerUris {
  private BunkerUris() {}

  /**
   * Returns the {@code bunker://} URI of an authorization.
   *
   * @param a a stored authorization
   * @return its {@code bunker://} URI: bunker key, relays and connection secret (a secret: print it
   *     only to the user who asked for it, never to a log)
   */
  public static String of(Authorization a) {
    return new BunkerUri(a.bunkerPublicKey(), a.relays(), a.secret()).format();
  }
}
