package dev.keycast.nip46.bunker.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.UnsignedEvent;
import dev.keycast.nip46.ClientMetadata;
import dev.keycast.nip46.EventTemplate;
import dev.keycast.nip46.Nip46Envelope;
import dev.keycast.nip46.Nip46Request;
import dev.keycast.nip46.Nip46Response;
import dev.keycast.nip46.server.ApprovalDecision;
import dev.keycast.nip46.server.ApprovalHook;
import dev.keycast.nip46.server.RequestContext;
import dev.keycast.nip46.server.RequestHandler;
import dev.keycast.nip46.server.SignerError;
import dev.keycast.nip46.store.AuditLog;
import dev.keycast.nip46.store.AuditOutcome;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.AuthorizationStore;
import dev.keycast.nip46.store.ConnectOutcome;
import dev.keycast.queue.CpuExecutor;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standard handler: serves every NIP-46 method for the user keys in a {@link
 * dev.keycast.nip46.store.KeyStore} through the authorizations of an {@link AuthorizationStore}. It
 * runs behind the pipeline's policy stage ({@link PolicyStage}), which has already held the request
 * against the authorization's policy (revoked, expired, connected, perms ∩ policy, content rules);
 * what is left here:
 *
 * <ol>
 *   <li>the authorization exists ({@code unauthorized});
 *   <li>{@code connect}: the authorization's secret (one use of a single-use or {@code max_uses}
 *       secret, consumed atomically by the store);
 *   <li>the {@link ApprovalHook} (allow, deny, or an {@code auth_url} challenge answered later; a
 *       request allowed later is first re-checked against the store as it is then, see {@link
 *       PolicyStage#recheck}).
 * </ol>
 *
 * <p>{@code connect} accepts an empty first parameter, the user key or the signer key. {@code
 * get_public_key} returns the <em>user</em> key; {@code sign_event} returns the signed event JSON;
 * {@code switch_relays} returns the authorization's relays as a JSON array string; {@code logout}
 * answers {@code "ack"} and disconnects the client; unknown methods get {@code unsupported method}.
 * Every outcome of a sensitive method is written to the {@link AuditLog} (method, kind, client,
 * outcome; never content).
 *
 * <p><b>Threads.</b> Called on work-queue workers (virtual threads), or, for a warm request when
 * this handler is undecorated and has no approval hook of the embedder's, on a thread of the {@link
 * CpuExecutor} inside the request's first call ({@link RequestPath}; every lookup is then in memory
 * and its own CPU calls run inline). Store lookups go through the {@link AuthorizationCache};
 * signing and encryption run on the {@link CpuExecutor}. Thread-safe; holds no lock across I/O.
 * {@link #handle} never throws: store outages become {@code unavailable, retry later}, anything
 * else {@code internal error}, with detail in the log.
 */
public final class DefaultRequestHandler implements RequestHandler {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultRequestHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Executor AFTER_APPROVAL =
      r -> Thread.ofVirtual().name("keycast-approved").start(r);

  private final AuthorizationStore authorizations;
  private final Auditor auditor;
  private final AuthorizationCache cache;
  private final CpuExecutor cpu;
  private final ApprovalHook approvalHook;
  private final Duration approvalTimeout;
  private final Clock clock;
  private final Nip46Envelope envelope;
  private final ConnectBudget connectBudget;
  private final PolicyStage recheck;

  private DefaultRequestHandler(Builder b) {
    this.authorizations = b.authorizations;
    this.auditor = new Auditor(b.audit, b.clock);
    this.cache = b.cache;
    this.cpu = b.cpu;
    this.approvalHook =
        Objects.requireNonNull(b.approvalHook, "approvalHook must be set explicitly");
    this.approvalTimeout = b.approvalTimeout;
    this.clock = b.clock;
    this.envelope = b.envelope;
    this.recheck = new PolicyStage(b.cache, auditor, b.clock);
    this.connectBudget =
        new ConnectBudget(
            ConnectBudget.DEFAULT_BURST, ConnectBudget.DEFAULT_PER_SECOND, System::nanoTime);
  }

  /**
   * Returns a builder.
   *
   * @param authorizations the authorization store (for connect and logout)
   * @param audit the audit log
   * @param cache the cache over the stores (shared with the pipeline)
   * @param cpu the executor for signing and encryption (shared with the pipeline)
   * @param envelope the ciphers and their conversation-key cache (shared with the pipeline)
   * @return a builder
   */
  public static Builder builder(
      AuthorizationStore authorizations,
      AuditLog audit,
      AuthorizationCache cache,
      CpuExecutor cpu,
      Nip46Envelope envelope) {
    return new Builder(authorizations, audit, cache, cpu, envelope);
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
    return switch (request) {
      case Nip46Request.Connect c -> done(connect(c, auth, ctx, now));
      // Unknown methods are answered the same way whoever asks: it reveals nothing.
      case Nip46Request.Unknown u -> done(error(request, SignerError.UNSUPPORTED_METHOD));
      case Nip46Request.Ping p -> done(Nip46Response.ok(p.id(), "pong"));
      case Nip46Request.Logout l -> done(logout(l, auth, ctx));
      default -> approveAndExecute(request, ctx, auth);
    };
  }

  private Nip46Response logout(Nip46Request.Logout l, Authorization auth, RequestContext ctx) {
    boolean was = authorizations.disconnect(auth.id(), ctx.clientPublicKey());
    cache.invalidateClient(auth.id(), ctx.clientPublicKey());
    auditor.record(
        auth,
        ctx.clientPublicKey(),
        l,
        null,
        AuditOutcome.ALLOWED,
        was ? "logout" : "logout (not connected)");
    return Nip46Response.ok(l.id(), "ack");
  }

  /** The methods that use the user key: the approval hook decides, then they run (audited). */
  private CompletionStage<Nip46Response> approveAndExecute(
      Nip46Request request, RequestContext ctx, Authorization auth) throws InterruptedException {
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
        auditor.record(
            auth,
            ctx.clientPublicKey(),
            request,
            Auditor.kindOf(request),
            AuditOutcome.DENIED,
            d.logReason());
        yield done(error(request, SignerError.PERMISSION_DENIED));
      }
      case ApprovalDecision.Challenge ch -> {
        ctx.sendInterim(new Nip46Response.AuthUrl(request.id(), ch.authUrl()));
        yield ch.decision()
            .toCompletableFuture()
            .copy() // the timeout must not complete the embedder's own future
            .orTimeout(approvalTimeout.toMillis(), TimeUnit.MILLISECONDS)
            .handleAsync(
                (later, ex) -> {
                  if (ex == null && later instanceof ApprovalDecision.Allow) {
                    try {
                      // The answer may come minutes later: hold the request against the store as
                      // it is now (revoked, expired, logged out, policy narrowed: refused).
                      Optional<Nip46Response> refused =
                          recheck.recheck(request, auth, ctx.clientPublicKey());
                      if (refused.isPresent()) {
                        return refused.get();
                      }
                      return executeAudited(request, ctx, auth, user);
                    } catch (RuntimeException e) {
                      return failure(request, e);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                      return error(request, SignerError.SHUTTING_DOWN);
                    }
                  }
                  String why =
                      ex != null ? "approval " + ex.getClass().getSimpleName() : "approval denied";
                  auditor.record(
                      auth,
                      ctx.clientPublicKey(),
                      request,
                      Auditor.kindOf(request),
                      AuditOutcome.DENIED,
                      why);
                  return error(request, SignerError.PERMISSION_DENIED);
                },
                AFTER_APPROVAL);
      }
    };
  }

  private Nip46Response connect(
      Nip46Request.Connect c, Authorization auth, RequestContext ctx, Instant now) {
    String first = c.signerPubkey();
    if (first != null
        && !first.equalsIgnoreCase(auth.userPublicKey().toHex())
        && !first.equalsIgnoreCase(auth.bunkerPublicKey().toHex())) {
      LOG.debug("connect to authorization {} named another key", auth.id());
      connectBudget.refused(auth.bunkerPublicKey());
      return error(c, SignerError.UNAUTHORIZED);
    }
    if (!connectBudget.allows(auth.bunkerPublicKey())
        && cache.client(auth.id(), ctx.clientPublicKey()).isEmpty()) {
      // Refusals to this bunker key used up its budget: no store query until it refills.
      return error(c, SignerError.RATE_LIMITED);
    }
    // A display hint, cleaned and bounded; bad metadata never fails the connect.
    ClientMetadata metadata = ClientMetadata.fromJson(c.metadataJson());
    ConnectOutcome outcome =
        authorizations.connect(
            auth.id(), ctx.clientPublicKey(), c.secret(), c.perms(), metadata, now);
    return switch (outcome) {
      case ConnectOutcome.Connected ok -> {
        if (!ok.newlyConnected() && !metadata.isEmpty()) {
          cache.invalidateClient(auth.id(), ctx.clientPublicKey()); // its metadata may be new
        }
        if (ok.newlyConnected()) {
          cache.invalidateClient(auth.id(), ctx.clientPublicKey());
          auditor.record(auth, ctx.clientPublicKey(), c, null, AuditOutcome.ALLOWED, "connected");
        }
        yield Nip46Response.ok(c.id(), "ack");
      }
      case ConnectOutcome.Rejected r -> {
        // An unauthenticated refusal: counted in the metrics (connect replies with outcome
        // "error"), never in the audit table, which anyone knowing the bunker key could fill.
        connectBudget.refused(auth.bunkerPublicKey());
        LOG.debug("connect to authorization {} rejected: {}", auth.id(), r.reason());
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
      auditor.record(
          auth,
          ctx.clientPublicKey(),
          request,
          Auditor.kindOf(request),
          ok ? AuditOutcome.ALLOWED : AuditOutcome.FAILED,
          ok ? null : ((Nip46Response.Error) response).error());
    }
    return response;
  }

  private Nip46Response execute(
      Nip46Request request, Authorization auth, AuthorizationCache.UserKey user)
      throws InterruptedException {
    String id = request.id();
    try {
      return switch (request) {
        case Nip46Request.GetPublicKey r -> Nip46Response.ok(id, auth.userPublicKey().toHex());
        case Nip46Request.SignEvent r -> {
          EventTemplate t = r.template();
          UnsignedEvent unsigned =
              new UnsignedEvent(
                  auth.userPublicKey(), t.createdAt(), t.kind(), t.tags(), t.content());
          yield okSealedAhead(
              id,
              "sign_event",
              () -> NostrEvents.signDeterministic(unsigned, user.signer()).toJson());
        }
        case Nip46Request.Nip44Encrypt r ->
            okSealedAhead(
                id,
                "nip44_encrypt",
                () ->
                    envelope.encryptSynthetic(
                        Nip46Envelope.Scheme.NIP44,
                        r.text(),
                        user.secretKey(),
                        peer(r.peerPubkeyHex()),
                        id.getBytes(StandardCharsets.UTF_8)));
        case Nip46Request.Nip04Encrypt r ->
            okSealedAhead(
                id,
                "nip04_encrypt",
                () ->
                    envelope.encryptSynthetic(
                        Nip46Envelope.Scheme.NIP04,
                        r.text(),
                        user.secretKey(),
                        peer(r.peerPubkeyHex()),
                        id.getBytes(StandardCharsets.UTF_8)));
        case Nip46Request.Nip44Decrypt r ->
            decrypt(id, Nip46Envelope.Scheme.NIP44, r.text(), user, r.peerPubkeyHex());
        case Nip46Request.Nip04Decrypt r ->
            decrypt(id, Nip46Envelope.Scheme.NIP04, r.text(), user, r.peerPubkeyHex());
        case Nip46Request.SwitchRelays r ->
            Nip46Response.ok(id, JSON.writeValueAsString(auth.relays()));
        default ->
            throw new IllegalStateException(request.methodName() + " is answered by dispatch");
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

  /**
   * Runs {@code work} on the CPU executor and answers its result; when the request path opened a
   * {@link SealAhead} on this worker, the same CPU call seals that answer into the reply too.
   */
  private Nip46Response okSealedAhead(String id, String step, Callable<String> work)
      throws Exception {
    SealAhead ahead = SealAhead.current(); // read here, on the worker: the slot is its own
    return cpu.call(
        step,
        TaskRegistry.timed(
            step,
            () -> {
              Nip46Response ok = Nip46Response.ok(id, work.call());
              if (ahead != null) {
                ahead.seal(ok);
              }
              return ok;
            }));
  }

  private Nip46Response decrypt(
      String id,
      Nip46Envelope.Scheme scheme,
      String ciphertext,
      AuthorizationCache.UserKey user,
      String peerHex)
      throws Exception {
    PublicKey peer = peer(peerHex);
    try {
      String plain =
          cpu.call(
              scheme == Nip46Envelope.Scheme.NIP44 ? "nip44_decrypt" : "nip04_decrypt",
              TaskRegistry.timed(
                  "decrypt", () -> envelope.decrypt(scheme, ciphertext, user.secretKey(), peer)));
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

  private static Nip46Response failure(Nip46Request request, Exception e) {
    return error(request, HandlerFailures.of(request, e));
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
    private final Nip46Envelope envelope;
    private Clock clock = Clock.systemUTC();

    private Builder(
        AuthorizationStore authorizations,
        AuditLog audit,
        AuthorizationCache cache,
        CpuExecutor cpu,
        Nip46Envelope envelope) {
      this.authorizations = Objects.requireNonNull(authorizations, "authorizations");
      this.audit = Objects.requireNonNull(audit, "audit");
      this.cache = Objects.requireNonNull(cache, "cache");
      this.cpu = Objects.requireNonNull(cpu, "cpu");
      this.envelope = Objects.requireNonNull(envelope, "envelope");
    }

    /**
     * Sets the approval hook (required: use {@link ApprovalHook#policyOnly()} to let policies alone
     * decide).
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

    /**
     * Sets how long an {@code auth_url} challenge may stay unanswered.
     *
     * @param timeout how long an {@code auth_url} challenge may stay unanswered before the request
     *     is denied
     */
    public Builder approvalTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("approvalTimeout must be positive");
      }
      this.approvalTimeout = timeout;
      return this;
    }

    /**
     * Sets the clock for expiry checks and audit times.
     *
     * @param clock the clock for expiry checks and audit times
     */
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
