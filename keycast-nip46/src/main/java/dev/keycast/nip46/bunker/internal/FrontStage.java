package dev.keycast.nip46.bunker.internal;

import dev.keycast.nip46.Nip46Envelope;
import dev.keycast.nip46.Nip46Response;
import dev.keycast.nip46.server.EventRejectReason;
import dev.keycast.nip46.server.TaskSnapshot.Stage;
import dev.keycast.queue.CpuExecutor;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The first three stages, <b>verify</b>, <b>authorize</b> and <b>decrypt</b>, in one call to the
 * CPU executor instead of two (issue 15: each call parks the worker, allocates its stack chunk and
 * a future, and wakes two threads). Authorize may need the store, which the CPU threads never wait
 * for: the call authorizes only when every lookup is in memory ({@link
 * AuthorizeStage#authorizeCached}: a served key's directory, the client's connection and the policy
 * cached fresh, as they are for every request after a client's first), else it returns the verified
 * request and the worker authorizes it and has it decrypted in a second call, as before. The order
 * of the stages, what each counts and its drops are the same either way; the task view sees each
 * stage as the call reaches it. The caller may go on in the same call with what it opened (the
 * request path answers a warm request there: policy, handler, seal; see {@link RequestPath}).
 *
 * <p>Runs on a queue worker, which blocks while the CPU executor runs the call. Thread-safe.
 */
final class FrontStage {
  /** What the front did with a request. */
  sealed interface Front {
    /**
     * Verified, but authorizing needs the store: authorize and decrypt on the worker.
     *
     * @param parties the request's two keys
     */
    record Verified(RequestParties parties) implements Front {}

    /**
     * Verified, authorized and decrypted.
     *
     * @param parties the request's two keys
     * @param authorized the authorize stage's outcome
     * @param scheme the request's encryption scheme
     * @param opened the decrypted body
     */
    record Opened(
        RequestParties parties,
        AuthorizeStage.Authorized authorized,
        Nip46Envelope.Scheme scheme,
        DecryptStage.Opened opened)
        implements Front {}

    /** Dropped, and counted, by one of the stages. */
    record Dropped() implements Front {}

    /**
     * Opened, and then answered in the same call by what the caller ran after the front ({@link
     * #open}'s {@code then}): what is left is to publish the answer.
     *
     * @param reply where the answer goes
     * @param answer the answer (done, unless the handler answers later)
     * @param ahead the reply sealed in the same call, or null
     */
    record Handled(Reply reply, CompletableFuture<Nip46Response> answer, @Nullable SealAhead ahead)
        implements Front {}
  }

  private static final Front.Dropped DROPPED = new Front.Dropped();

  private final CpuExecutor cpu;
  private final CountedCpu counted;
  private final VerifyStage verify;
  private final AuthorizeStage authorize;
  private final DecryptStage decrypt;

  FrontStage(
      CpuExecutor cpu,
      CountedCpu counted,
      VerifyStage verify,
      AuthorizeStage authorize,
      DecryptStage decrypt) {
    this.cpu = cpu;
    this.counted = counted;
    this.verify = verify;
    this.authorize = authorize;
    this.decrypt = decrypt;
  }

  /**
   * Runs the front in one CPU call. Blocks while the CPU executor runs it.
   *
   * @param then run in the same call on what the front opened (on the CPU executor: it must not
   *     block, nor throw): returns it unchanged, or what it made of it ({@link Front.Handled})
   * @return what it did; {@link Front.Dropped} when a stage dropped the request (counted: {@code
   *     bad_signature}, {@code duplicate}, {@code unknown_signer}, {@code rate_limited}, {@code
   *     undecryptable}, or a refused CPU task)
   */
  Front open(RequestTask task, UnaryOperator<Front> then) throws InterruptedException {
    Front front =
        counted.call(
            cpu,
            "verify",
            () -> {
              RequestParties parties = VerifyStage.parties(task); // throws: bad_signature
              if (!verify.firstSighting(task)) {
                return DROPPED;
              }
              task.stage = Stage.AUTHORIZE;
              AuthorizeStage.Cached cached = authorize.authorizeCached(task, parties);
              if (cached == null) {
                return new Front.Verified(parties);
              }
              AuthorizeStage.Authorized authorized = cached.authorized();
              if (authorized == null) {
                return DROPPED;
              }
              task.stage = Stage.DECRYPT;
              Nip46Envelope.Scheme scheme = Nip46Envelope.Scheme.of(task.event.content());
              DecryptStage.Opened opened =
                  decrypt.decryptHere(task, scheme, authorized.signer().bunkerKey(), parties);
              return opened == null
                  ? DROPPED
                  : then.apply(new Front.Opened(parties, authorized, scheme, opened));
            },
            EventRejectReason.BAD_SIGNATURE);
    return front == null ? DROPPED : front;
  }
}
