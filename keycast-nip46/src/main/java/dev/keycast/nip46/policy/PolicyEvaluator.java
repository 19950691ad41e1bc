package dev.keycast.nip46.policy;

import dev.keycast.nip46.Nip46Method;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.ConnectedClient;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether a request may proceed: policy ∩ the client's granted perms ∩ expiry/revocation. Pure: no I/O,
 * no state, never blocks; thread-safe. Rate limits are enforced separately (see {@link ClientRateLimiter}); the
 * connect secret by {@link dev.keycast.nip46.store.AuthorizationStore#connect}.
 *
 * <p>Order of checks, first failure wins: revoked, expired; then {@code connect} and {@code ping} are allowed; the
 * client must be connected to this authorization; basic methods are allowed; the policy must allow the method
 * (for {@code sign_event}: the kind); the client's grants must include it (an empty grant set means the client
 * asked for nothing specific and gets what the policy allows); then self-only encryption and blocked words.
 */
public final class PolicyEvaluator {

  private PolicyEvaluator() {}

  /**
   * Evaluates one request.
   *
   * @param policy the authorization's policy
   * @param authorization the authorization the request came through
   * @param client the requesting client's connection to this authorization, or null if it is not connected
   * @param request the request
   * @param now the current time
   * @return allow, or a denial with a stable reason from {@link PolicyDecision.Deny}
   */
  public static PolicyDecision evaluate(
      Policy policy, Authorization authorization, @Nullable ConnectedClient client, PolicyRequest request,
      Instant now) {
    if (authorization.isRevoked()) {
      return PolicyDecision.deny(PolicyDecision.Deny.REVOKED);
    }
    if (authorization.isExpiredAt(now)) {
      return PolicyDecision.deny(PolicyDecision.Deny.EXPIRED);
    }
    Nip46Method method = request.method();
    if (method == Nip46Method.CONNECT || method == Nip46Method.PING) {
      return PolicyDecision.allow();
    }
    if (client == null || client.authorizationId() != authorization.id()) {
      return PolicyDecision.deny(PolicyDecision.Deny.NOT_CONNECTED);
    }
    PermissionSet granted = client.grantedPerms();
    return switch (request) {
      case PolicyRequest.Basic b -> PolicyDecision.allow();
      case PolicyRequest.SignEvent s -> {
        if (!policy.permissions().allowsAny(Nip46Method.SIGN_EVENT)) {
          yield PolicyDecision.deny(PolicyDecision.Deny.METHOD_NOT_ALLOWED);
        }
        if (!policy.allowsKind(s.kind())) {
          yield PolicyDecision.deny(PolicyDecision.Deny.KIND_NOT_ALLOWED);
        }
        if (!granted.isEmpty() && !granted.allowsSignEvent(s.kind())) {
          yield PolicyDecision.deny(PolicyDecision.Deny.NOT_GRANTED);
        }
        if (policy.containsBlockedWord(s.content())) {
          yield PolicyDecision.deny(PolicyDecision.Deny.BLOCKED_CONTENT);
        }
        yield PolicyDecision.allow();
      }
      case PolicyRequest.Encrypt e -> {
        PolicyDecision d = checkCrypto(policy, granted, authorization, e.method(), e.peer());
        if (!d.isAllowed()) {
          yield d;
        }
        if (policy.containsBlockedWord(e.plaintext())) {
          yield PolicyDecision.deny(PolicyDecision.Deny.BLOCKED_CONTENT);
        }
        yield PolicyDecision.allow();
      }
      case PolicyRequest.Decrypt d -> checkCrypto(policy, granted, authorization, d.method(), d.peer());
    };
  }

  private static PolicyDecision checkCrypto(
      Policy policy, PermissionSet granted, Authorization authorization, Nip46Method method,
      dev.keycast.crypto.PublicKey peer) {
    if (!policy.permissions().allows(method)) {
      return PolicyDecision.deny(PolicyDecision.Deny.METHOD_NOT_ALLOWED);
    }
    if (!granted.isEmpty() && !granted.allows(method)) {
      return PolicyDecision.deny(PolicyDecision.Deny.NOT_GRANTED);
    }
    if (policy.selfEncryptionOnly() && !peer.equals(authorization.userPublicKey())) {
      return PolicyDecision.deny(PolicyDecision.Deny.SELF_ONLY);
    }
    return PolicyDecision.allow();
  }
}
