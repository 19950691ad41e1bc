package dev.keycast.nip46.policy;

import dev.keycast.nip46.Nip46Method;
import dev.keycast.nip46.PermissionSet;
import java.time.Instant;

/**
 * Decides whether a request may proceed: policy ∩ the client's granted perms ∩ expiry/revocation.
 * Pure: no I/O, no state, never blocks; thread-safe. Rate limits ({@link Policy#rateLimit()}) are
 * enforced separately, before decryption, by the signer pipeline; the connect secret by the store's
 * {@code connect}.
 *
 * <p>Order of checks, first failure wins: revoked, expired; then {@code connect} and {@code ping}
 * are allowed; the client must be connected to this authorization; basic methods are allowed; the
 * policy must allow the method (for {@code sign_event}: the kind); the client's grants must include
 * it (an empty grant set means the client asked for nothing specific and gets what the policy
 * allows); for {@code sign_event} the {@code created_at} bounds; then self-only encryption and
 * blocked words. An operation the policy lists only under {@link Policy#askPermissions()} goes
 * through the same checks and ends in {@link PolicyDecision.Ask} instead of {@link
 * PolicyDecision.Allow}.
 */
public final class PolicyEvaluator {

  private PolicyEvaluator() {}

  /**
   * Evaluates one request.
   *
   * @param policy the authorization's policy
   * @param subject the authorization the request came through and the requesting client's grants
   * @param request the request
   * @param now the current time
   * @return allow, ask (allowed once a human approves), or a denial with a stable reason from
   *     {@link PolicyDecision.Deny}
   */
  public static PolicyDecision evaluate(
      Policy policy, PolicySubject subject, PolicyRequest request, Instant now) {
    if (subject.revoked()) {
      return PolicyDecision.deny(PolicyDecision.Deny.REVOKED);
    }
    if (subject.isExpiredAt(now)) {
      return PolicyDecision.deny(PolicyDecision.Deny.EXPIRED);
    }
    Nip46Method method = request.method();
    if (method == Nip46Method.CONNECT || method == Nip46Method.PING) {
      return PolicyDecision.allow();
    }
    PermissionSet granted = subject.grantedPerms();
    if (granted == null) {
      return PolicyDecision.deny(PolicyDecision.Deny.NOT_CONNECTED);
    }
    return switch (request) {
      case PolicyRequest.Basic b -> PolicyDecision.allow();
      case PolicyRequest.SignEvent s -> {
        if (!policy.permissions().allowsAny(Nip46Method.SIGN_EVENT)
            && !policy.askPermissions().allowsAny(Nip46Method.SIGN_EVENT)) {
          yield PolicyDecision.deny(PolicyDecision.Deny.METHOD_NOT_ALLOWED);
        }
        boolean asked =
            !policy.allowsKind(s.kind()) && policy.askPermissions().allowsSignEvent(s.kind());
        if (!policy.allowsKind(s.kind()) && !asked) {
          yield PolicyDecision.deny(PolicyDecision.Deny.KIND_NOT_ALLOWED);
        }
        if (!granted.isEmpty() && !granted.allowsSignEvent(s.kind())) {
          yield PolicyDecision.deny(PolicyDecision.Deny.NOT_GRANTED);
        }
        int when = policy.checkCreatedAt(s.createdAt(), now.getEpochSecond());
        if (when > 0) {
          yield PolicyDecision.deny(PolicyDecision.Deny.CREATED_AT_FUTURE);
        }
        if (when < 0) {
          yield PolicyDecision.deny(PolicyDecision.Deny.CREATED_AT_PAST);
        }
        if (policy.containsBlockedWord(s.content())) {
          yield PolicyDecision.deny(PolicyDecision.Deny.BLOCKED_CONTENT);
        }
        yield asked ? PolicyDecision.ask() : PolicyDecision.allow();
      }
      case PolicyRequest.Encrypt e -> {
        PolicyDecision d = checkCrypto(policy, granted, subject, e.method(), e.peer());
        if (d instanceof PolicyDecision.Deny) {
          yield d;
        }
        if (policy.containsBlockedWord(e.plaintext())) {
          yield PolicyDecision.deny(PolicyDecision.Deny.BLOCKED_CONTENT);
        }
        yield d;
      }
      case PolicyRequest.Decrypt d -> checkCrypto(policy, granted, subject, d.method(), d.peer());
    };
  }

  private static PolicyDecision checkCrypto(
      Policy policy,
      PermissionSet granted,
      PolicySubject subject,
      Nip46Method method,
      dev.keycast.crypto.PublicKey peer) {
    boolean asked = !policy.permissions().allows(method) && policy.askPermissions().allows(method);
    if (!policy.permissions().allows(method) && !asked) {
      return PolicyDecision.deny(PolicyDecision.Deny.METHOD_NOT_ALLOWED);
    }
    if (!granted.isEmpty() && !granted.allows(method)) {
      return PolicyDecision.deny(PolicyDecision.Deny.NOT_GRANTED);
    }
    if (policy.selfEncryptionOnly() && !peer.equals(subject.userPublicKey())) {
      return PolicyDecision.deny(PolicyDecision.Deny.SELF_ONLY);
    }
    return asked ? PolicyDecision.ask() : PolicyDecision.allow();
  }
}
