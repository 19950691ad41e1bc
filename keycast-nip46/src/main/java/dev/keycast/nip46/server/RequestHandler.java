package dev.keycast.nip46.server;

import dev.keycast.nip46.Nip46Request;
import dev.keycast.nip46.Nip46Response;
import java.util.concurrent.CompletionStage;

/**
 * Answers one decrypted NIP-46 request. The embedder API of the signer: implement it, or decorate
 * the default handler ({@code Bunker.Builder.decorateHandler}: wrap it to add behaviour, delegate
 * to it for what it does well).
 *
 * <p><b>Contract.</b> {@link #handle} never throws and its stage never completes exceptionally in a
 * correct implementation; the pipeline nevertheless guards it: an exception (thrown or in the
 * stage) is logged with detail and answered with {@link SignerError#INTERNAL_ERROR}, so a client is
 * never left without a reply. The response must carry the request's id. An {@code auth_url}
 * challenge is sent with {@link RequestContext#sendInterim} and the real response completes the
 * stage later.
 *
 * <p><b>Threads.</b> The pipeline calls {@code handle} on a work-queue worker (a virtual thread),
 * one request per call, concurrently for different requests. It may block for storage I/O;
 * CPU-heavy work (signing, encryption) belongs on the signer's CPU executor, never directly on the
 * calling virtual thread. A stage that completes later is answered from whatever thread completes
 * it (the pipeline hops off that thread for its own crypto and I/O). Implementations must be
 * thread-safe.
 */
@FunctionalInterface
public interface RequestHandler {

  /**
   * Handles one request.
   *
   * @param request the parsed request (including {@link Nip46Request.Unknown} for unknown methods,
   *     which must get an error response)
   * @param context who sent it, to which signer key, over which relays
   * @return the final response for the request id (an {@link Nip46Response.Ok} or {@link
   *     Nip46Response.Error}; an {@link Nip46Response.AuthUrl} here is sent as given and ends the
   *     exchange)
   */
  CompletionStage<Nip46Response> handle(Nip46Request request, RequestContext context);
}
