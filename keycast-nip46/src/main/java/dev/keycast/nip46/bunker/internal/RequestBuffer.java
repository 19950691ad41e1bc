package dev.keycast.nip46.bunker.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The requests an instance saw for keys it does not answer, kept for a while so that it can answer
 * them if it takes a key over (relays do not store kind 24133). Bounded twice: by age ({@code
 * maxAgeNanos}) and by count ({@code capacity}); when full, a new request is dropped and counted.
 *
 * <p>A request leaves early when its reply is seen on a relay ({@link #answered}: the instances of
 * a cluster subscribe to the replies of the keys they serve), so a takeover answers only what the
 * previous owner did not.
 *
 * <p>Thread-safe: relay I/O threads {@link #add} and report {@link #answered}, the cluster
 * heartbeat {@link #drain}s; one short lock, never held across I/O.
 */
final class RequestBuffer {
  private final int capacity;
  private final long maxAgeNanos;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, ArrayDeque<RequestTask>> byKey = new HashMap<>(); // guarded by lock
  private int size; // guarded by lock
  private final AtomicLong overflows = new AtomicLong();
  // ids of requests whose reply was seen, oldest first (bounded by capacity); guarded by lock
  private final LinkedHashMap<String, Boolean> answered = new LinkedHashMap<>();

  /**
   * @param capacity how many requests it holds at most
   * @param maxAgeNanos how long a request stays, in nanoseconds
   */
  RequestBuffer(int capacity, long maxAgeNanos) {
    if (capacity < 1 || maxAgeNanos <= 0) {
      throw new IllegalArgumentException("capacity and age must be positive");
    }
    this.capacity = capacity;
    this.maxAgeNanos = maxAgeNanos;
  }

  /**
   * Keeps a request; never blocks. Returns {@code false} (counted) if full, and also (not counted)
   * if its reply was seen already.
   */
  boolean add(RequestTask task) {
    lock.lock();
    try {
      if (answered.containsKey(task.event.id())) {
        return false;
      }
      if (size >= capacity) {
        pruneLocked(System.nanoTime());
      }
      if (size >= capacity) {
        overflows.incrementAndGet();
        return false;
      }
      byKey.computeIfAbsent(task.signerHex, k -> new ArrayDeque<>()).addLast(task);
      size++;
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Forgets a request whose reply was seen on a relay (its owner answered it), so that a takeover
   * does not answer it again; remembers the id for a request that arrives after its reply. Never
   * blocks.
   *
   * @param signerHex the bunker key that replied (the reply's author)
   * @param requestEventId the request event id (the reply's {@code e} tag)
   */
  void answered(String signerHex, String requestEventId) {
    lock.lock();
    try {
      ArrayDeque<RequestTask> q = byKey.get(signerHex);
      if (q != null) {
        int before = q.size();
        q.removeIf(t -> t.event.id().equals(requestEventId));
        size -= before - q.size();
        if (q.isEmpty()) {
          byKey.remove(signerHex);
        }
      }
      answered.put(requestEventId, Boolean.TRUE);
      if (answered.size() > capacity) {
        answered.pollFirstEntry();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Returns the keys it holds requests for (a copy); never blocks long. */
  List<String> keys() {
    lock.lock();
    try {
      return new ArrayList<>(byKey.keySet());
    } finally {
      lock.unlock();
    }
  }

  /** Removes and returns the unexpired requests for one key, oldest first. */
  List<RequestTask> drain(String signerHex) {
    lock.lock();
    try {
      ArrayDeque<RequestTask> q = byKey.remove(signerHex);
      if (q == null) {
        return List.of();
      }
      size -= q.size();
      long now = System.nanoTime();
      List<RequestTask> out = new ArrayList<>(q.size());
      for (RequestTask t : q) {
        if (now - t.receivedNanos <= maxAgeNanos) {
          out.add(t);
        }
      }
      return out;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Removes and returns the unexpired requests for the keys that match, each key's oldest first.
   * Runs the test once per key held, under the buffer's lock: it must be fast and not block.
   */
  List<RequestTask> drainWhere(Predicate<String> signerHex) {
    List<String> keys;
    lock.lock();
    try {
      if (byKey.isEmpty()) {
        return List.of();
      }
      keys = new ArrayList<>();
      for (String k : byKey.keySet()) {
        if (signerHex.test(k)) {
          keys.add(k);
        }
      }
    } finally {
      lock.unlock();
    }
    List<RequestTask> out = new ArrayList<>();
    for (String k : keys) {
      out.addAll(drain(k));
    }
    return out;
  }

  /** Drops expired requests. */
  void prune() {
    lock.lock();
    try {
      pruneLocked(System.nanoTime());
    } finally {
      lock.unlock();
    }
  }

  private void pruneLocked(long now) {
    Iterator<ArrayDeque<RequestTask>> it = byKey.values().iterator();
    while (it.hasNext()) {
      ArrayDeque<RequestTask> q = it.next();
      while (!q.isEmpty() && now - q.peekFirst().receivedNanos > maxAgeNanos) {
        q.removeFirst();
        size--;
      }
      if (q.isEmpty()) {
        it.remove();
      }
    }
  }

  /** Returns how many requests it holds; never blocks long. */
  int size() {
    lock.lock();
    try {
      return size;
    } finally {
      lock.unlock();
    }
  }

  /** Returns how many requests were dropped because it was full. */
  long overflows() {
    return overflows.get();
  }
}
