package dev.keycast.nip46.bunker.internal;

import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.Nip46Response;
import dev.keycast.nip46.server.TaskSnapshot.Stage;
import java.security.GeneralSecurityException;
import org.jspecify.annotations.Nullable;

/**
 * Seals a reply in the same CPU call that computed its answer, so that a {@code sign_event} costs
 * one hop to the CPU executor for the user's signature and the reply's encryption and signature
 * instead of two (issue 15: each hop parks the worker, allocates its stack chunk and a future, and
 * wakes two threads).
 *
 * <p>The request path {@linkplain #open opens} one around the handler on its worker; the default
 * handler, still on that worker, takes it with {@link #current} before its CPU call and, inside
 * that call, {@linkplain #seal seals} the answer it returns. Back on the worker, the path publishes
 * {@link #sealedFor} that answer and seals anything else (an error, a custom handler's answer, an
 * answer after an approval, or a seal that failed here) the usual way, which also reports a failure
 * as before. Nothing changes order: the handler still audits before the reply is published.
 *
 * <p>Threads: opened, read and closed on one worker; {@link #seal} runs on the CPU executor inside
 * the handler's call, whose completion happens-before {@code CpuExecutor.call} returns to the
 * worker, so the fields need no lock or volatile.
 */
final class SealAhead implements AutoCloseable {
  private static final ThreadLocal<@Nullable SealAhead> CURRENT = new ThreadLocal<>();

  private final Reply reply;
  private final SealStage sealStage;
  private @Nullable Nip46Response response;
  private @Nullable SignedEvent sealed;

  private SealAhead(Reply reply, SealStage sealStage) {
    this.reply = reply;
    this.sealStage = sealStage;
  }

  /** Opens a slot for the calling worker's handler; close it when the handler returns. */
  static SealAhead open(Reply reply, SealStage sealStage) {
    SealAhead ahead = new SealAhead(reply, sealStage);
    CURRENT.set(ahead);
    return ahead;
  }

  /** Returns the calling thread's open slot, or null (not a request path's handler call). */
  static @Nullable SealAhead current() {
    return CURRENT.get();
  }

  /**
   * Seals {@code answer}; call it on the CPU executor, inside the call that computed the answer. A
   * failure is left to the usual seal, which reports it.
   */
  void seal(Nip46Response answer) {
    reply.task().stage = Stage.ENCRYPT;
    try {
      sealed = sealStage.seal(reply, answer);
      response = answer;
    } catch (GeneralSecurityException | RuntimeException e) {
      sealed = null; // sealed again, and its failure counted and logged, by ReplySender.send
    }
  }

  /** Returns the reply sealed for exactly {@code answer} (the same instance), or null. */
  @Nullable SignedEvent sealedFor(Nip46Response answer) {
    return answer == response ? sealed : null;
  }

  @Override
  public void close() {
    CURRENT.remove();
  }
}
