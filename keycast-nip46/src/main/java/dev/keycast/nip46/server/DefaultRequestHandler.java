package dev.keycast.nip46.server;

import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.UnsignedEvent;
import dev.keycast.nip46.EventTemplate;
import dev.keycast.nip46.Nip46Method;
import dev.keycast.nip46.Nip46Request;
import dev.keycast.nip46.Nip46Response;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.server.internal.Envelope;
import dev.keycast.nip46.policy.Policy;
import dev.keycast.nip46.policy.PolicyDecision;
import dev.keycast.nip46.policy.PolicyEvaluator;
import dev.keycast.nip46.policy.PolicyRequest;
import dev.keycast.nip46.store.AuditEntry;
import dev.keycast.nip46.store.AuditLog;
import dev.keycast.nip46.store.AuditOutcome;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.AuthorizationStore;
import dev.keycast.nip46.store.ConnectOutcome;
import dev.keycast.nip46.store.ConnectedClient;
import dev.keycast.nip46.store.DatabaseUnavailableException;
import dev.keycast.nip46.store.StoreException;
import dev.keycast.queue.CpuExecutor;
import dev.keycast.crypto.Nip44ConversationKeyCache;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standard handler: serves every NIP-46 method for the user keys in a {@link dev.keycast.nip46.store.KeyStore}
 * through the authorizations of an {@link AuthorizationStore}, enforcing on <b>every</b> method (encrypt and
 * decrypt included):
 *
 * <ol>
 *   <li>the authorization exists, is not revoked and not expired ({@code unauthorized});
 *   <li>the client connected with the authorization's secret ({@code connect}: one use of a single-use or
 *       {@code max_uses} secret, consumed atomically by the store) and has not logged out ({@code unauthorized});
 *   <li>the method (and for {@code sign_event} the kind) is in the perms the client asked for at connect,
 *       intersected with the authorization's policy, resolved through {@link AuthorizationCache#policy}
 *       ({@code permission denied}; an unknown policy name is {@code unauthorized});
 *   <li>the policy's content rules: allowed kinds, blocked words (in content to sign and plaintext to encrypt),
 *       encrypt/decrypt only to the user's own key ({@code permission denied});
 *   <li>the {@link ApprovalHook} (allow, deny, or an {@code auth_url} challenge answered later).
 * </ol>
 *
 * <p>{@code connect} accepts an empty first parameter, the user key or the signer key. {@code get_public_key}
 * returns the <em>user</em> key; {@code sign_event} returns the signed event JSON; {@code switch_relays} returns the
 * authorization's relays as a JSON array string; {@code logout} answers {@code "ack"} and disconnects the client;
 * unknown methods get {@code unsupported method}. Every outcome of a sensitive method is written to the
 * {@link AuditLog} (method, kind, client, outcome; never content).
 *
 * <p><b>Threads.</b> Called on work-queue workers (virtual threads). Store lookups go through the
 * {@link AuthorizationCache}; signing and encryption run on the {@link CpuExecutor}. Thread-safe; holds no lock
 * across I/O. {@link #handle} never throws: store outages become {@code unavailable, retry later}, anything else
 * {@code internal error}, with detail in the log.
 */
public final class DefaultRequestHandler implements RequestHandler {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultRequestHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Executor AFTER_APPROVAL = r -> Thread.ofVirtual().name("keycast-approved").start(r);

  private final AuthorizationStore authorizations;
  private final AuditLog audit;
  private final AuthorizationCache cache;
  private final CpuExecutor cpu;
  private final ApprovalHook approvalHook;
  private final Duration approvalTimeout;
  private final Clock clock;
  private final Envelope envelope;

  private DefaultRequestHandler(Builder b) {
    this.authorizations = b.authorizations;
    this.audit = b.audit;
    this.cache = b.cache;
    this.cpu = b.cpu;
    this.approvalHook = Objects.requireNonNull(b.approvalHook, "approvalHook must be set explicitly");
    this.approvalTimeout = b.approvalTimeout;
    this.clock = b.clock;
    this.envelope = new Envelope(new Nip44ConversationKeyCache(b.conversationKeyCacheSize));
  }

  /**
   * Returns a builder.
   *
   * @param authorizations the authorization store (for connect and logout)
   * @param audit the audit log
   * @param cache the cache over the stores (shared with the {@link Bunker})
   * @param cpu the executor for signing and encryption (shared with the {@link Bunker})
   * @return a builder
   */
  public static Builder builder(
      AuthorizationStore authorizations, AuditLog audit, AuthorizationCache cache, CpuExecutor cpu) {
    return new Builder(authorizations, audit, cache, cpu);
  }

  @Override
  public CompletionStage<Nip46Response> handle(Nip46Request request, RequestContext context) {
    try {
      return dispatch(request, context);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(failure(request, e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CompletableFuture.completedFuture(error(request, SignerError.SHUTTING_DOWN));
    } catch (GeneralSecurityException e) {
      // A third-party key that is not a curve point: the client's mistake.
      LOG.debug("{} refused: invalid peer key", request.methodName());
      return CompletableFuture.completedFuture(error(request, SignerError.INVALID_REQUEST));
    }
  }

  private CompletionStage<Nip46Response> dispatch(Nip46Request request, RequestContext ctx)
      throws InterruptedException, GeneralSecurityException {
    Instant now = clock.instant();
    Optional<Authorization> maybeAuth = ctx.authorization();
    if (maybeAuth.isEmpty()) {
      return done(error(request, SignerError.UNAUTHORIZED));
    }
    Authorization auth = maybeAuth.get();
    if (request instanceof Nip46Request.Connect c) {
      return done(connect(c, auth, ctx, now));
    }
    Optional<ConnectedClient> client =
        auth.isActiveAt(now) ? cache.client(auth.id(), ctx.clientPublicKey()) : Optional.empty();
    if (request instanceof Nip46Request.Unknown) {
      // Unknown methods are answered the same way whoever asks: it reveals nothing.
      return done(error(request, SignerError.UNSUPPORTED_METHOD));
    }
    Policy policy = cache.policy(auth.policyName()).orElse(null);
    PolicyDecision verdict;
    if (policy == null) {
      LOG.error("authorization {} names unknown policy {}", auth.id(), auth.policyName());
      verdict = PolicyDecision.deny(PolicyDecision.Deny.UNKNOWN_POLICY);
    } else {
      verdict = PolicyEvaluator.evaluate(policy, auth, client.orElse(null), policyRequest(request), now);
    }
    if (verdict instanceof PolicyDecision.Deny deny) {
      LOG.info("denied {} from client {} on authorization {}: {}", request.methodName(), ctx.clientPublicKey(),
          auth.id(), deny.reason());
      audit(auth, ctx, request, kindOf(request), AuditOutcome.DENIED, deny.reason());
      return done(error(request, errorFor(deny)));
    }
    switch (request) {
      case Nip46Request.Ping p -> {
        return done(Nip46Response.ok(p.id(), "pong"));
      }
      case Nip46Request.Logout l -> {
        boolean was = authorizations.disconnect(auth.id(), ctx.clientPublicKey());
        cache.invalidateClient(auth.id(), ctx.clientPublicKey());
        audit(auth, ctx, request, null, AuditOutcome.ALLOWED, was ? "logout" : "logout (not connected)");
        return done(Nip46Response.ok(l.id(), "ack"));
      }
      default -> {}
    }
    AuthorizationCache.UserKey user = cache.userKey(auth.keyName()).orElse(null);
    if (user == null) {
      LOG.warn("authorization {} names key {} which is missing", auth.id(), auth.keyName());
      return done(error(request, SignerError.UNAUTHORIZED));
    }
    ApprovalDecision decision;
    try {
      decision = approvalHook.review(request, ctx);
    } catch (RuntimeException e) {
      LOG.warn("approval hook threw for {}; denying", request.methodName(), e);
      decision = ApprovalDecision.deny("approval hook failed");
    }
    return switch (decision) {
      case ApprovalDecision.Allow a -> done(executeAudited(request, ctx, auth, user));
      case ApprovalDecision.Deny d -> {
        audit(auth, ctx, request, kindOf(request), AuditOutcome.DENIED, d.logReason());
        yield done(error(request, SignerError.PERMISSION_DENIED));
      }
      case ApprovalDecision.Challenge ch -> {
        ctx.sendInterim(new Nip46Response.AuthUrl(request.id(), ch.authUrl()));
        yield ch.decision()
            .toCompletableFuture()
            .copy() // the timeout must not complete the embedder's own future
            .orTimeout(approvalTimeout.toMillis(), TimeUnit.MILLISECONDS)
            .handleAsync((later, ex) -> {
              if (ex == null && later instanceof ApprovalDecision.Allow) {
                try {
                  return executeAudited(request, ctx, auth, user);
                } catch (RuntimeException e) {
                  return failure(request, e);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return error(request, SignerError.SHUTTING_DOWN);
                }
              }
              String why = ex != null ? "approval " + ex.getClass().getSimpleName() : "approval denied";
              audit(auth, ctx, request, kindOf(request), AuditOutcome.DENIED, why);
              return error(request, SignerError.PERMISSION_DENIED);
            }, AFTER_APPROVAL);
      }
    };
  }

  private Nip46Response connect(Nip46Request.Connect c, Authorization auth, RequestContext ctx, Instant now) {
    String first = c.signerPubkey();
    if (first != null
        && !first.equalsIgnoreCase(auth.userPublicKey().toHex())
        && !first.equalsIgnoreCase(auth.bunkerPublicKey().toHex())) {
      LOG.info("connect to authorization {} named another key", auth.id());
      audit(auth, ctx, c, null, AuditOutcome.DENIED, "connect names another key");
      return error(c, SignerError.UNAUTHORIZED);
    }
    ConnectOutcome outcome = authorizations.connect(auth.id(), ctx.clientPublicKey(), c.secret(), c.perms(), now);
    cache.invalidateClient(auth.id(), ctx.clientPublicKey());
    return switch (outcome) {
      case ConnectOutcome.Connected ok -> {
        audit(auth, ctx, c, null, AuditOutcome.ALLOWED, ok.newlyConnected() ? "connected" : "already connected");
        yield Nip46Response.ok(c.id(), "ack");
      }
      case ConnectOutcome.Rejected r -> {
        LOG.info("connect to authorization {} rejected: {}", auth.id(), r.reason());
        audit(auth, ctx, c, null, AuditOutcome.DENIED, r.reason().name().toLowerCase(java.util.Locale.ROOT));
        yield error(c, SignerError.UNAUTHORIZED);
      }
    };
  }

  private Nip46Response executeAudited(
      Nip46Request request, RequestContext ctx, Authorization auth, AuthorizationCache.UserKey user)
      throws InterruptedException {
    Nip46Response response = execute(request, auth, user);
    if (isAudited(request)) {
      boolean ok = response instanceof Nip46Response.Ok;
      audit(auth, ctx, request, kindOf(request), ok ? AuditOutcome.ALLOWED : AuditOutcome.FAILED,
          ok ? null : ((Nip46Response.Error) response).error());
    }
    return response;
  }

  private Nip46Response execute(Nip46Request request, Authorization auth, AuthorizationCache.UserKey user)
      throws InterruptedException {
    String id = request.id();
    try {
      return switch (request) {
        case Nip46Request.GetPublicKey r -> Nip46Response.ok(id, auth.userPublicKey().toHex());
        case Nip46Request.SignEvent r -> {
          EventTemplate t = r.template();
          UnsignedEvent unsigned =
              new UnsignedEvent(auth.userPublicKey(), t.createdAt(), t.kind(), t.tags(), t.content());
          yield Nip46Response.ok(id, cpu.call("sign_event", () -> NostrEvents.sign(unsigned, user.signer()).toJson()));
        }
        case Nip46Request.Nip44Encrypt r -> Nip46Response.ok(id, cpu.call("nip44_encrypt",
            () -> envelope.encrypt(Envelope.Scheme.NIP44, r.text(), user.secretKey(), peer(r.peerPubkeyHex()))));
        case Nip46Request.Nip04Encrypt r -> Nip46Response.ok(id, cpu.call("nip04_encrypt",
            () -> envelope.encrypt(Envelope.Scheme.NIP04, r.text(), user.secretKey(), peer(r.peerPubkeyHex()))));
        case Nip46Request.Nip44Decrypt r -> decrypt(id, Envelope.Scheme.NIP44, r.text(), user, r.peerPubkeyHex());
        case Nip46Request.Nip04Decrypt r -> decrypt(id, Envelope.Scheme.NIP04, r.text(), user, r.peerPubkeyHex());
        case Nip46Request.SwitchRelays r -> Nip46Response.ok(id, JSON.writeValueAsString(auth.relays()));
        case Nip46Request.Ping r -> Nip46Response.ok(id, "pong");
        case Nip46Request.Connect r -> error(request, SignerError.INTERNAL_ERROR); // handled before
        case Nip46Request.Logout r -> error(request, SignerError.INTERNAL_ERROR); // handled before
        case Nip46Request.Unknown r -> error(request, SignerError.UNSUPPORTED_METHOD);
      };
    } catch (InterruptedException | RuntimeException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      // An invalid peer key (not on the curve) is the client's mistake, not ours.
      LOG.debug("{} refused: invalid key", request.methodName());
      return error(request, SignerError.INVALID_REQUEST);
    } catch (Exception e) {
      return failure(request, e);
    }
  }

  private Nip46Response decrypt(
      String id, Envelope.Scheme scheme, String ciphertext, AuthorizationCache.UserKey user, String peerHex)
      throws Exception {
    PublicKey peer = peer(peerHex);
    try {
      String plain = cpu.call(scheme == Envelope.Scheme.NIP44 ? "nip44_decrypt" : "nip04_decrypt",
          () -> envelope.decrypt(scheme, ciphertext, user.secretKey(), peer));
      if (plain.isEmpty()) {
        return Nip46Response.error(id, SignerError.DECRYPTION_FAILED.wireText());
      }
      return Nip46Response.ok(id, plain);
    } catch (GeneralSecurityException e) {
      return Nip46Response.error(id, SignerError.DECRYPTION_FAILED.wireText());
    }
  }

  private static PublicKey peer(String hex) throws GeneralSecurityException {
    return PublicKey.fromHex(hex);
  }

  /** Extracts what the policy looks at. The request's peer key was validated (64 hex) by the codec. */
  private static PolicyRequest policyRequest(Nip46Request r) throws GeneralSecurityException {
    return switch (r) {
      case Nip46Request.SignEvent s -> new PolicyRequest.SignEvent(s.template().kind(), s.template().content());
      case Nip46Request.Nip04Encrypt e -> new PolicyRequest.Encrypt(Nip46Method.NIP04_ENCRYPT, peer(e.peerPubkeyHex()), e.text());
      case Nip46Request.Nip44Encrypt e -> new PolicyRequest.Encrypt(Nip46Method.NIP44_ENCRYPT, peer(e.peerPubkeyHex()), e.text());
      case Nip46Request.Nip04Decrypt d -> new PolicyRequest.Decrypt(Nip46Method.NIP04_DECRYPT, peer(d.peerPubkeyHex()));
      case Nip46Request.Nip44Decrypt d -> new PolicyRequest.Decrypt(Nip46Method.NIP44_DECRYPT, peer(d.peerPubkeyHex()));
      case Nip46Request.GetPublicKey g -> new PolicyRequest.Basic(Nip46Method.GET_PUBLIC_KEY);
      case Nip46Request.Ping p -> new PolicyRequest.Basic(Nip46Method.PING);
      case Nip46Request.SwitchRelays p -> new PolicyRequest.Basic(Nip46Method.SWITCH_RELAYS);
      case Nip46Request.Logout p -> new PolicyRequest.Basic(Nip46Method.LOGOUT);
      case Nip46Request.Connect p -> new PolicyRequest.Basic(Nip46Method.CONNECT);
      case Nip46Request.Unknown u -> throw new IllegalArgumentException("unknown method has no policy request");
    };
  }

  /** Maps the policy's reasons onto the stable client-facing strings. */
  private static SignerError errorFor(PolicyDecision.Deny deny) {
    return switch (deny.reason()) {
      case PolicyDecision.Deny.REVOKED, PolicyDecision.Deny.EXPIRED, PolicyDecision.Deny.NOT_CONNECTED,
          PolicyDecision.Deny.UNKNOWN_POLICY -> SignerError.UNAUTHORIZED;
      case PolicyDecision.Deny.RATE_LIMITED -> SignerError.RATE_LIMITED;
      default -> SignerError.PERMISSION_DENIED;
    };
  }

  private static boolean isAudited(Nip46Request r) {
    return switch (r) {
      case Nip46Request.SignEvent s -> true;
      case Nip46Request.Nip04Encrypt s -> true;
      case Nip46Request.Nip04Decrypt s -> true;
      case Nip46Request.Nip44Encrypt s -> true;
      case Nip46Request.Nip44Decrypt s -> true;
      default -> false;
    };
  }

  private static @Nullable Integer kindOf(Nip46Request r) {
    return r instanceof Nip46Request.SignEvent s ? s.template().kind() : null;
  }

  private void audit(Authorization auth, RequestContext ctx, Nip46Request r, @Nullable Integer kind,
      AuditOutcome outcome, @Nullable String reason) {
    try {
      String method = Nip46Method.fromWireName(r.methodName()).map(Nip46Method::wireName).orElse("unknown");
      audit.record(new AuditEntry(clock.instant(), auth.id(), ctx.clientPublicKey(), method, kind, outcome,
          reason == null ? null : (reason.length() > 256 ? reason.substring(0, 256) : reason)));
    } catch (RuntimeException e) {
      // Availability over completeness: a failed audit write does not fail the request; it is loud in the log.
      LOG.warn("audit write failed for {} on authorization {}: {}", r.methodName(), auth.id(), e.toString());
    }
  }

  private static Nip46Response failure(Nip46Request request, Exception e) {
    if (e instanceof DatabaseUnavailableException) {
      LOG.warn("{} failed: database unavailable: {}", request.methodName(), e.getMessage());
      return error(request, SignerError.UNAVAILABLE);
    }
    if (e instanceof StoreException) {
      LOG.error("{} failed in the store", request.methodName(), e);
      return error(request, SignerError.INTERNAL_ERROR);
    }
    if (e instanceof java.util.concurrent.RejectedExecutionException) {
      LOG.warn("{} refused by the CPU executor: {}", request.methodName(), e.getMessage());
      return error(request, SignerError.OVERLOADED);
    }
    LOG.error("{} failed", request.methodName(), e);
    return error(request, SignerError.INTERNAL_ERROR);
  }

  private static Nip46Response error(Nip46Request request, SignerError error) {
    return Nip46Response.error(request.id(), error.wireText());
  }

  private static CompletionStage<Nip46Response> done(Nip46Response r) {
    return CompletableFuture.completedFuture(r);
  }

  /** Builds a {@link DefaultRequestHandler}. Not thread-safe. */
  public static final class Builder {
    private final AuthorizationStore authorizations;
    private final AuditLog audit;
    private final AuthorizationCache cache;
    private final CpuExecutor cpu;
    private @Nullable ApprovalHook approvalHook;
    private Duration approvalTimeout = Duration.ofMinutes(5);
    private Clock clock = Clock.systemUTC();
    private int conversationKeyCacheSize = 10_000;

    private Builder(AuthorizationStore authorizations, AuditLog audit, AuthorizationCache cache, CpuExecutor cpu) {
      this.authorizations = Objects.requireNonNull(authorizations, "authorizations");
      this.audit = Objects.requireNonNull(audit, "audit");
      this.cache = Objects.requireNonNull(cache, "cache");
      this.cpu = Objects.requireNonNull(cpu, "cpu");
    }

    /**
     * Sets the approval hook (required: use {@link ApprovalHook#policyOnly()} to let policies alone decide).
     *
     * @throws IllegalStateException if already set
     */
    public Builder approvalHook(ApprovalHook hook) {
      if (this.approvalHook != null) {
        throw new IllegalStateException("approvalHook was already set");
      }
      this.approvalHook = Objects.requireNonNull(hook, "hook");
      return this;
    }

    /** @param timeout how long an {@code auth_url} challenge may stay unanswered before the request is denied */
    public Builder approvalTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("approvalTimeout must be positive");
      }
      this.approvalTimeout = timeout;
      return this;
    }

    /** @param clock the clock for expiry checks and audit times */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds.
     *
     * @throws NullPointerException if no approval hook was set
     */
    public DefaultRequestHandler build() {
      return new DefaultRequestHandler(this);
    }
  }
}
