package dev.keycast.nip46.bunker.internal;

import dev.keycast.crypto.PublicKey;
import dev.keycast.nip46.Nip46Envelope;
import dev.keycast.nip46.Nip46Request;
import dev.keycast.nip46.Nip46Response;
import dev.keycast.nip46.server.EventRejectReason;
import dev.keycast.nip46.server.RequestContext;
import dev.keycast.nip46.server.SignerError;
import dev.keycast.nip46.server.TaskSnapshot.Stage;
import dev.keycast.nip46.store.Authorization;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A request's path on a queue worker: verify, authorize, decrypt, policy, handle (or, for what the
 * policy asks a human about, approve: {@link ApprovalStage}, answered later), then the reply (seal,
 * publish) through the {@link ReplySender}. Each stage either passes the request on or ends it
 * (dropped and counted, or answered); from a readable body on, every outcome is a reply. The
 * CPU-bound stages share CPU calls where nothing blocking lies between them: verify, authorize and
 * decrypt in one ({@link FrontStage}, when authorize's lookups are in memory), the default
 * handler's work and the seal in another ({@link SealAhead}); for a warm request to the default
 * handler all of them, policy included, in the first ({@link #handleHere}). Thread-safe: each call
 * works on its own task.
 */
final class RequestPath {
  private final FrontStage front;
  private final AuthorizeStage authorize;
  private final DecryptStage decrypt;
  private final @Nullable PolicyStage policy;
  private final HandleStage handle;
  private final ApprovalStage approvals;
  private final ReplySender replies;
  private final InFlight inFlight;
  private final StatsRecorder stats;
  private final TaskRegistry registry;
  private final @Nullable InlineHandling inline;

  /**
   * What lets a warm request's policy check, handler and seal run in the front's CPU call: the
   * handler never blocks on a request whose lookups are in memory (the default handler, not
   * decorated, with the policy-only approval hook), and the audit buffer has room.
   *
   * @param cache tells whether the user key is in memory
   * @param auditHasRoom whether an audit entry would be buffered, not written at once
   */
  record InlineHandling(AuthorizationCache cache, BooleanSupplier auditHasRoom) {}

  /**
   * @param policy the policy stage, or null when a handler that replaces the default one decides
   *     itself
   * @param inline when warm requests are answered in the front's CPU call, or null never
   */
  RequestPath(
      FrontStage front,
      AuthorizeStage authorize,
      DecryptStage decrypt,
      @Nullable PolicyStage policy,
      HandleStage handle,
      ApprovalStage approvals,
      ReplySender replies,
      InFlight inFlight,
      StatsRecorder stats,
      TaskRegistry registry,
      @Nullable InlineHandling inline) {
    this.front = front;
    this.authorize = authorize;
    this.decrypt = decrypt;
    this.policy = policy;
    this.handle = handle;
    this.approvals = approvals;
    this.replies = replies;
    this.inFlight = inFlight;
    this.stats = stats;
    this.registry = registry;
    this.inline = policy == null ? null : inline;
  }

  /**
   * Processes one request on a worker. Blocks for CPU work, store I/O and the relays' flow control.
   */
  void process(RequestTask task) throws InterruptedException {
    boolean answerLater = false;
    long entered = registry.enter(task);
    try {
      answerLater = run(task);
    } finally {
      registry.exit(task, entered);
      if (!answerLater) {
        inFlight.remove(task);
      }
    }
  }

  /** Returns {@code true} when the handler answers later (the reply sender then ends the task). */
  private boolean run(RequestTask task) throws InterruptedException {
    RequestParties parties;
    AuthorizeStage.Authorized authorized;
    Nip46Envelope.Scheme scheme;
    DecryptStage.Opened opened;
    switch (front.open(task, inline == null ? f -> f : f -> handleHere(task, f))) {
      case FrontStage.Front.Dropped d -> {
        return false;
      }
      case FrontStage.Front.Handled h -> {
        return publish(task, h.reply(), h.answer(), h.ahead());
      }
      case FrontStage.Front.Opened o -> {
        parties = o.parties();
        authorized = o.authorized();
        scheme = o.scheme();
        opened = o.opened();
      }
      case FrontStage.Front.Verified v -> {
        // The authorize stage needs the store: here on the worker, then decrypt in a second call.
        parties = v.parties();
        TaskRegistry.stage(Stage.AUTHORIZE);
        AuthorizeStage.Authorized a = authorize.authorize(task, parties);
        if (a == null) {
          return false;
        }
        authorized = a;
        scheme = Nip46Envelope.Scheme.of(task.event.content());
        DecryptStage.Opened o = decrypt.decrypt(task, scheme, a.signer().bunkerKey(), parties);
        if (o == null) {
          return false;
        }
        opened = o;
      }
    }
    AuthorizedSigner signer = authorized.signer();
    Nip46Request request;
    switch (opened) {
      case DecryptStage.Opened.Invalid inv -> {
        TaskRegistry.stage(Stage.PUBLISH);
        replies.send(
            new Reply(
                task, signer, scheme, parties.client(), inv.requestId(), MethodLabels.INVALID),
            Nip46Response.error(inv.requestId(), SignerError.INVALID_REQUEST.wireText()));
        return false;
      }
      case DecryptStage.Opened.Request r -> request = r.request();
    }
    task.requestId = request.id();
    task.method = request.methodName();
    Reply reply =
        new Reply(task, signer, scheme, parties.client(), request.id(), MethodLabels.of(request));
    SignerError answer = authorized.answer();
    if (answer != null) {
      if (answer == SignerError.RATE_LIMITED) {
        stats.recordRejected(EventRejectReason.RATE_LIMITED);
      }
      TaskRegistry.stage(Stage.PUBLISH);
      replies.send(reply, Nip46Response.error(request.id(), answer.wireText()));
      return false;
    }
    Authorization auth = signer.authorization();
    boolean ask = false;
    if (policy != null) {
      TaskRegistry.stage(Stage.POLICY);
      PolicyStage.Checked checked =
          policy.checkWithAsk(
              request, auth, parties.client(), authorized.policy(), authorized.policyFailure());
      Nip46Response denied = checked.denial();
      if (denied != null) {
        TaskRegistry.stage(Stage.PUBLISH);
        replies.send(reply, denied);
        return false;
      }
      ask = checked.ask();
    }
    RequestContext ctx = context(task, parties.client(), auth, reply);
    TaskRegistry.stage(Stage.HANDLE);
    CompletableFuture<Nip46Response> result;
    SealAhead ahead = null;
    if (ask) {
      result = approvals.ask(request, auth, parties.client(), ctx);
    } else {
      // The default handler seals its answer in the CPU call that computes it (one hop, not two).
      try (SealAhead open = replies.sealAhead(reply)) {
        ahead = open;
        result = handle.handle(request, ctx);
      }
    }
    return publish(task, reply, result, ahead);
  }

  /** Publishes the answer now, or when it comes; returns {@code true} in the latter case. */
  private boolean publish(
      RequestTask task,
      Reply reply,
      CompletableFuture<Nip46Response> result,
      @Nullable SealAhead ahead)
      throws InterruptedException {
    if (result.isDone()) {
      Nip46Response response = result.join();
      TaskRegistry.stage(Stage.PUBLISH);
      replies.send(reply, response, ahead);
      return false;
    }
    task.stage = Stage.AWAITING_APPROVAL;
    replies.whenAnswered(reply, result, () -> inFlight.remove(task));
    return true;
  }

  /**
   * On the CPU executor, right after the front opened a request: the policy check, the handler and
   * the reply's seal in the same call, when nothing among them can block (see {@link
   * InlineHandling}; every lookup in memory, no approval to ask for): one CPU call for a warm
   * request instead of two (issue 15: each call wakes the worker and a pool thread, 20–40 µs).
   * Anything else goes back to the worker unchanged, before any side effect. Never blocks on I/O;
   * never throws.
   */
  private FrontStage.Front handleHere(RequestTask task, FrontStage.Front front) {
    InlineHandling in = inline;
    PolicyStage p = policy;
    if (in == null
        || p == null
        || !(front instanceof FrontStage.Front.Opened o)
        || !(o.opened() instanceof DecryptStage.Opened.Request r)) {
      return front;
    }
    Nip46Request request = r.request();
    AuthorizeStage.Authorized authorized = o.authorized();
    Authorization auth = authorized.signer().authorization();
    if (request instanceof Nip46Request.Connect
        || request instanceof Nip46Request.Logout
        || authorized.answer() != null
        || authorized.policyFailure() != null
        || !in.cache().userKeyInMemory(auth.keyName())
        || !in.auditHasRoom().getAsBoolean()) {
      return front; // the store, or an answer the worker gives (and counts) as before
    }
    task.stage = Stage.POLICY;
    PolicyStage.Checked checked;
    try {
      checked = p.checkInMemory(request, auth, o.parties().client(), authorized.policy());
    } catch (RuntimeException e) {
      return front; // checked again on the worker, which reports it
    }
    if (checked == null || checked.ask()) {
      return front; // not in memory, or an approval to ask for: on the worker
    }
    task.requestId = request.id();
    task.method = request.methodName();
    Reply reply =
        new Reply(
            task,
            authorized.signer(),
            o.scheme(),
            o.parties().client(),
            request.id(),
            MethodLabels.of(request));
    Nip46Response denied = checked.denial();
    if (denied != null) {
      return new FrontStage.Front.Handled(reply, CompletableFuture.completedFuture(denied), null);
    }
    RequestContext ctx = context(task, o.parties().client(), auth, reply);
    task.stage = Stage.HANDLE;
    // The default handler's CPU call runs inline here (this is a CPU thread) and seals its answer.
    try (SealAhead ahead = replies.sealAhead(reply)) {
      return new FrontStage.Front.Handled(reply, handle.handle(request, ctx), ahead);
    }
  }

  /** What the handler learns of the request; an interim answer goes out through the reply. */
  private RequestContext context(
      RequestTask task, PublicKey client, Authorization auth, Reply reply) {
    return new RequestContext(
        client,
        auth.bunkerPublicKey(),
        auth,
        List.copyOf(task.relays),
        task.receivedAt,
        interim -> replies.sendLater(reply, interim));
  }
}
