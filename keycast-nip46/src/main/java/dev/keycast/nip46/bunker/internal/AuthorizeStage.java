package dev.keycast.nip46.bunker.internal;

import dev.keycast.nip46.policy.Policy;
import dev.keycast.nip46.server.EventRejectReason;
import dev.keycast.nip46.server.SignerError;
import dev.keycast.nip46.store.ConnectedClient;
import dev.keycast.nip46.store.DatabaseUnavailableException;
import dev.keycast.nip46.store.StoreException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage <b>authorize</b>: who may cost the signer a decryption. In order: the flood guard (a token
 * bucket per client key, {@link FloodGuard}); the signer key the request is addressed to ({@link
 * SignerLookup}: single flight, negative caching, the last known key while the store is down); the
 * authorization's policy, looked up once here for the whole request; and, for a connected client,
 * that policy's rate limit per (authorization, client) ({@link PolicyRateLimiter}). A connected
 * client over either limit is answered {@code rate limited} for every request, never dropped; a key
 * that is not connected gets the flood guard's small reply budget, then silence (counted {@code
 * rate_limited}). Runs on a queue worker; may block on store I/O (cached lookups). Thread-safe.
 */
final class AuthorizeStage {
  private static final Logger LOG = LoggerFactory.getLogger(AuthorizeStage.class);

  /**
   * The outcome for a request that goes on to decryption.
   *
   * @param signer the authorization and bunker key
   * @param policy the authorization's policy, or null when unknown or not looked up (an error
   *     answer is due)
   * @param policyFailure the store failure of the policy lookup, if it failed
   * @param answer an error to answer instead of handling the request ({@code unavailable}, {@code
   *     rate limited}), or null
   */
  record Authorized(
      AuthorizedSigner signer,
      @Nullable Policy policy,
      @Nullable StoreException policyFailure,
      @Nullable SignerError answer) {}

  private final FloodGuard floodGuard;
  private final PolicyRateLimiter policyLimiter;
  private final SignerLookup signers;
  private final AuthorizationCache cache;
  private final StatsRecorder stats;

  AuthorizeStage(
      FloodGuard floodGuard, SignerLookup signers, AuthorizationCache cache, StatsRecorder stats) {
    this.floodGuard = floodGuard;
    this.policyLimiter = new PolicyRateLimiter(floodGuard.maxKeys());
    this.signers = signers;
    this.cache = cache;
    this.stats = stats;
  }

  /**
   * Authorizes a verified request.
   *
   * @return the outcome, or null (counted {@code rate_limited} for a key that is not connected,
   *     {@code unknown_signer} or {@code store_unavailable}) to drop the request without a reply
   */
  @Nullable Authorized authorize(RequestTask task, RequestParties parties) {
    String clientHex = task.event.pubkey();
    FloodGuard.Decision rate = floodGuard.acquire(clientHex);
    SignerLookup.Found found = signers.find(parties.signer(), task.signerHex);
    if (found == null) {
      return null; // counted by the lookup
    }
    AuthorizedSigner signer = found.signer();
    boolean connected;
    try {
      connected = cache.client(signer.authorization().id(), parties.client()).isPresent();
    } catch (DatabaseUnavailableException e) {
      // Whether the client is connected decides everything after this, and the database already
      // made this request wait up to its timeout once: answer now rather than wait again later.
      LOG.debug("client lookup failed, database unreachable: {}", e.toString());
      return new Authorized(signer, null, null, SignerError.UNAVAILABLE);
    } catch (StoreException e) {
      LOG.debug("client lookup failed; the policy stage will answer: {}", e.toString());
      connected = false;
    }
    if (rate != FloodGuard.Decision.ALLOW) {
      return floodLimited(signer, connected, rate);
    }
    @Nullable Policy policy = null;
    @Nullable StoreException failure = null;
    try {
      policy = cache.policy(signer.authorization().policyName()).orElse(null);
    } catch (StoreException e) {
      LOG.debug("policy lookup failed; the policy stage will answer: {}", e.toString());
      failure = e;
    }
    return policyLimited(signer, parties, connected, policy, failure);
  }

  /**
   * What {@link #authorizeCached} decided.
   *
   * @param authorized the outcome, or null when the request is dropped (counted)
   */
  record Cached(@Nullable Authorized authorized) {}

  private static final Cached DROPPED = new Cached(null);

  /**
   * {@link #authorize} without blocking, for the request path's one-call front on the CPU executor
   * ({@link FrontStage}): the same decision, with the same counts and side effects, when every
   * lookup it needs is in memory (the signer directory; the client's connection and the policy
   * cached fresh); null, before any side effect (the flood guard's token), when one would need the
   * store, and then the worker calls {@link #authorize}. Never blocks on I/O (the flood guard and
   * the policy's limiter take short in-memory locks).
   */
  @Nullable Cached authorizeCached(RequestTask task, RequestParties parties) {
    if (!cache.signersInMemory()) {
      return null;
    }
    AuthorizedSigner signer = cache.signer(parties.signer()).orElse(null);
    SingleFlightCache.Timed<ConnectedClient> client = null;
    SingleFlightCache.Timed<Policy> policy = null;
    if (signer != null) {
      client = cache.peekClient(signer.authorization().id(), parties.client());
      policy = cache.peekPolicy(signer.authorization().policyName());
      if (client == null || policy == null) {
        return null;
      }
    }
    FloodGuard.Decision rate = floodGuard.acquire(task.event.pubkey());
    if (signer == null || client == null || policy == null) {
      stats.recordRejected(EventRejectReason.UNKNOWN_SIGNER); // as SignerLookup counts it
      return DROPPED;
    }
    boolean connected = client.value().isPresent();
    if (rate != FloodGuard.Decision.ALLOW) {
      return new Cached(floodLimited(signer, connected, rate));
    }
    return new Cached(policyLimited(signer, parties, connected, policy.value().orElse(null), null));
  }

  /** A request over the flood guard's limit: answered {@code rate limited}, or dropped (null). */
  private @Nullable Authorized floodLimited(
      AuthorizedSigner signer, boolean connected, FloodGuard.Decision rate) {
    // A connected client is never met with silence: every request over the limit is answered.
    if (!connected && rate == FloodGuard.Decision.LIMIT_SILENTLY) {
      stats.recordRejected(EventRejectReason.RATE_LIMITED);
      return null;
    }
    return new Authorized(signer, null, null, SignerError.RATE_LIMITED);
  }

  /** A request within the flood guard's limit: the policy's own rate limit, then on. */
  private Authorized policyLimited(
      AuthorizedSigner signer,
      RequestParties parties,
      boolean connected,
      @Nullable Policy policy,
      @Nullable StoreException failure) {
    if (policy != null
        && connected
        && !policyLimiter.tryAcquire(
            signer.authorization().id(), parties.client(), policy.rateLimit(), System.nanoTime())) {
      return new Authorized(signer, policy, null, SignerError.RATE_LIMITED);
    }
    return new Authorized(signer, policy, failure, null);
  }
}
