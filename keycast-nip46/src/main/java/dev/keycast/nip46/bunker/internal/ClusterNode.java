package dev.keycast.nip46.bunker.internal;

import dev.keycast.nip46.store.ClusterStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's membership in the cluster and the keys it answers (see {@code docs/cluster.md}).
 *
 * <p>A heartbeat (one virtual thread) renews the member's lease every {@code heartbeat}: the
 * renewal succeeds only while the lease has not ended by the database clock. From the monotonic
 * time the renewal was <em>sent</em>, the instance computes its local deadline ({@code sent + lease
 * - margin}) and answers its keys only before it (fencing): the database cannot let another member
 * claim them before {@code dbNow(at renewal) + lease}, which is later. Each bunker key belongs to
 * the live member with the highest rendezvous (HRW) score; a member claims the keys that are its
 * own once they are released or their owner's lease ended, and releases those that now belong to
 * another live member. Requests for keys it does not answer are held in a bounded {@link
 * RequestBuffer}; when it takes a key over, it runs the held requests through the pipeline.
 *
 * <p>Thread-safe: {@link #owns} and {@link #hold} on relay I/O threads (never block); the owned set
 * and lease deadline are written by the heartbeat thread only; {@link #status} from any thread.
 */
public final class ClusterNode implements OwnershipGate {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * Timing and sizes.
   *
   * @param instanceId the instance's name
   * @param heartbeat how often the lease is renewed
   * @param lease how long a renewal keeps the member alive (database clock)
   * @param margin how much earlier than the lease the instance stops answering
   * @param bufferAge how long a request for a key not owned is kept
   * @param bufferCapacity how many such requests are kept at most
   * @param exclusive the process knows it is the only daemon on this database (the SQLite daemon
   *     lock): members left by earlier processes are removed at once instead of waiting out their
   *     lease
   */
  public record Settings(
      String instanceId,
      Duration heartbeat,
      Duration lease,
      Duration margin,
      Duration bufferAge,
      int bufferCapacity,
      boolean exclusive) {
    /** Validates. */
    public Settings {
      if (instanceId.isBlank() || instanceId.length() > 128) {
        throw new IllegalArgumentException("instance id must be 1 to 128 characters");
      }
      if (heartbeat.isNegative() || heartbeat.isZero()) {
        throw new IllegalArgumentException("heartbeat must be positive");
      }
      if (lease.compareTo(heartbeat.multipliedBy(2).plus(margin)) < 0) {
        throw new IllegalArgumentException("lease must be at least 2 heartbeats plus the margin");
      }
    }

    /** The defaults: heartbeat 500 ms, lease 2 s, margin 300 ms, 15 s / 10,000 held requests. */
    public static Settings defaults(String instanceId, boolean exclusive) {
      return new Settings(
          instanceId,
          Duration.ofMillis(500),
          Duration.ofSeconds(2),
          Duration.ofMillis(300),
          Duration.ofSeconds(15),
          10_000,
          exclusive);
    }
  }

  /**
   * A snapshot; may be an inconsistent view.
   *
   * @param instanceId this instance's name
   * @param memberId this instance's current member id (changes when it rejoins)
   * @param instances live members at the last heartbeat
   * @param keysOwned keys this instance answers
   * @param fenced whether the local lease deadline passed without a renewal
   * @param takeovers keys claimed since start
   * @param fencings times the local lease ran out
   * @param held requests held for keys not owned
   * @param heldOverflows requests dropped because the buffer was full
   * @param replayed held requests run after a takeover
   * @param lastRenewalNanos how long the last successful renewal took
   */
  public record Status(
      String instanceId,
      long memberId,
      int instances,
      int keysOwned,
      boolean fenced,
      long takeovers,
      long fencings,
      int held,
      long heldOverflows,
      long replayed,
      long lastRenewalNanos) {}

  /**
   * Hears when this instance starts and stops answering a key (tests check that no two instances
   * answer one key at once). Called on the heartbeat thread or the closing thread; must not block.
   */
  public interface OwnershipListener {
    /**
     * This instance answers the key from {@code nanos} ({@link System#nanoTime()}) on.
     *
     * @param key the bunker key
     * @param nanos when
     */
    void owned(String key, long nanos);

    /**
     * This instance answered the key until {@code nanos} at the latest.
     *
     * @param key the bunker key
     * @param nanos when it stopped: now, or its lease deadline if that passed first
     */
    void disowned(String key, long nanos);
  }

  private static final OwnershipListener NO_LISTENER =
      new OwnershipListener() {
        @Override
        public void owned(String key, long nanos) {}

        @Override
        public void disowned(String key, long nanos) {}
      };

  private volatile OwnershipListener listener = NO_LISTENER;
  private final ClusterStore store;
  private final Settings settings;
  private final Supplier<Set<String>> servedKeys;
  private final LongSupplier appliedVersion;
  private final RequestBuffer buffer;
  private final Set<String> owned = ConcurrentHashMap.newKeySet(); // written by the heartbeat
  private final AtomicLong takeovers = new AtomicLong();
  private final AtomicLong fencings = new AtomicLong();
  private final AtomicLong replayed = new AtomicLong();
  private volatile long memberId;
  private volatile long deadlineNanos; // answers only while nanoTime() - deadlineNanos < 0
  private volatile boolean answering;
  private volatile int instances;
  private volatile long lastRenewalNanos;
  private volatile boolean stopped;
  private volatile boolean abandoned;
  private volatile @Nullable Thread thread;
  private volatile @Nullable Pipeline pipeline;
  private boolean wasFenced; // heartbeat thread only
  private boolean warned; // heartbeat thread only

  /**
   * @param store the cluster tables
   * @param settings timing and sizes
   * @param servedKeys the bunker keys served now (lowercase hex); fast
   * @param appliedVersion the change version whose subscriptions are in place
   */
  public ClusterNode(
      ClusterStore store,
      Settings settings,
      Supplier<Set<String>> servedKeys,
      LongSupplier appliedVersion) {
    this.store = store;
    this.settings = settings;
    this.servedKeys = servedKeys;
    this.appliedVersion = appliedVersion;
    this.buffer = new RequestBuffer(settings.bufferCapacity(), settings.bufferAge().toNanos());
  }

  /**
   * Joins, claims this member's share of the keys (one heartbeat), and starts the heartbeat. Blocks
   * for a few statements.
   *
   * @param pipeline where held requests run after a takeover
   * @throws dev.keycast.nip46.store.StoreException if the database fails
   */
  public void start(Pipeline pipeline) {
    this.pipeline = pipeline;
    if (settings.exclusive()) {
      for (ClusterStore.Member m : store.members()) {
        store.leave(m.memberId()); // left by an earlier process: this one holds the daemon lock
      }
    }
    join();
    answering = true;
    tick();
    Thread t = Thread.ofVirtual().name("keycast-cluster-heartbeat").start(this::loop);
    thread = t;
    LOG.info(
        "cluster: instance {} joined as member {}; {} live instance(s), answering {} key(s)",
        settings.instanceId(),
        Long.toHexString(memberId),
        instances,
        owned.size());
  }

  private void join() {
    long id = RANDOM.nextLong() & Long.MAX_VALUE;
    if (id == 0) {
      id = 1;
    }
    long sent = System.nanoTime();
    store.join(id, settings.instanceId(), settings.lease(), appliedVersion.getAsLong());
    memberId = id;
    deadlineNanos = sent + settings.lease().minus(settings.margin()).toNanos();
  }

  private void loop() {
    long period = settings.heartbeat().toNanos();
    long next = System.nanoTime() + period;
    while (!stopped) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        // Parked, not sleeping: stopping unparks it; an interrupt would close a JDBC socket.
        LockSupport.parkNanos(wait);
        if (System.nanoTime() - next < 0) {
          continue; // woken early: stopped, or spuriously
        }
      }
      next = Math.max(next + period, System.nanoTime());
      if (stopped) {
        return;
      }
      try {
        tick();
        if (warned) {
          LOG.info("cluster: database reachable again; answering {} key(s)", owned.size());
          warned = false;
        }
      } catch (RuntimeException e) {
        if (!warned) {
          LOG.warn(
              "cluster: heartbeat failed (will stop answering at the lease deadline): {}",
              e.toString());
          warned = true;
        }
        noteFence();
      }
    }
  }

  private void noteFence() {
    boolean fenced = System.nanoTime() - deadlineNanos >= 0;
    if (fenced && !wasFenced && !owned.isEmpty()) {
      fencings.incrementAndGet();
      LOG.warn("cluster: lease not renewed in time: stopped answering {} key(s)", owned.size());
    }
    wasFenced = fenced;
  }

  /** One heartbeat: renew, then claim and release toward the HRW assignment. */
  void tick() {
    long sent = System.nanoTime();
    boolean renewed = store.renew(memberId, settings.lease(), appliedVersion.getAsLong());
    if (renewed) {
      lastRenewalNanos = System.nanoTime() - sent;
      noteFence(); // counts a lease that ran out before this renewal
      deadlineNanos = sent + settings.lease().minus(settings.margin()).toNanos();
      wasFenced = false;
    } else {
      if (stopped) {
        return;
      }
      // The lease ended and others may have taken the keys: own nothing, join afresh.
      if (!owned.isEmpty()) {
        fencings.incrementAndGet();
      }
      disownAll();
      LOG.warn("cluster: lease had ended; rejoining under a new member id");
      join();
      wasFenced = false;
    }
    store.removeExpired(settings.bufferAge());
    List<Long> live = new ArrayList<>();
    Map<Long, ClusterStore.Member> byId = new HashMap<>();
    for (ClusterStore.Member m : store.members()) {
      byId.put(m.memberId(), m);
      if (m.live()) {
        live.add(m.memberId());
      }
    }
    long me = memberId;
    if (!live.contains(me)) {
      live.add(me);
    }
    instances = live.size();
    Set<String> keys = servedKeys.get();
    Map<String, Long> owners = new HashMap<>();
    for (ClusterStore.KeyOwner o : store.owners()) {
      owners.put(o.bunkerPubkey(), o.ownerMember());
    }
    List<String> missing = new ArrayList<>();
    for (String k : keys) {
      if (!owners.containsKey(k)) {
        missing.add(k);
      }
    }
    store.ensureKeys(missing);
    Set<Long> liveSet = new HashSet<>(live);
    for (String k : keys) {
      long owner = owners.getOrDefault(k, 0L);
      boolean orphan = owner == 0 || !liveSet.contains(owner);
      long target = Rendezvous.pick(k, orphan ? heirs(byId.get(owner), live, byId) : live);
      if (target == me) {
        if (owned.contains(k) || stopped) {
          continue;
        }
        if (owner == me) {
          own(k); // ours in the database (an earlier release failed): our lease never ended
        } else if (orphan) {
          if (store.claim(k, me).isPresent()) {
            own(k);
            takeovers.incrementAndGet();
          }
        }
      } else if (!orphan && (owned.contains(k) || owner == me)) {
        disown(k); // stop answering first, then let the target claim it
        store.release(k, me);
      }
    }
    for (String k : List.copyOf(owned)) {
      if (!keys.contains(k)) {
        disown(k);
        store.release(k, me);
      }
    }
    buffer.prune();
    Pipeline p = pipeline;
    if (p != null && answering) {
      for (String k : owned) {
        for (RequestTask t : buffer.drain(k)) {
          replayed.incrementAndGet();
          p.replay(t);
        }
      }
    }
  }

  private void own(String k) {
    listener.owned(k, System.nanoTime());
    owned.add(k);
  }

  private void disown(String k) {
    owned.remove(k);
    long now = System.nanoTime();
    long d = deadlineNanos;
    listener.disowned(k, now - d > 0 ? d : now);
  }

  private void disownAll() {
    for (String k : List.copyOf(owned)) {
      disown(k);
    }
  }

  /**
   * Sets the listener of ownership changes (tests, monitoring).
   *
   * @param l the listener
   */
  public void onOwnershipChange(OwnershipListener l) {
    this.listener = l;
  }

  /**
   * Who may take over a key whose owner died: the live members that joined (their subscription in
   * place) before the dead owner's last heartbeat, so they hold every request it may have left
   * unanswered. A member that joined later may lack some; it gets the key from the heir by the
   * ordinary release afterwards. All live members if none qualifies or the owner's row is gone.
   */
  private static List<Long> heirs(
      ClusterStore.@Nullable Member dead, List<Long> live, Map<Long, ClusterStore.Member> byId) {
    if (dead == null) {
      return live;
    }
    List<Long> heirs = new ArrayList<>();
    for (long id : live) {
      ClusterStore.Member m = byId.get(id);
      if (m != null && m.startedAtMillis() <= dead.heartbeatAtMillis()) {
        heirs.add(id);
      }
    }
    return heirs.isEmpty() ? live : heirs;
  }

  @Override
  public boolean owns(String signerHex) {
    return answering && System.nanoTime() - deadlineNanos < 0 && owned.contains(signerHex);
  }

  @Override
  public void hold(RequestTask task) {
    if (!stopped) {
      buffer.add(task);
    }
  }

  /**
   * Stops answering and stops the heartbeat (the first step of a clean shutdown). Blocks until the
   * heartbeat thread ends (at most one heartbeat's statements).
   */
  public void stopAnswering() {
    answering = false;
    stopped = true;
    long stoppedAt = System.nanoTime();
    Thread t = thread;
    if (t != null) {
      LockSupport.unpark(t);
      try {
        t.join(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // after the heartbeat ended: it may have claimed a key meanwhile (never answered: answering is
    // off)
    long d = deadlineNanos;
    for (String k : owned) {
      listener.disowned(k, stoppedAt - d > 0 ? d : stoppedAt);
    }
  }

  /**
   * Leaves the cluster: releases every key and removes the member row, so others take the keys at
   * once. Call after {@link #stopAnswering()} and after the pipeline drained. Logs and ignores a
   * database failure (the lease then ends by itself).
   */
  public void leave() {
    if (abandoned) {
      return;
    }
    try {
      store.leave(memberId);
      LOG.info("cluster: left; released {} key(s)", owned.size());
    } catch (RuntimeException e) {
      LOG.warn(
          "cluster: could not release keys (they pass on when the lease ends): {}", e.toString());
    }
    owned.clear();
  }

  /**
   * Test seam: stops the heartbeat and answering <em>without</em> leaving (a later {@link #leave}
   * does nothing), as if the process had died: the keys pass on when the lease ends.
   */
  public void abandon() {
    abandoned = true;
    stopAnswering();
  }

  /** Returns the keys this instance answers now (empty when fenced); never blocks. */
  public Set<String> ownedNow() {
    if (!answering || System.nanoTime() - deadlineNanos >= 0) {
      return Set.of();
    }
    return Set.copyOf(owned);
  }

  /** Returns a snapshot; never blocks long. */
  public Status status() {
    boolean fenced = answering && System.nanoTime() - deadlineNanos >= 0;
    return new Status(
        settings.instanceId(),
        memberId,
        instances,
        fenced || !answering ? 0 : owned.size(),
        fenced,
        takeovers.get(),
        fencings.get(),
        buffer.size(),
        buffer.overflows(),
        replayed.get(),
        lastRenewalNanos);
  }
}
