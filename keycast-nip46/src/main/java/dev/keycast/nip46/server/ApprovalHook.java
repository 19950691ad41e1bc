package dev.keycast.nip46.server;

import dev.keycast.nip46.Nip46Request;

/**
 * Asks someone (a user, an admin, an external service) to approve a request that the policy and the
 * client's granted perms already allow. The default handler calls it last, just before executing
 * the request, for every request the policy allowed except {@code connect}, {@code ping} and {@code
 * logout}.
 *
 * <p>Threads: called on a work-queue worker (a virtual thread); it may block briefly (a database
 * lookup), but a human's answer must come through {@link ApprovalDecision.Challenge}, not by
 * blocking. Must be thread-safe and must not throw (an exception is treated as a denial and
 * logged).
 */
@FunctionalInterface
public interface ApprovalHook {

  /**
   * Reviews one request.
   *
   * @param request the request (never {@link Nip46Request.Unknown})
   * @param context who sent it
   * @return allow, deny, or challenge with an {@code auth_url} and a later decision
   */
  ApprovalDecision review(Nip46Request request, RequestContext context);

  /**
   * {@return the hook that approves everything the policy allows: the policy and granted perms
   * alone decide} It is {@code Bunker.Builder}'s default; pass another hook to ask a human or a
   * service as well.
   */
  static ApprovalHook policyOnly() {
    return (request, context) -> ApprovalDecision.allow();
  }
}
