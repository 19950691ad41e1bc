package dev.keycast.nip46.server;

import java.util.Objects;
import java.util.concurrent.CompletionStage;

/** The answer of an {@link ApprovalHook}. */
public sealed interface ApprovalDecision {

  /** Execute the request. */
  record Allow() implements ApprovalDecision {}

  /**
   * Refuse it: the client gets {@link SignerError#PERMISSION_DENIED}.
   *
   * @param logReason why, for the server log and audit only (never sent to the client)
   */
  record Deny(String logReason) implements ApprovalDecision {
    /**
     * Checks the reason is present.
     *
     * @throws NullPointerException if {@code logReason} is null
     */
    public Deny {
      Objects.requireNonNull(logReason, "logReason");
    }
  }

  /**
   * Send an {@code auth_url} interim response now, then decide when {@code decision} completes (a
   * {@code Challenge} there is treated as a denial). If it does not complete within the handler's
   * approval timeout, or completes exceptionally, the request is denied.
   *
   * @param authUrl the URL the user opens to approve
   * @param decision completes with the final decision
   */
  record Challenge(String authUrl, CompletionStage<ApprovalDecision> decision)
      implements ApprovalDecision {
    /**
     * Checks both components are present.
     *
     * @throws NullPointerException if either is null
     */
    public Challenge {
      Objects.requireNonNull(authUrl, "authUrl");
      Objects.requireNonNull(decision, "decision");
    }
  }

  /** {@return the allow decision} */
  static ApprovalDecision allow() {
    return new Allow();
  }

  /**
   * {@return a denial with a reason for the log}
   *
   * @param logReason why, for the server log and audit only (never sent to the client)
   */
  static ApprovalDecision deny(String logReason) {
    return new Deny(logReason);
  }
}
