package dev.keycast.nip46.bunker.internal;

import dev.keycast.nip46.Nip46Request;
import dev.keycast.nip46.Nip46Response;
import dev.keycast.nip46.server.RequestContext;
import dev.keycast.nip46.server.RequestHandler;
import dev.keycast.nip46.server.SignerError;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage <b>handle</b>: the {@link RequestHandler}, guarded. It may answer now or later (an
 * approval), but never leaves the client in silence: a handler that throws, returns null or fails
 * its stage yields {@code internal error}, with the detail in the log. Runs on a queue worker (the
 * handler's own later completion runs wherever it completes). Thread-safe if the handler is.
 */
final class HandleStage {
  private static final Logger LOG = LoggerFactory.getLogger(HandleStage.class);

  private final RequestHandler handler;

  HandleStage(RequestHandler handler) {
    this.handler = handler;
  }

  /**
   * Runs the handler.
   *
   * @return the answer; completes normally, never exceptionally (done at once when the handler
   *     answered at once)
   */
  CompletableFuture<Nip46Response> handle(Nip46Request request, RequestContext context) {
    CompletableFuture<Nip46Response> result = new CompletableFuture<>();
    try {
      CompletionStage<Nip46Response> stage = handler.handle(request, context);
      if (stage == null) {
        throw new NullPointerException("handler returned null");
      }
      stage.whenComplete(
          (r, ex) -> {
            if (ex != null || r == null) {
              LOG.error("handler failed on {}", request.methodName(), ex);
              result.complete(
                  Nip46Response.error(request.id(), SignerError.INTERNAL_ERROR.wireText()));
            } else {
              result.complete(r);
            }
          });
    } catch (RuntimeException e) {
      LOG.error("handler threw on {}", request.methodName(), e);
      result.complete(Nip46Response.error(request.id(), SignerError.INTERNAL_ERROR.wireText()));
    }
    return result;
  }
}
