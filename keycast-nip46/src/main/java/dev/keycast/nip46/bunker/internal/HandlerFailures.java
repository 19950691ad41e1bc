package dev.keycast.nip46.bunker.internal;

import dev.keycast.nip46.Nip46Request;
import dev.keycast.nip46.server.SignerError;
import dev.keycast.nip46.store.DatabaseUnavailableException;
import dev.keycast.nip46.store.StoreException;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps an exception met while serving a request to the stable error sent to the client, logging the
 * detail.
 */
final class HandlerFailures {
  private static final Logger LOG = LoggerFactory.getLogger(HandlerFailures.class);

  private HandlerFailures() {}

  /** Returns the client-facing error for {@code e}; the detail goes to the log only. */
  static SignerError of(Nip46Request request, Exception e) {
    if (e instanceof DatabaseUnavailableException) {
      LOG.warn("{} failed: database unavailable: {}", request.methodName(), e.getMessage());
      return SignerError.UNAVAILABLE;
    }
    if (e instanceof StoreException) {
      LOG.error("{} failed in the store", request.methodName(), e);
      return SignerError.INTERNAL_ERROR;
    }
    if (e instanceof RejectedExecutionException) {
      LOG.warn("{} refused by the CPU executor: {}", request.methodName(), e.getMessage());
      return SignerError.OVERLOADED;
    }
    LOG.error("{} failed", request.methodName(), e);
    return SignerError.INTERNAL_ERROR;
  }
}
