package dev.keycast.nip46.bunker.internal;

/**
 * Decides, at intake, whether this instance answers a key now, and keeps the requests it does not
 * answer (see {@code docs/cluster.md}). Called on relay I/O threads: both methods must be fast and
 * never block.
 */
interface OwnershipGate {
  /** A single instance answers every key. */
  OwnershipGate ALWAYS =
      new OwnershipGate() {
        @Override
        public boolean owns(String signerHex) {
          return true;
        }

        @Override
        public void hold(RequestTask task) {
          throw new IllegalStateException("a single instance holds nothing");
        }
      };

  /**
   * Tells whether this instance answers requests to the key now (owner and lease not past).
   *
   * @param signerHex the bunker key, lowercase hex
   */
  boolean owns(String signerHex);

  /**
   * Keeps a request for a key this instance does not answer now, in case it takes the key over.
   *
   * @param task the request, past intake
   */
  void hold(RequestTask task);
}
