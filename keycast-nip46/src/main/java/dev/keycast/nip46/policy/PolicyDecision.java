package dev.keycast.nip46.policy;

/**
 * The verdict on one request. Exhaustive-switch friendly: {@code switch (d) { case Allow a -> ...;
 * case Ask a -> ...; case Deny(String reason) -> ...; }}.
 *
 * <p>All implementations are immutable records; safe to share between threads.
 */
public sealed interface PolicyDecision {

  /**
   * The single allow instance.
   *
   * @return allow
   */
  static PolicyDecision allow() {
    return Allow.INSTANCE;
  }

  /**
   * The single ask instance.
   *
   * @return ask
   */
  static PolicyDecision ask() {
    return Ask.INSTANCE;
  }

  /**
   * A denial.
   *
   * @param reason one of the stable reason constants of {@link Deny}
   * @return the denial
   */
  static PolicyDecision deny(String reason) {
    return new Deny(reason);
  }

  /**
   * Whether the request is allowed without asking anyone.
   *
   * @return true for {@link Allow}
   */
  default boolean isAllowed() {
    return this instanceof Allow;
  }

  /**
   * Whether the request is allowed once a human approves it.
   *
   * @return true for {@link Ask}
   */
  default boolean needsApproval() {
    return this instanceof Ask;
  }

  /** The request may proceed. */
  record Allow() implements PolicyDecision {
    static final Allow INSTANCE = new Allow();
  }

  /**
   * The request passes every rule of the policy, but the policy lists its operation under {@link
   * Policy#askPermissions()}: it may proceed only once a human approves it.
   */
  record Ask() implements PolicyDecision {
    static final Ask INSTANCE = new Ask();
  }

  /**
   * The request is refused. The reason is a stable, non-leaking string safe to send to the client
   * as the NIP-46 error and to store in the audit log; it never contains content, keys or the words
   * that matched.
   *
   * @param reason why
   */
  record Deny(String reason) implements PolicyDecision {
    /** The authorization was revoked. */
    public static final String REVOKED = "unauthorized: authorization revoked";

    /** The authorization has expired. */
    public static final String EXPIRED = "unauthorized: authorization expired";

    /** The client has not connected (or logged out). */
    public static final String NOT_CONNECTED = "unauthorized: not connected";

    /** The client did not ask for (was not granted) this permission at connect. */
    public static final String NOT_GRANTED = "unauthorized: permission not granted";

    /** The policy does not allow the method. */
    public static final String METHOD_NOT_ALLOWED = "unauthorized: method not allowed by policy";

    /** The policy does not allow signing this event kind. */
    public static final String KIND_NOT_ALLOWED = "unauthorized: event kind not allowed by policy";

    /** Content or plaintext contains a blocked word. */
    public static final String BLOCKED_CONTENT = "unauthorized: content blocked by policy";

    /** Encryption or decryption with a peer other than the user. */
    public static final String SELF_ONLY =
        "unauthorized: encryption only to self allowed by policy";

    /** The event's {@code created_at} is further ahead than the policy's {@code maxFuture}. */
    public static final String CREATED_AT_FUTURE =
        "permission denied: created_at too far in the future";

    /** The event's {@code created_at} is further back than the policy's {@code maxPast}. */
    public static final String CREATED_AT_PAST =
        "permission denied: created_at too far in the past";

    /** The authorization names a policy that does not exist. */
    public static final String UNKNOWN_POLICY = "unauthorized: unknown policy";
  }
}
