package dev.keycast.nip46.bunker.internal;

import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.Nip46Codec;
import dev.keycast.nip46.Nip46Envelope;
import dev.keycast.nip46.Nip46Response;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Stage <b>seal</b>: a response encrypted to the client in the request's scheme and signed with the
 * bunker key, in a kind-24133 event tagged {@code ["p", client]} and {@code ["e", request event
 * id]}. CPU-bound: call it inside {@code CpuExecutor.call}. Thread-safe.
 *
 * <p>Replies are deterministic: dated with the request's {@code created_at}, encrypted with a
 * synthetic nonce scoped to the request event id, and signed without fresh randomness. So the same
 * response to the same request is the same event wherever and however often it is sealed (a cluster
 * instance taking over a key re-answers the requests it buffered; those the previous owner already
 * answered are republished identically, never answered differently).
 */
final class SealStage {
  private final Nip46Envelope envelope;

  SealStage(Nip46Envelope envelope) {
    this.envelope = envelope;
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
    SignedEvent request = reply.task().event;
    byte[] body = Nip46Codec.toUtf8(response); // may hold a decrypted plaintext: zeroed below
    try {
      return envelope.sealDeterministic(
          reply.scheme(),
          body,
          signer.bunkerKey(),
          signer.signer(),
          reply.client(),
          request.createdAt(),
          List.of(List.of("e", request.id())),
          HexFormat.of().parseHex(request.id()));
    } finally {
      Arrays.fill(body, (byte) 0);
    }
  }
}
