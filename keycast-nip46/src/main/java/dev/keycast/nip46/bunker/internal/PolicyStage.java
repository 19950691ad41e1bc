package dev.keycast.nip46.bunker.internal;

import dev.keycast.crypto.PublicKey;
import dev.keycast.nip46.Nip46Request;
import dev.keycast.nip46.Nip46Response;
import dev.keycast.nip46.policy.Policy;
import dev.keycast.nip46.policy.PolicyDecision;
import dev.keycast.nip46.policy.PolicyEvaluator;
import dev.keycast.nip46.policy.PolicyRequest;
import dev.keycast.nip46.server.SignerError;
import dev.keycast.nip46.store.AuditOutcome;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.ConnectedClient;
import dev.keycast.nip46.store.StoreException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage <b>policy</b>: the one place a request is held against its authorization's policy (the
 * policy's rate limit ran before decryption, in the authorize stage, with the policy looked up
 * there once). Checks, through {@link PolicyEvaluator}: not revoked, not expired; the client
 * connected and not logged out; the method (and for {@code sign_event} the kind) in the perms the
 * client asked for at connect ∩ the policy; blocked words; encryption to self only. A denial is
 * audited and answered ({@code unauthorized} or {@code permission denied}).
 *
 * <p>{@code connect} (checked against its secret by the store) and unknown methods ({@code
 * unsupported method}) pass through to the handler. The stage runs for the default handler (and
 * handlers decorating it); a handler that replaces it decides itself. Runs on a queue worker; may
 * block on store I/O (the client's connection, cached). Thread-safe.
 */
final class PolicyStage {
  private static final Logger LOG = LoggerFactory.getLogger(PolicyStage.class);

  private final AuthorizationCache cache;
  private final Auditor auditor;
  private final Clock clock;

  PolicyStage(AuthorizationCache cache, Auditor auditor, Clock clock) {
    this.cache = cache;
    this.auditor = auditor;
    this.clock = clock;
  }

  /**
   * Checks one request.
   *
   * @param request the parsed request
   * @param auth the authorization it came through
   * @param client the verified client key
   * @param policy the authorization's policy as the authorize stage found it (null: unknown, or the
   *     lookup failed)
   * @param policyFailure the lookup's store failure, if it failed
   * @return the error to answer, or empty to go on to the handler
   */
  Optional<Nip46Response> check(
      Nip46Request request,
      Authorization auth,
      PublicKey client,
      @Nullable Policy policy,
      @Nullable StoreException policyFailure) {
    if (request instanceof Nip46Request.Connect || request instanceof Nip46Request.Unknown) {
      return Optional.empty();
    }
    try {
      Instant now = clock.instant();
      if (policyFailure != null) {
        throw policyFailure;
      }
      ConnectedClient connection =
          auth.isActiveAt(now) ? cache.client(auth.id(), client).orElse(null) : null;
      PolicyDecision verdict;
      if (policy == null) {
        LOG.error("authorization {} names unknown policy {}", auth.id(), auth.policyName());
        verdict = PolicyDecision.deny(PolicyDecision.Deny.UNKNOWN_POLICY);
      } else {
        verdict =
            PolicyEvaluator.evaluate(
                policy, auth.policySubject(connection), PolicyRequest.of(request), now);
      }
      if (verdict instanceof PolicyDecision.Deny deny) {
        LOG.info(
            "denied {} from client {} on authorization {}: {}",
            request.methodName(),
            client,
            auth.id(),
            deny.reason());
        auditor.record(
            auth, client, request, Auditor.kindOf(request), AuditOutcome.DENIED, deny.reason());
        return Optional.of(Nip46Response.error(request.id(), wireTextFor(deny)));
      }
      return Optional.empty();
    } catch (StoreException e) {
      return Optional.of(
          Nip46Response.error(request.id(), HandlerFailures.of(request, e).wireText()));
    } catch (IllegalArgumentException e) {
      // A peer key that is not a curve point: the client's mistake.
      LOG.debug("{} refused: invalid peer key", request.methodName());
      return Optional.of(Nip46Response.error(request.id(), SignerError.INVALID_REQUEST.wireText()));
    }
  }

  /**
   * The error reply's text: the stable string of {@link #errorFor}, or for the {@code created_at}
   * bounds that string with the reason, so that the client can tell a clock problem from a policy
   * that forbids the kind ({@link SignerError#fromWireText} still classifies it).
   */
  static String wireTextFor(PolicyDecision.Deny deny) {
    return switch (deny.reason()) {
      case PolicyDecision.Deny.CREATED_AT_FUTURE, PolicyDecision.Deny.CREATED_AT_PAST ->
          deny.reason();
      default -> errorFor(deny).wireText();
    };
  }

  /**
   * The stable client-facing error of a denial: the one its reason starts with (every {@link
   * PolicyDecision.Deny} reason does), so that the audit row and the client's error agree. A reason
   * from elsewhere that names no error is a permission denial.
   */
  static SignerError errorFor(PolicyDecision.Deny deny) {
    return SignerError.fromWireText(deny.reason()).orElse(SignerError.PERMISSION_DENIED);
  }
}
