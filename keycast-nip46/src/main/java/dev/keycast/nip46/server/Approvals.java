package dev.keycast.nip46.server;

import dev.keycast.crypto.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The requests waiting for a human's approval, and the way to decide them: the bunker's built-in
 * approver for operations a policy lists under {@code askPermissions} ({@code Bunker.approvals()}).
 *
 * <p>Such a request is answered at once with NIP-46 {@code auth_url} (the URL the embedder's {@code
 * approvalUrls} function makes from the approval's id) and parked: it holds no worker and no CPU
 * thread while it waits. {@link #decide} with {@link Verdict#ALLOW} re-checks the request at that
 * moment (authorization revoked or expired, client logged out, policy changed) and then runs it,
 * and its real reply follows under the same request id; {@link Verdict#DENY}, or no decision within
 * the approval timeout, gives the client an error reply ({@code permission denied: approval denied}
 * or {@code permission denied: approval timed out}). Every decision is audited.
 *
 * <p>A decision may be remembered for the same client, authorization and {@linkplain
 * PendingApproval#permission permission} for a while: later requests with that permission are then
 * allowed (or denied) without asking. With a database ({@code Bunker.Builder.database}) remembered
 * answers are kept in it: they survive a restart and hold on every daemon sharing it, and revoking
 * the authorization or the client's logout forgets them. Without one they live in this process's
 * memory.
 *
 * <p>Thread-safe; every method may be called from any thread. {@link #pending}, {@link #find} and
 * {@link #decide} never block (running an approved request happens on a thread of the bunker's);
 * {@link #remembered} and {@link #forget} may do database I/O.
 */
public interface Approvals {

  /** The longest a decision may be remembered: one day. */
  Duration MAX_REMEMBER = Duration.ofDays(1);

  /** An approver's answer. */
  enum Verdict {
    /** Run the request (after re-checking it). */
    ALLOW,
    /** Refuse it. */
    DENY
  }

  /**
   * A remembered answer.
   *
   * @param authorizationId the authorization
   * @param clientPublicKey the client
   * @param permission the method, or {@code sign_event:KIND}
   * @param verdict the answer given to later requests
   * @param expiresAt when it stops applying
   */
  record Remembered(
      long authorizationId,
      PublicKey clientPublicKey,
      String permission,
      Verdict verdict,
      Instant expiresAt) {}

  /** What {@link #decide} did. */
  enum Outcome {
    /** The decision was taken: the request runs (allow) or is answered with an error (deny). */
    DECIDED,
    /** No request waits under that id: unknown, already decided, timed out or shut down. */
    UNKNOWN
  }

  /**
   * Returns the requests waiting now, oldest first. A snapshot; never blocks.
   *
   * @return the waiting requests
   */
  List<PendingApproval> pending();

  /**
   * Looks up one waiting request.
   *
   * @param id the approval's id
   * @return it, or empty when no request waits under that id
   */
  Optional<PendingApproval> find(String id);

  /**
   * Decides a waiting request. Never blocks: an allowed request is re-checked and run on a thread
   * of the bunker's, and its reply follows.
   *
   * @param id the approval's id
   * @param verdict allow or deny
   * @param remember how long to give the same answer to the same client, authorization and
   *     permission without asking, or null to remember nothing
   * @param decidedBy who decided, for the audit log (for example {@code "admin"}); at most 64
   *     characters are kept
   * @return {@link Outcome#DECIDED}, or {@link Outcome#UNKNOWN} if no request waits under that id
   * @throws IllegalArgumentException if {@code remember} is not positive or longer than {@link
   *     #MAX_REMEMBER}
   */
  Outcome decide(String id, Verdict verdict, @Nullable Duration remember, String decidedBy);

  /**
   * Returns the remembered answers still in force (at most 1,000, soonest to expire first). May do
   * database I/O.
   *
   * @return the remembered answers
   * @throws dev.keycast.nip46.store.StoreException if the database fails
   */
  List<Remembered> remembered();

  /**
   * Forgets every remembered answer for a client of an authorization. May do database I/O.
   *
   * @param authorizationId the authorization
   * @param clientPublicKey the client
   * @return how many were forgotten
   * @throws dev.keycast.nip46.store.StoreException if the database fails
   */
  int forget(long authorizationId, PublicKey clientPublicKey);
}
