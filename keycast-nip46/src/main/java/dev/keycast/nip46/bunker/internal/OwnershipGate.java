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

  /**
   * Whether replies of the keys served are watched (and passed to {@link #answered}).
   *
   * @return true in a cluster
   */
  default boolean watchesReplies() {
    return false;
  }

  /**
   * A reply by a key this instance serves was seen on a relay (this instance's or another's): the
   * request it answers needs no takeover.
   *
   * @param signerHex the key that replied
   * @param requestEventId the request it answers
   */
  default void answered(String signerHex, String requestEventId) {}
}
