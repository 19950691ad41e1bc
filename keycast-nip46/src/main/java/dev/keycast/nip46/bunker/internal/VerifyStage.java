package dev.keycast.nip46.bunker.internal;

import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.server.EventRejectReason;
import dev.keycast.queue.CpuExecutor;
import java.time.Clock;
import org.jspecify.annotations.Nullable;

/**
 * Stage <b>verify</b>: the event's id and Schnorr signature (on the CPU executor, with the parsing
 * of both keys, which is curve math too), then the dedupe of verified ids, so that a genuine
 * request is answered once whatever the relays replay. Runs on a queue worker. Thread-safe.
 */
final class VerifyStage {
  private final CpuExecutor cpu;
  private final CountedCpu counted;
  private final SeenEvents verifiedIds;
  private final StatsRecorder stats;
  private final Clock clock;

  VerifyStage(
      CpuExecutor cpu,
      CountedCpu counted,
      SeenEvents verifiedIds,
      StatsRecorder stats,
      Clock clock) {
    this.cpu = cpu;
    this.counted = counted;
    this.verifiedIds = verifiedIds;
    this.stats = stats;
    this.clock = clock;
  }

  /**
   * Verifies the task's event. Blocks while the CPU executor runs the check.
   *
   * @return the request's two keys, or null (counted {@code bad_signature} or {@code duplicate}) to
   *     drop it
   */
  @Nullable RequestParties verify(RequestTask task) throws InterruptedException {
    RequestParties parties =
        counted.call(cpu, "verify", () -> parties(task), EventRejectReason.BAD_SIGNATURE);
    if (parties == null || !firstSighting(task)) {
      return null;
    }
    return parties;
  }

  /**
   * The CPU-bound part: checks the event's id and signature and parses both keys. Call it on the
   * CPU executor.
   *
   * @throws java.security.GeneralSecurityException if the id or signature is wrong or a key is not
   *     a curve point
   */
  static RequestParties parties(RequestTask task) throws java.security.GeneralSecurityException {
    SignedEvent ev = task.event;
    // The author's key as the signature check parsed it: once, not twice.
    return new RequestParties(NostrEvents.verifiedAuthor(ev), PublicKey.fromHex(task.signerHex));
  }

  /**
   * The dedupe of verified ids: false (counted {@code duplicate}) when the event was seen already.
   * Never blocks.
   */
  boolean firstSighting(RequestTask task) {
    if (!verifiedIds.firstSighting(task.event.id(), clock.instant().getEpochSecond())) {
      stats.recordRejected(EventRejectReason.DUPLICATE);
      return false;
    }
    return true;
  }
}
