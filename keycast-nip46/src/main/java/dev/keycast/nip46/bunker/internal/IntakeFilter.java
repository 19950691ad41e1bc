package dev.keycast.nip46.bunker.internal;

import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.Nip46Envelope;
import dev.keycast.nip46.server.EventRejectReason;
import dev.keycast.nip46.server.IntakeLimits;
import java.time.Clock;
import java.util.List;
import java.util.function.Predicate;

/**
 * The cheap checks every incoming event passes before it is queued: size, kind, recipient ({@code
 * p} tag naming one of our signer keys), age window and dedupe across relays. No cryptography, no
 * I/O: safe on relay listener threads. The age window starts no earlier than the filter's creation
 * (the pipeline's start): the dedupe is in memory, and an event dated before the start could have
 * been seen by the previous process, so it is refused ({@code too_old}) rather than replayed.
 * Signature verification, rate limiting and decryption follow on a worker (see {@code
 * docs/nip46.md}).
 *
 * <p><b>Dedupe key.</b> The key is the event id <em>and</em> signature ({@link
 * Nip46Envelope#dedupeKey}). Copies of one genuine event carry the same signature and are dropped
 * here; the worker then deduplicates verified ids once more, so every genuine request is answered
 * exactly once.
 *
 * <p>Thread-safe: relay listener threads of several relays call {@link #check} concurrently.
 */
final class IntakeFilter {
  /** The outcome of the checks. */
  public sealed interface Verdict {
    /**
     * The event may be queued.
     *
     * @param signerPubkeyHex the signer key named by its {@code p} tag
     * @param dedupeKey the event's {@link Nip46Envelope#dedupeKey}, computed once for the task
     */
    record Accept(String signerPubkeyHex, String dedupeKey) implements Verdict {}

    /**
     * The event is dropped.
     *
     * @param reason why
     */
    record Reject(EventRejectReason reason) implements Verdict {}
  }

  private final IntakeLimits limits;
  private final Predicate<String> isOurSigner;
  private final Clock clock;
  private final SeenEvents seen;
  private final long startedAtSeconds;

  /**
   * Creates the filter of a pipeline starting now: events dated before now are refused ({@code
   * too_old}), so that a request seen before a restart (the dedupe is in memory) cannot be replayed
   * after it.
   *
   * @param limits size and age limits
   * @param isOurSigner tells whether a lowercase hex pubkey is one of the signer keys served (must
   *     be fast and non-blocking, e.g. a lookup in a concurrent set)
   * @param clock the wall clock ({@code Clock.systemUTC()} in production)
   */
  public IntakeFilter(IntakeLimits limits, Predicate<String> isOurSigner, Clock clock) {
    this(limits, isOurSigner, clock, clock.instant().getEpochSecond());
  }

  /**
   * Creates the filter with an explicit start time (tests).
   *
   * @param startedAtSeconds events with {@code created_at} before this epoch second are refused
   */
  IntakeFilter(
      IntakeLimits limits, Predicate<String> isOurSigner, Clock clock, long startedAtSeconds) {
    this.limits = limits;
    this.isOurSigner = isOurSigner;
    this.clock = clock;
    this.seen = new SeenEvents(limits.dedupeCapacity(), limits.dedupeWindowSeconds());
    this.startedAtSeconds = startedAtSeconds;
  }

  /**
   * Checks the raw size before parsing. Never blocks.
   *
   * @param rawChars the length of the event's JSON text in characters
   * @return {@code true} if small enough
   */
  public boolean sizeAllowed(int rawChars) {
    return rawChars <= limits.maxEventChars();
  }

  /**
   * Runs the checks on a parsed event, recording it for dedupe if it passes every other check.
   * Never blocks (beyond a short lock in the dedupe set).
   *
   * @param event the event as parsed (not yet verified)
   * @return accept with the addressed signer key, or reject with the reason
   */
  public Verdict check(SignedEvent event) {
    if (event.kind() != Nip46Envelope.KIND) {
      return new Verdict.Reject(EventRejectReason.WRONG_KIND);
    }
    if (event.content().length() > limits.maxEventChars()) {
      return new Verdict.Reject(EventRejectReason.TOO_LARGE);
    }
    String signer = null;
    for (List<String> tag : event.tags()) {
      if (tag.size() >= 2 && "p".equals(tag.get(0)) && isOurSigner.test(tag.get(1))) {
        signer = tag.get(1);
        break;
      }
    }
    if (signer == null) {
      return new Verdict.Reject(EventRejectReason.FOREIGN_RECIPIENT);
    }
    long now = clock.instant().getEpochSecond();
    if (event.createdAt() < now - limits.maxAge().toSeconds()
        || event.createdAt() < startedAtSeconds) {
      return new Verdict.Reject(EventRejectReason.TOO_OLD);
    }
    if (event.createdAt() > now + limits.maxFutureSkew().toSeconds()) {
      return new Verdict.Reject(EventRejectReason.TOO_NEW);
    }
    String dedupeKey = Nip46Envelope.dedupeKey(event);
    if (!seen.firstSighting(dedupeKey, now)) {
      return new Verdict.Reject(EventRejectReason.DUPLICATE);
    }
    return new Verdict.Accept(signer, dedupeKey);
  }
}
