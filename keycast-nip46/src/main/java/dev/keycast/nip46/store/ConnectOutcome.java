package dev.keycast.nip46.store;

/**
 * Result of {@link AuthorizationStore#connect}: the client is connected, or why not.
 *
 * <p>All implementations are immutable records; safe to share between threads.
 */
public sealed interface ConnectOutcome {

  /**
   * The client is connected.
   *
   * @param authorization the authorization after the connect (with {@code uses} incremented if the
   *     secret was consumed)
   * @param client the connected client
   * @param newlyConnected true if this call consumed a use of the secret; false if the client was
   *     already connected
   */
  record Connected(Authorization authorization, ConnectedClient client, boolean newlyConnected)
      implements ConnectOutcome {}

  /**
   * The connect was refused; nothing changed.
   *
   * @param reason why
   */
  record Rejected(Reason reason) implements ConnectOutcome {}

  /** Why a connect was refused. */
  enum Reason {
    /** No authorization with that id (or bunker key). */
    UNKNOWN_AUTHORIZATION,
    /** The secret is missing or does not match. */
    WRONG_SECRET,
    /** The secret was already used {@code maxUses} times. */
    SECRET_USED_UP,
    /** The authorization has expired. */
    EXPIRED,
    /** The authorization was revoked. */
    REVOKED
  }
}
