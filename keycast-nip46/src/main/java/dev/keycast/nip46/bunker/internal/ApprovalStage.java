package dev.keycast.nip46.bunker.internal;

import dev.keycast.crypto.PublicKey;
import dev.keycast.nip46.Nip46Request;
import dev.keycast.nip46.Nip46Response;
import dev.keycast.nip46.Permission;
import dev.keycast.nip46.server.Approvals;
import dev.keycast.nip46.server.PendingApproval;
import dev.keycast.nip46.server.RequestContext;
import dev.keycast.nip46.server.SignerError;
import dev.keycast.nip46.store.AuditOutcome;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.ConnectedClient;
import dev.keycast.nip46.store.RememberedApproval;
import dev.keycast.nip46.store.RememberedApprovalStore;
import dev.keycast.nip46.store.StoreException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage <b>approve</b>: the bunker's built-in approver for what a policy lists under {@code
 * askPermissions} (the policy stage's {@link dev.keycast.nip46.policy.PolicyDecision.Ask}). A
 * remembered answer for the same authorization, client and permission decides at once; otherwise
 * the client is sent {@code auth_url} (the embedder's URL for a new random approval id) and the
 * request is parked here: a map entry and a future, no worker, no CPU thread. A timer (the JDK's
 * shared delay scheduler) denies it after the approval timeout.
 *
 * <p>On {@link Approvals.Verdict#ALLOW} the request is re-checked against the store as it is at
 * that moment ({@link PolicyStage#recheck}: revoked, expired, logged out, policy changed; issue 13
 * item 7) and then handled, on a fresh virtual thread ({@code keycast-approved}); its reply follows
 * under the request's id. Deny and timeout answer {@code permission denied: approval denied} /
 * {@code … timed out}. Every decision is audited (who decided, what was remembered; never content).
 *
 * <p>Remembered answers live in a {@link RememberedApprovalStore} (the database's in a daemon: they
 * survive a restart and hold on every cluster member); the approver sees the client's name as
 * stored with the connected client (its cleaned {@code connect} metadata).
 *
 * <p>Thread-safe: parked requests live in a concurrent map, and each is decided at most once (the
 * first completion of its future wins). {@link #ask} runs on a queue worker and blocks on the
 * store's lookup of a remembered answer and the client's name (cached), and on the handler's own
 * work when an answer is remembered; {@link #decide} never blocks (the answer is remembered on the
 * thread that runs the decided request).
 */
final class ApprovalStage implements Approvals {
  private static final Logger LOG = LoggerFactory.getLogger(ApprovalStage.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Executor AFTER_DECISION =
      r -> Thread.ofVirtual().name("keycast-approved").start(r);

  /** The most requests that may wait for approval at once; beyond, they are refused. */
  static final int MAX_PENDING = 1024;

  static final String DENIED = SignerError.PERMISSION_DENIED.wireText() + ": approval denied";
  static final String TIMED_OUT = SignerError.PERMISSION_DENIED.wireText() + ": approval timed out";
  static final String UNAVAILABLE =
      SignerError.PERMISSION_DENIED.wireText() + ": approval required, none available";

  private enum Kind {
    ALLOW,
    DENY,
    TIMEOUT,
    SHUTDOWN
  }

  private record Decision(Kind kind, @Nullable Duration remember, String by) {
    static final Decision TIMEOUT = new Decision(Kind.TIMEOUT, null, "timeout");
    static final Decision SHUTDOWN = new Decision(Kind.SHUTDOWN, null, "shutdown");
  }

  private record Parked(PendingApproval view, CompletableFuture<Decision> decision) {}

  private final Map<String, Parked> parked = new ConcurrentHashMap<>();

  /** The most remembered answers {@link #remembered()} lists. */
  static final int MAX_LISTED = 1000;

  private final AuthorizationCache cache;
  private final RememberedApprovalStore remembered;
  private final @Nullable PolicyStage policy;
  private final HandleStage handle;
  private final Auditor auditor;
  private final Clock clock;
  private final @Nullable Function<String, String> urlFor;
  private final Duration timeout;
  private volatile boolean closed;

  /**
   * @param policy the policy stage, for the re-check after an approval (null: no policy stage,
   *     nothing is ever asked)
   * @param urlFor the {@code auth_url} for an approval id, or null when the embedder offers no
   *     approver (asked requests are then refused)
   * @param timeout how long a request may wait for a decision
   * @param cache the clients (their names for approvers)
   * @param remembered where remembered answers live (the database's: shared by every daemon on it,
   *     kept across restarts)
   */
  ApprovalStage(
      @Nullable PolicyStage policy,
      HandleStage handle,
      AuthorizationCache cache,
      RememberedApprovalStore remembered,
      Auditor auditor,
      Clock clock,
      @Nullable Function<String, String> urlFor,
      Duration timeout) {
    this.policy = policy;
    this.handle = handle;
    this.cache = cache;
    this.remembered = remembered;
    this.auditor = auditor;
    this.clock = clock;
    this.urlFor = urlFor;
    this.timeout = timeout;
  }

  /**
   * Asks for approval of a request the policy stage marked {@code ask}.
   *
   * @return the answer: the handler's (a remembered allow), done now (a remembered deny, no
   *     approver, too many waiting), or later (after a decision or the timeout); never completes
   *     exceptionally
   */
  CompletableFuture<Nip46Response> ask(
      Nip46Request request, Authorization auth, PublicKey client, RequestContext ctx) {
    Instant now = clock.instant();
    String permission = permissionOf(request);
    Verdict known = rememberedVerdict(auth.id(), client, permission, now);
    if (known == Verdict.ALLOW) {
      return handle.handle(request, ctx);
    }
    if (known == Verdict.DENY) {
      audit(auth, client, request, AuditOutcome.DENIED, "approval denied (remembered)");
      return CompletableFuture.completedFuture(Nip46Response.error(request.id(), DENIED));
    }
    if (closed) {
      return CompletableFuture.completedFuture(
          Nip46Response.error(request.id(), SignerError.SHUTTING_DOWN.wireText()));
    }
    Function<String, String> urls = urlFor;
    if (urls == null) {
      LOG.warn(
          "{} on authorization {} needs approval, but no approval URL is configured",
          request.methodName(),
          auth.id());
      audit(auth, client, request, AuditOutcome.DENIED, "approval required, no approver");
      return CompletableFuture.completedFuture(Nip46Response.error(request.id(), UNAVAILABLE));
    }
    if (parked.size() >= MAX_PENDING) {
      audit(auth, client, request, AuditOutcome.DENIED, "too many pending approvals");
      return CompletableFuture.completedFuture(
          Nip46Response.error(request.id(), SignerError.RATE_LIMITED.wireText()));
    }
    String id = newId();
    String url;
    try {
      url = Objects.requireNonNull(urls.apply(id), "the approval URL function returned null");
    } catch (RuntimeException e) {
      LOG.error("the approval URL function failed; refusing {}", request.methodName(), e);
      audit(auth, client, request, AuditOutcome.DENIED, "approval required, no approver");
      return CompletableFuture.completedFuture(Nip46Response.error(request.id(), UNAVAILABLE));
    }
    PendingApproval view =
        new PendingApproval(
            id,
            request.id(),
            request.methodName(),
            permission,
            Auditor.kindOf(request),
            request instanceof Nip46Request.SignEvent s ? s.template().content() : null,
            peerOf(request),
            client,
            clientName(auth.id(), client),
            auth.id(),
            auth.keyName(),
            now,
            now.plus(timeout),
            url);
    CompletableFuture<Decision> decision = new CompletableFuture<>();
    parked.put(id, new Parked(view, decision));
    var unused = decision.whenComplete((d, ex) -> parked.remove(id));
    decision.completeOnTimeout(Decision.TIMEOUT, timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (closed) {
      decision.complete(Decision.SHUTDOWN);
    }
    LOG.info(
        "{} from client {} on authorization {} waits for approval {}",
        request.methodName(),
        client,
        auth.id(),
        id);
    ctx.sendInterim(new Nip46Response.AuthUrl(request.id(), view.url()));
    return decision.thenComposeAsync(
        d -> afterDecision(d, request, auth, client, ctx, permission), AFTER_DECISION);
  }

  private CompletableFuture<Nip46Response> afterDecision(
      Decision d,
      Nip46Request request,
      Authorization auth,
      PublicKey client,
      RequestContext ctx,
      String permission) {
    try {
      Instant now = clock.instant();
      Duration remember = d.remember();
      String remembering =
          remember == null ? "" : " (remembered for " + remember.toSeconds() + " s)";
      switch (d.kind()) {
        case ALLOW -> {
          if (remember != null) {
            remember(auth.id(), client, permission, true, d.by(), now, remember);
          }
          audit(auth, client, request, AuditOutcome.ALLOWED, "approved by " + d.by() + remembering);
          // The decision may come minutes later: hold the request against the store as it is now.
          Optional<Nip46Response> refused =
              policy == null ? Optional.empty() : policy.recheck(request, auth, client);
          if (refused.isPresent()) {
            return CompletableFuture.completedFuture(refused.get());
          }
          return handle.handle(request, ctx);
        }
        case DENY -> {
          if (remember != null) {
            remember(auth.id(), client, permission, false, d.by(), now, remember);
          }
          audit(auth, client, request, AuditOutcome.DENIED, "denied by " + d.by() + remembering);
          return CompletableFuture.completedFuture(Nip46Response.error(request.id(), DENIED));
        }
        case TIMEOUT -> {
          audit(auth, client, request, AuditOutcome.DENIED, "approval timed out");
          return CompletableFuture.completedFuture(Nip46Response.error(request.id(), TIMED_OUT));
        }
        case SHUTDOWN -> {
          return CompletableFuture.completedFuture(
              Nip46Response.error(request.id(), SignerError.SHUTTING_DOWN.wireText()));
        }
      }
      throw new IllegalStateException("unreachable");
    } catch (RuntimeException e) {
      LOG.error("approval of {} failed", request.methodName(), e);
      return CompletableFuture.completedFuture(
          Nip46Response.error(request.id(), SignerError.INTERNAL_ERROR.wireText()));
    }
  }

  @Override
  public List<PendingApproval> pending() {
    List<PendingApproval> out = new ArrayList<>();
    for (Parked p : parked.values()) {
      out.add(p.view());
    }
    out.sort(Comparator.comparing(PendingApproval::createdAt).thenComparing(PendingApproval::id));
    return out;
  }

  @Override
  public Optional<PendingApproval> find(String id) {
    Parked p = parked.get(id);
    return p == null ? Optional.empty() : Optional.of(p.view());
  }

  @Override
  public Outcome decide(String id, Verdict verdict, @Nullable Duration remember, String decidedBy) {
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(decidedBy, "decidedBy");
    if (remember != null
        && (remember.isNegative() || remember.isZero() || remember.compareTo(MAX_REMEMBER) > 0)) {
      throw new IllegalArgumentException("remember must be positive and at most 1 day");
    }
    Parked p = parked.get(id);
    if (p == null) {
      return Outcome.UNKNOWN;
    }
    String by = decidedBy.length() > 64 ? decidedBy.substring(0, 64) : decidedBy;
    boolean won =
        p.decision()
            .complete(
                new Decision(verdict == Verdict.ALLOW ? Kind.ALLOW : Kind.DENY, remember, by));
    return won ? Outcome.DECIDED : Outcome.UNKNOWN;
  }

  @Override
  public List<Remembered> remembered() {
    List<Remembered> out = new ArrayList<>();
    for (RememberedApproval a : remembered.list(clock.instant(), MAX_LISTED)) {
      out.add(
          new Remembered(
              a.authorizationId(),
              a.clientPublicKey(),
              a.permission(),
              a.allowed() ? Verdict.ALLOW : Verdict.DENY,
              a.expiresAt()));
    }
    return out;
  }

  @Override
  public int forget(long authorizationId, PublicKey clientPublicKey) {
    return remembered.forget(authorizationId, clientPublicKey);
  }

  /** How many requests wait for a decision. Never blocks. */
  int pendingCount() {
    return parked.size();
  }

  /**
   * The answer remembered for this request, or null: a store failure is logged and the request is
   * asked about (never allowed by default).
   */
  private @Nullable Verdict rememberedVerdict(
      long authorizationId, PublicKey client, String permission, Instant now) {
    try {
      return remembered
          .find(authorizationId, client, permission, now)
          .map(a -> a.allowed() ? Verdict.ALLOW : Verdict.DENY)
          .orElse(null);
    } catch (StoreException e) {
      LOG.warn("cannot read remembered approvals, asking instead: {}", e.getMessage());
      return null;
    }
  }

  private void remember(
      long authorizationId,
      PublicKey client,
      String permission,
      boolean allowed,
      String by,
      Instant now,
      Duration remember) {
    try {
      remembered.remember(
          new RememberedApproval(
              authorizationId, client, permission, allowed, by, now, now.plus(remember)));
    } catch (StoreException e) {
      // The decision itself stands; only the remembering is lost (the next request asks again).
      LOG.warn("cannot remember the approval answer: {}", e.getMessage());
    }
  }

  /**
   * The name the client gave in its {@code connect} metadata (stored with the connected client,
   * already cleaned and bounded), shown to approvers as a hint, never trusted; null if none or the
   * store cannot say.
   */
  private @Nullable String clientName(long authorizationId, PublicKey client) {
    try {
      return cache
          .client(authorizationId, client)
          .map(ConnectedClient::metadata)
          .map(m -> m.name())
          .orElse(null);
    } catch (StoreException e) {
      return null;
    }
  }

  /**
   * Refuses new approvals and ends the waiting ones (their clients are answered {@code shutting
   * down} by the reply sender). Never blocks.
   */
  void close() {
    closed = true;
    for (Parked p : new ArrayList<>(parked.values())) {
      p.decision().complete(Decision.SHUTDOWN);
    }
  }

  private void audit(
      Authorization auth, PublicKey client, Nip46Request r, AuditOutcome outcome, String reason) {
    auditor.record(auth, client, r, Auditor.kindOf(r), outcome, reason);
  }

  /** What a remembered answer covers: {@code sign_event:KIND}, or the method. */
  static String permissionOf(Nip46Request r) {
    if (r instanceof Nip46Request.SignEvent s) {
      return Permission.signEvent(s.template().kind()).toString();
    }
    return r.methodName();
  }

  private static @Nullable PublicKey peerOf(Nip46Request r) {
    String hex =
        switch (r) {
          case Nip46Request.Nip04Encrypt e -> e.peerPubkeyHex();
          case Nip46Request.Nip04Decrypt e -> e.peerPubkeyHex();
          case Nip46Request.Nip44Encrypt e -> e.peerPubkeyHex();
          case Nip46Request.Nip44Decrypt e -> e.peerPubkeyHex();
          default -> null;
        };
    if (hex == null) {
      return null;
    }
    try {
      return PublicKey.fromHex(hex);
    } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
      return null;
    }
  }

  private static String newId() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
