package dev.keycast.nip46.bunker.internal;

import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.Nip46Envelope;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The requests accepted and not yet answered, by dedupe key, so that a copy of one arriving from
 * another relay adds its relay to the answer instead of being lost.
 *
 * <p>Thread-safe and non-blocking (a {@link ConcurrentHashMap}): relay I/O threads attach relays,
 * workers add and remove tasks.
 */
final class InFlight {
  private final ConcurrentHashMap<String, RequestTask> tasks = new ConcurrentHashMap<>();

  void add(RequestTask task) {
    tasks.put(task.dedupeKey, task);
  }

  void remove(RequestTask task) {
    tasks.remove(task.dedupeKey, task);
  }

  /** Returns a weakly consistent view of the requests in flight (for the task view). */
  Iterable<RequestTask> tasks() {
    return tasks.values();
  }

  /**
   * Adds {@code relayUrl} to the answer of the request {@code duplicate} copies, if it is still in
   * flight.
   */
  void attachRelay(SignedEvent duplicate, String relayUrl) {
    RequestTask same = tasks.get(Nip46Envelope.dedupeKey(duplicate));
    if (same != null) {
      same.relays.add(relayUrl);
    }
  }
}
