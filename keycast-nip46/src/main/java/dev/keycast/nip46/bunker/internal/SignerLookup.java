package dev.keycast.nip46.bunker.internal;

import dev.keycast.crypto.PublicKey;
import dev.keycast.nip46.server.EventRejectReason;
import dev.keycast.nip46.store.StoreException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the authorization and bunker key a request is addressed to, through the {@link
 * AuthorizationCache}; used by the authorize stage and the overflow lane. Thread-safe; may block on
 * store I/O (call it on a worker).
 */
final class SignerLookup {
  private static final Logger LOG = LoggerFactory.getLogger(SignerLookup.class);

  /**
   * A signer key found for a request.
   *
   * @param signer the authorization and its key
   */
  record Found(AuthorizedSigner signer) {}

  private final AuthorizationCache cache;
  private final StatsRecorder stats;

  SignerLookup(AuthorizationCache cache, StatsRecorder stats) {
    this.cache = cache;
    this.stats = stats;
  }

  /** Whether {@link #find} answers from memory (never blocks): the cache is watched. */
  boolean inMemory() {
    return cache.signersInMemory();
  }

  /**
   * Returns the signer, or null, counted, when there is none to answer with: unknown ({@code
   * unknown_signer}), or the store is down and the key was never loaded ({@code
   * store_unavailable}).
   */
  @Nullable Found find(PublicKey signerKey, String signerHex) {
    try {
      AuthorizedSigner signer = cache.signer(signerKey).orElse(null);
      if (signer == null) {
        stats.recordRejected(EventRejectReason.UNKNOWN_SIGNER);
        return null;
      }
      return new Found(signer);
    } catch (StoreException e) {
      // Only a cache that loads bunker keys on demand gets here (the bunker's holds them all in
      // memory): without the key there is nothing to encrypt a reply with.
      LOG.warn("cannot load signer key {}: {}", signerHex, e.toString());
      stats.recordRejected(EventRejectReason.STORE_UNAVAILABLE);
      return null;
    }
  }
}
