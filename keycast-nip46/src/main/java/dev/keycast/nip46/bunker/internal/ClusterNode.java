package dev.keycast.nip46.bunker.internal;

import dev.keycast.nip46.store.ClusterStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
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
 * the member owning its slot ({@link ClusterStore#slotOf}, {@link ClusterStore#SLOTS} slots); each
 * slot belongs to the live member with the highest rendezvous (HRW) score; a member claims the
 * slots that are its own once they are released or their owner's lease ended, and releases those
 * that now belong to another live member. Requests for keys it does not answer are held in a
 * bounded {@link RequestBuffer}; when it takes slots over, it claims those with held requests in
 * its first statement and runs their requests through the pipeline as soon as each statement won
 * its slots.
 *
 * <p>The work per heartbeat does not grow with the number of keys: a renewal and a read of the
 * member rows; the slot owners are read (and claims and releases made, a batch each) only when the
 * live members changed, while a claim waits for another member's release, and every {@value
 * #FULL_CHECK_TICKS} heartbeats as a safety net.
 *
 * <p>Thread-safe: {@link #owns} and {@link #hold} on relay I/O threads (never block); the owned
 * slots and lease deadline are written by the heartbeat thread only; {@link #status} from any
 * thread.
 */
public final class ClusterNode implements OwnershipGate {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Heartbeats between two reads of the slot owners when nothing seems to change. */
  static final int FULL_CHECK_TICKS = 60;

  /** Slots claimed per statement. */
  private static final int CLAIM_CHUNK = 1024;

  /** Heartbeats between two deletions of long-expired member rows. */
  private static final int REMOVE_EXPIRED_TICKS = 10;

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
   * @param keysOwned served keys this instance answers
   * @param slotsOwned slots this instance answers
   * @param fenced whether the local lease deadline passed without a renewal
   * @param takeovers slots claimed since start
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
      int slotsOwned,
      boolean fenced,
      long takeovers,
      long fencings,
      int held,
      long heldOverflows,
      long replayed,
      long lastRenewalNanos) {}

  /**
   * Hears when this instance starts and stops answering a slot (tests check that no two instances
   * answer one slot at once). Called on the heartbeat thread or the closing thread; must not block.
   */
  public interface OwnershipListener {
    /**
     * This instance answers the slot's keys from {@code nanos} ({@link System#nanoTime()}) on.
     *
     * @param slot the slot
     * @param nanos when
     */
    void owned(int slot, long nanos);

    /**
     * This instance answered the slot's keys until {@code nanos} at the latest.
     *
     * @param slot the slot
     * @param nanos when it stopped: now, or its lease deadline if that passed first
     */
    void disowned(int slot, long nanos);
  }

  private static final OwnershipListener NO_LISTENER =
      new OwnershipListener() {
        @Override
        public void owned(int slot, long nanos) {}

        @Override
        public void disowned(int slot, long nanos) {}
      };

  private volatile OwnershipListener listener = NO_LISTENER;
  private final ClusterStore store;
  private final Settings settings;
  private final Supplier<Collection<String>> servedKeys;
  private final LongSupplier appliedVersion;
  private final RequestBuffer buffer;
  // One bit per slot; written by the heartbeat thread (and the closing thread), read anywhere.
  private final AtomicLongArray owned = new AtomicLongArray(ClusterStore.SLOTS / 64);
  private final AtomicInteger ownedCount = new AtomicInteger();
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
  private volatile @Nullable Consumer<RequestTask> replay; // where held requests run
  private boolean wasFenced; // heartbeat thread only
  private long lastRenewalSent; // heartbeat thread only
  private boolean warned; // heartbeat thread only
  private @Nullable Set<Long> settledFor; // heartbeat thread only: live members of the last balance
  private long ticks; // heartbeat thread only
  private volatile long keysOwnedAt;
  private volatile int keysOwnedCache;

  /**
   * @param store the cluster tables
   * @param settings timing and sizes
   * @param servedKeys the bunker keys served now (lowercase hex): a live view, iterated only for
   *     {@link #status} and {@link #ownedNow}
   * @param appliedVersion the change version whose subscriptions are in place
   */
  public ClusterNode(
      ClusterStore store,
      Settings settings,
      Supplier<Collection<String>> servedKeys,
      LongSupplier appliedVersion) {
    this.store = store;
    this.settings = settings;
    this.servedKeys = servedKeys;
    this.appliedVersion = appliedVersion;
    this.buffer = new RequestBuffer(settings.bufferCapacity(), settings.bufferAge().toNanos());
  }

  /**
   * Joins, claims this member's share of the slots (one heartbeat), and starts the heartbeat.
   * Blocks for a few statements.
   *
   * @param pipeline where held requests run after a takeover
   * @throws dev.keycast.nip46.store.StoreException if the database fails
   */
  public void start(Pipeline pipeline) {
    this.replay = pipeline::replay;
    enter();
    Thread t =
        Thread.ofVirtual()
            .name("keycast-cluster-heartbeat-" + settings.instanceId())
            .start(this::loop);
    thread = t;
    LOG.info(
        "cluster: instance {} joined as member {}; {} live instance(s), answering {} of {} slots",
        settings.instanceId(),
        Long.toHexString(memberId),
        instances,
        ownedCount.get(),
        ClusterStore.SLOTS);
  }

  /** Test seam: where held requests run, for tests that drive the heartbeats ({@link #enter}). */
  void replayTo(Consumer<RequestTask> replay) {
    this.replay = replay;
  }

  /**
   * Joins and runs the first heartbeat, without starting the heartbeat thread: {@link #start} and
   * tests that drive the heartbeats themselves ({@link #tick}).
   */
  void enter() {
    if (settings.exclusive()) {
      for (ClusterStore.Member m : store.members()) {
        store.leave(m.memberId()); // left by an earlier process: this one holds the daemon lock
      }
    }
    join();
    answering = true;
    tick();
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
    lastRenewalSent = sent;
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
          LOG.info("cluster: database reachable again; answering {} slot(s)", ownedCount.get());
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
    if (fenced && !wasFenced && ownedCount.get() > 0) {
      fencings.incrementAndGet();
      LOG.warn(
          "cluster: lease not renewed in time: stopped answering {} slot(s)", ownedCount.get());
    }
    wasFenced = fenced;
  }

  /** One heartbeat: renew, then, if membership changed, claim and release toward the HRW share. */
  void tick() {
    if (!renew()) {
      if (stopped) {
        return;
      }
      // The lease ended and others may have taken the slots: own nothing, join afresh.
      if (ownedCount.get() > 0) {
        fencings.incrementAndGet();
      }
      disownAll();
      LOG.warn("cluster: lease had ended; rejoining under a new member id");
      join();
      wasFenced = false;
      settledFor = null;
    }
    if (ticks++ % REMOVE_EXPIRED_TICKS == 0) {
      store.removeExpired(settings.bufferAge());
    }
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
    Set<Long> liveSet = new HashSet<>(live);
    if (!liveSet.equals(settledFor) || ticks % FULL_CHECK_TICKS == 0) {
      settledFor = balance(me, live, liveSet, byId) ? liveSet : null;
    }
    buffer.prune();
    replayHeld();
  }

  /** Runs the held requests of the slots this instance owns now through the pipeline. */
  private void replayHeld() {
    Consumer<RequestTask> r = replay;
    if (r != null && answering) {
      for (RequestTask t : buffer.drainWhere(k -> ownsSlot(ClusterStore.slotOf(k)))) {
        replayed.incrementAndGet();
        r.accept(t);
      }
    }
  }

  /**
   * Puts the slots that have held requests first (otherwise in order): a takeover claims them in
   * its first statement and answers their requests at once, instead of after the whole claim (a
   * takeover of half the slots takes several statements), during which this instance, perhaps the
   * only one that saw them, may die too.
   */
  private List<Integer> heldFirst(List<Integer> claims) {
    Set<Integer> held = new HashSet<>();
    for (String k : buffer.keys()) {
      held.add(ClusterStore.slotOf(k));
    }
    if (held.isEmpty()) {
      return claims;
    }
    List<Integer> out = new ArrayList<>(claims.size());
    for (int s : claims) {
      if (held.contains(s)) {
        out.add(s);
      }
    }
    for (int s : claims) {
      if (!held.contains(s)) {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * Renews the lease; on success moves the local deadline.
   *
   * @return false if the lease had ended
   */
  private boolean renew() {
    long sent = System.nanoTime();
    if (!store.renew(memberId, settings.lease(), appliedVersion.getAsLong())) {
      return false;
    }
    lastRenewalNanos = System.nanoTime() - sent;
    lastRenewalSent = sent;
    noteFence(); // counts a lease that ran out before this renewal
    deadlineNanos = sent + settings.lease().minus(settings.margin()).toNanos();
    wasFenced = false;
    return true;
  }

  /**
   * Reads the slot owners, claims the released or orphaned slots that are this member's share and
   * releases those that now belong to another live member (a batch statement each).
   *
   * @return whether this member holds exactly its share afterwards: it owns every slot whose HRW
   *     target it is, and no other (nothing left to wait for)
   */
  private boolean balance(
      long me, List<Long> live, Set<Long> liveSet, Map<Long, ClusterStore.Member> byId) {
    List<Integer> claims = new ArrayList<>();
    List<Integer> releases = new ArrayList<>();
    boolean settled = true;
    for (ClusterStore.SlotOwner o : store.slotOwners()) {
      int s = o.slot();
      long owner = o.ownerMember();
      boolean orphan = owner == 0 || !liveSet.contains(owner);
      long target = Rendezvous.pickSlot(s, live);
      if (!orphan) {
        if (target == me && owner != me && !ownsSlot(s)) {
          settled = false; // its live owner has yet to release it
        } else if (target != me && (ownsSlot(s) || owner == me)) {
          disown(s); // stop answering first, then let the target claim it
          releases.add(s);
        } else if (target == me && owner == me && !ownsSlot(s) && !stopped) {
          own(s); // ours in the database (an earlier release failed): our lease never ended
        }
        continue;
      }
      // Released, or its owner's lease ended: claimed first by one of the members that held every
      // request sent since (joined before the release, or before the dead owner's last
      // heartbeat). If that is not the target, it hands the slot on at its next heartbeat, and by
      // then the target qualifies (the target scores highest among any members it is part of).
      long since =
          owner == 0 ? o.changedAtMillis() : heartbeatOf(byId.get(owner), o.changedAtMillis());
      long claimer = Rendezvous.pickSlot(s, heirs(since, live, byId));
      if (claimer == me && !ownsSlot(s) && !stopped) {
        claims.add(s);
        if (target != me) {
          settled = false; // to hand on at the next heartbeat
        }
      } else if (target == me && claimer != me) {
        // Ours, but an heir claims it first and hands it on: not settled until we own it, or its
        // release would wait for the full check (30 s) while clients time out.
        settled = false;
      }
    }
    store.release(releases, me);
    int claimed = 0;
    claims = heldFirst(claims);
    // Claims in chunks, renewing between them when a heartbeat's time has passed: however long a
    // big takeover takes (the first member claims every slot), the lease never runs out meanwhile.
    // Each chunk's held requests are answered as soon as it is won.
    for (int i = 0; i < claims.size(); i += CLAIM_CHUNK) {
      if (System.nanoTime() - lastRenewalSent > settings.heartbeat().toNanos() && !renew()) {
        return false; // the lease ended: the next heartbeat rejoins
      }
      List<Integer> chunk = claims.subList(i, Math.min(claims.size(), i + CLAIM_CHUNK));
      Map<Integer, Long> won = store.claim(chunk, me);
      for (int s : won.keySet()) {
        own(s);
      }
      replayHeld();
      takeovers.addAndGet(won.size());
      claimed += won.size();
      settled &= won.size() == chunk.size();
    }
    if (claimed > 0 || !releases.isEmpty()) {
      LOG.info(
          "cluster: {} live instance(s); claimed {} slot(s), released {}; answering {} of {}",
          live.size(),
          claimed,
          releases.size(),
          ownedCount.get(),
          ClusterStore.SLOTS);
    }
    return settled;
  }

  private boolean ownsSlot(int s) {
    return (owned.get(s >>> 6) & (1L << s)) != 0;
  }

  private void own(int s) {
    listener.owned(s, System.nanoTime());
    long bit = 1L << s;
    if ((owned.getAndAccumulate(s >>> 6, bit, (a, b) -> a | b) & bit) == 0) {
      ownedCount.incrementAndGet();
    }
  }

  private void disown(int s) {
    long bit = 1L << s;
    if ((owned.getAndAccumulate(s >>> 6, bit, (a, b) -> a & ~b) & bit) != 0) {
      ownedCount.decrementAndGet();
    }
    long now = System.nanoTime();
    long d = deadlineNanos;
    listener.disowned(s, now - d > 0 ? d : now);
  }

  private void disownAll() {
    for (int s = 0; s < ClusterStore.SLOTS; s++) {
      if (ownsSlot(s)) {
        disown(s);
      }
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

  private static long heartbeatOf(ClusterStore.@Nullable Member dead, long fallback) {
    return dead == null ? fallback : dead.heartbeatAtMillis();
  }

  /**
   * Who may claim a slot left without a live owner since {@code sinceMillis} (database clock): the
   * live members that joined (their subscription in place) by then, so they hold every request its
   * keys got since. A member that joined later may lack some; it gets the slot from the heir by the
   * ordinary release afterwards. All live members if none qualifies.
   */
  private static List<Long> heirs(
      long sinceMillis, List<Long> live, Map<Long, ClusterStore.Member> byId) {
    List<Long> heirs = new ArrayList<>();
    for (long id : live) {
      ClusterStore.Member m = byId.get(id);
      if (m != null && m.startedAtMillis() <= sinceMillis) {
        heirs.add(id);
      }
    }
    return heirs.isEmpty() ? live : heirs;
  }

  @Override
  public boolean owns(String signerHex) {
    return answering
        && System.nanoTime() - deadlineNanos < 0
        && ownsSlot(ClusterStore.slotOf(signerHex));
  }

  @Override
  public void hold(RequestTask task) {
    if (!stopped) {
      buffer.add(task);
    }
  }

  @Override
  public boolean watchesReplies() {
    return true;
  }

  @Override
  public void answered(String signerHex, String requestEventId) {
    buffer.answered(signerHex, requestEventId);
  }

  /**
   * Stops taking new requests and stops the heartbeat (the first step of a clean shutdown). Blocks
   * until the heartbeat thread ends (at most one heartbeat's statements). The requests held for the
   * slots it still owns go to the pipeline, whose drain answers them before {@link #leave}.
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
    long d = deadlineNanos;
    Consumer<RequestTask> r = replay;
    if (abandoned) {
      for (int s = 0; s < ClusterStore.SLOTS; s++) {
        if (ownsSlot(s)) {
          listener.disowned(s, stoppedAt - d > 0 ? d : stoppedAt);
        }
      }
    } else if (r != null && System.nanoTime() - d < 0) {
      // The held requests of the slots it owns (the heartbeat may have just claimed some) are
      // answered by the drain that follows: this instance may be the only one that saw them, and
      // nobody can claim these slots before leave() releases them or the lease ends.
      for (RequestTask task : buffer.drainWhere(k -> ownsSlot(ClusterStore.slotOf(k)))) {
        replayed.incrementAndGet();
        r.accept(task);
      }
    }
  }

  /**
   * Leaves the cluster: releases every slot and removes the member row, so others take the slots at
   * once. Call after {@link #stopAnswering()} and after the pipeline drained. Logs and ignores a
   * database failure (the lease then ends by itself).
   */
  public void leave() {
    if (abandoned) {
      return;
    }
    long now = System.nanoTime();
    long d = deadlineNanos;
    for (int s = 0; s < ClusterStore.SLOTS; s++) {
      if (ownsSlot(s)) { // answered until the drain ended, which was before now
        listener.disowned(s, now - d > 0 ? d : now);
      }
    }
    try {
      store.leave(memberId);
      LOG.info("cluster: left; released {} slot(s)", ownedCount.get());
    } catch (RuntimeException e) {
      LOG.warn(
          "cluster: could not release slots (they pass on when the lease ends): {}", e.toString());
    }
    for (int i = 0; i < owned.length(); i++) {
      owned.set(i, 0);
    }
    ownedCount.set(0);
  }

  /**
   * Test seam: stops the heartbeat and answering <em>without</em> leaving (a later {@link #leave}
   * does nothing), as if the process had died: the keys pass on when the lease ends.
   */
  public void abandon() {
    abandoned = true;
    stopAnswering();
  }

  /**
   * Returns the served keys this instance answers now (empty when fenced); never blocks; iterates
   * every served key.
   */
  public Set<String> ownedNow() {
    if (!answering || System.nanoTime() - deadlineNanos >= 0) {
      return Set.of();
    }
    Set<String> out = new HashSet<>();
    for (String k : servedKeys.get()) {
      if (ownsSlot(ClusterStore.slotOf(k))) {
        out.add(k);
      }
    }
    return out;
  }

  /** Returns how many slots this instance answers now (0 when fenced); never blocks. */
  public int slotsOwned() {
    return !answering || System.nanoTime() - deadlineNanos >= 0 ? 0 : ownedCount.get();
  }

  /** The number of served keys in owned slots, recounted at most once per heartbeat. */
  private int keysOwned() {
    long now = System.nanoTime();
    if (now - keysOwnedAt < settings.heartbeat().toNanos() && keysOwnedAt != 0) {
      return keysOwnedCache;
    }
    int n = 0;
    for (String k : servedKeys.get()) {
      if (ownsSlot(ClusterStore.slotOf(k))) {
        n++;
      }
    }
    keysOwnedCache = n;
    keysOwnedAt = now;
    return n;
  }

  /** Returns a snapshot; never blocks long (counts the served keys at most once per heartbeat). */
  public Status status() {
    boolean fenced = answering && System.nanoTime() - deadlineNanos >= 0;
    return new Status(
        settings.instanceId(),
        memberId,
        instances,
        fenced || !answering ? 0 : keysOwned(),
        fenced || !answering ? 0 : ownedCount.get(),
        fenced,
        takeovers.get(),
        fencings.get(),
        buffer.size(),
        buffer.overflows(),
        replayed.get(),
        lastRenewalNanos);
  }
}
