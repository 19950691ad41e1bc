package dev.keycast.nip46.bunker.internal;

import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.Nip46Codec;
import dev.keycast.nip46.Nip46Envelope;
import dev.keycast.nip46.Nip46FormatException;
import dev.keycast.nip46.Nip46Request;
import dev.keycast.nip46.server.EventRejectReason;
import dev.keycast.queue.CpuExecutor;
import java.security.GeneralSecurityException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage <b>decrypt</b>: the content, in the scheme the request used (NIP-44 v2, or NIP-04 when it
 * has {@code ?iv=}), with the bunker key, on the CPU executor; then the body is parsed. From a
 * readable body on, every outcome is a reply. Runs on a queue worker. Thread-safe.
 */
final class DecryptStage {
  private static final Logger LOG = LoggerFactory.getLogger(DecryptStage.class);

  /** What the decrypted body holds. */
  sealed interface Opened {
    /** A well-formed request. */
    record Request(Nip46Request request) implements Opened {}

    /**
     * A body that is not a valid request: answer {@code invalid request}.
     *
     * @param requestId the id read from the body, or {@code ""}
     */
    record Invalid(String requestId) implements Opened {}
  }

  private final CpuExecutor cpu;
  private final CountedCpu counted;
  private final Nip46Envelope envelope;
  private final StatsRecorder stats;

  DecryptStage(CpuExecutor cpu, CountedCpu counted, Nip46Envelope envelope, StatsRecorder stats) {
    this.cpu = cpu;
    this.counted = counted;
    this.envelope = envelope;
    this.stats = stats;
  }

  /**
   * Decrypts and parses. Blocks while the CPU executor decrypts.
   *
   * @return the parsed body, or null (counted {@code undecryptable}) to drop the request without a
   *     reply
   */
  @Nullable Opened decrypt(
      RequestTask task, Nip46Envelope.Scheme scheme, SecretKey bunkerKey, RequestParties parties)
      throws InterruptedException {
    String content = task.event.content();
    String plain =
        counted.call(
            cpu,
            "decrypt",
            () -> envelope.decrypt(scheme, content, bunkerKey, parties.client()),
            EventRejectReason.UNDECRYPTABLE);
    if (plain == null) {
      return null;
    }
    return parse(plain, task.event.pubkey());
  }

  /**
   * Decrypts and parses on the calling thread: the CPU executor's, inside the request path's
   * one-call front ({@link FrontStage}).
   *
   * @return the parsed body, or null (counted {@code undecryptable}) to drop the request without a
   *     reply
   */
  @Nullable Opened decryptHere(
      RequestTask task, Nip46Envelope.Scheme scheme, SecretKey bunkerKey, RequestParties parties) {
    String plain;
    try {
      plain = envelope.decrypt(scheme, task.event.content(), bunkerKey, parties.client());
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      stats.recordRejected(EventRejectReason.UNDECRYPTABLE); // as CountedCpu counts it
      return null;
    }
    return parse(plain, task.event.pubkey());
  }

  /** Parses a decrypted body. Pure; never throws. */
  static Opened parse(String plain, String clientHex) {
    try {
      return new Opened.Request(Nip46Codec.parseRequest(plain));
    } catch (Nip46FormatException e) {
      LOG.debug("invalid request from {}: {}", clientHex, e.getMessage());
      return new Opened.Invalid(e.requestId() == null ? "" : e.requestId());
    } catch (RuntimeException e) {
      LOG.warn("request parser failed unexpectedly", e);
      return new Opened.Invalid("");
    }
  }
}
