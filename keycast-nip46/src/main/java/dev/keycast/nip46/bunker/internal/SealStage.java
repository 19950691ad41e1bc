package dev.keycast.nip46.bunker.internal;

import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.Nip46Codec;
import dev.keycast.nip46.Nip46Envelope;
import dev.keycast.nip46.Nip46Response;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.List;

/**
 * Stage <b>seal</b>: a response encrypted to the client in the request's scheme and signed with the
 * bunker key, in a kind-24133 event tagged {@code ["p", client]} and {@code ["e", request event
 * id]}. CPU-bound: call it inside {@code CpuExecutor.call}. Thread-safe.
 */
final class SealStage {
  private final Nip46Envelope envelope;
  private final Clock clock;

  SealStage(Nip46Envelope envelope, Clock clock) {
    this.envelope = envelope;
    this.clock = clock;
  }

  /** Returns the envelope (for the overflow lane, which decrypts and seals in one CPU call). */
  Nip46Envelope envelope() {
    return envelope;
  }

  /**
   * Seals one response.
   *
   * @throws GeneralSecurityException if a key is invalid
   */
  SignedEvent seal(Reply reply, Nip46Response response) throws GeneralSecurityException {
    AuthorizedSigner signer = reply.signer();
    return envelope.seal(
        reply.scheme(),
        Nip46Codec.toJson(response),
        signer.bunkerKey(),
        signer.signer(),
        reply.client(),
        clock.instant().getEpochSecond(),
        List.of(List.of("e", reply.task().event.id())));
  }
}
