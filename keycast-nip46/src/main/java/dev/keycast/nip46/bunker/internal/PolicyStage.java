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
   * What the policy says of a request that was not refused.
   *
   * @param denial the error to answer, or null to go on
   * @param ask whether it may go on only once a human approves it ({@link PolicyDecision.Ask})
   */
  record Checked(@Nullable Nip46Response denial, boolean ask) {
    static final Checked PROCEED = new Checked(null, false);
    static final Checked ASK = new Checked(null, true);
  }

  /**
   * Checks one request.
   *
   * @return the denial, or proceed (now, or after an approval)
   */
  Checked checkWithAsk(
      Nip46Request request,
      Authorization auth,
      PublicKey client,
      @Nullable Policy policy,
      @Nullable StoreException policyFailure) {
    if (request instanceof Nip46Request.Connect || request instanceof Nip46Request.Unknown) {
      return Checked.PROCEED;
    }
    try {
      Instant now = clock.instant();
      if (policyFailure != null) {
        throw policyFailure;
      }
      ConnectedClient connection =
          auth.isActiveAt(now) ? cache.client(auth.id(), client).orElse(null) : null;
      return verdict(request, auth, client, policy, connection, now);
    } catch (StoreException e) {
      return new Checked(
          Nip46Response.error(request.id(), HandlerFailures.of(request, e).wireText()), false);
    } catch (IllegalArgumentException e) {
      // A peer key that is not a curve point: the client's mistake.
      LOG.debug("{} refused: invalid peer key", request.methodName());
      return new Checked(
          Nip46Response.error(request.id(), SignerError.INVALID_REQUEST.wireText()), false);
    }
  }

  /**
   * Checks one request as {@link #checkWithAsk} does, for a caller that must not block (a warm
   * request's one CPU call, {@link RequestPath}): null, before any side effect, when the client's
   * connection is not cached fresh. Never blocks on I/O (a denial's audit entry is buffered).
   *
   * @return the denial, or proceed (now, or after an approval); null to check on the worker
   */
  @Nullable Checked checkInMemory(
      Nip46Request request, Authorization auth, PublicKey client, @Nullable Policy policy) {
    if (request instanceof Nip46Request.Connect || request instanceof Nip46Request.Unknown) {
      return Checked.PROCEED;
    }
    try {
      Instant now = clock.instant();
      ConnectedClient connection = null;
      if (auth.isActiveAt(now)) {
        SingleFlightCache.Timed<ConnectedClient> cached = cache.peekClient(auth.id(), client);
        if (cached == null) {
          return null;
        }
        connection = cached.value().orElse(null);
      }
      return verdict(request, auth, client, policy, connection, now);
    } catch (IllegalArgumentException e) {
      LOG.debug("{} refused: invalid peer key", request.methodName());
      return new Checked(
          Nip46Response.error(request.id(), SignerError.INVALID_REQUEST.wireText()), false);
    }
  }

  /**
   * Checks a request again, minutes after it arrived (an approval came): reads the authorization,
   * the client's connection and the policy from the store as they are now, bypassing the cache, so
   * that a revocation, an expiry, a logout or a narrowed policy since then refuses it (audited like
   * any denial). A policy that still asks counts as allowed: the human has just approved. May block
   * on store I/O.
   *
   * @param request the approved request
   * @param auth the authorization as it was when the request arrived
   * @param client the verified client key
   * @return the error to answer, or empty to run the request
   */
  Optional<Nip46Response> recheck(Nip46Request request, Authorization auth, PublicKey client) {
    try {
      Instant now = clock.instant();
      AuthorizationCache.Fresh fresh = cache.readFresh(auth.id(), client).orElse(null);
      if (fresh == null) {
        LOG.info("approved {} refused: authorization {} is gone", request.methodName(), auth.id());
        auditor.record(
            auth,
            client,
            request,
            Auditor.kindOf(request),
            AuditOutcome.DENIED,
            PolicyDecision.Deny.REVOKED);
        return Optional.of(Nip46Response.error(request.id(), SignerError.UNAUTHORIZED.wireText()));
      }
      Authorization current = fresh.authorization();
      ConnectedClient connection = current.isActiveAt(now) ? fresh.connection() : null;
      return Optional.ofNullable(
          verdict(request, current, client, fresh.policy(), connection, now).denial());
    } catch (StoreException e) {
      return Optional.of(
          Nip46Response.error(request.id(), HandlerFailures.of(request, e).wireText()));
    } catch (IllegalArgumentException e) {
      return Optional.of(Nip46Response.error(request.id(), SignerError.INVALID_REQUEST.wireText()));
    }
  }

  private Checked verdict(
      Nip46Request request,
      Authorization auth,
      PublicKey client,
      @Nullable Policy policy,
      @Nullable ConnectedClient connection,
      Instant now) {
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
      return new Checked(Nip46Response.error(request.id(), wireTextFor(deny)), false);
    }
    return verdict.needsApproval() ? Checked.ASK : Checked.PROCEED;
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
