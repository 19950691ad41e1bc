package dev.keycast.queue.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A bounded FIFO ring buffer with a close state, guarded by one {@link ReentrantLock} (like {@link
 * java.util.concurrent.ArrayBlockingQueue}, which it otherwise mirrors). It exists instead of a
 * wrapped {@code ArrayBlockingQueue} for one reason: intake closing and the "closed and empty" test
 * must happen under the same lock as {@code offer} and {@code take}, so that a task racing with
 * shutdown is either accepted and later taken or drained (exactly once), or refused, and never lost
 * in between.
 *
 * <p>Consumers take directly from the shared buffer: there is no per-item hand-off to another
 * thread; under a large backlog a consumer may take a small batch in one lock acquisition ({@link
 * #take(TakeStatus, Object[], int)}). It uses {@code ReentrantLock}, never {@code synchronized}, so
 * a virtual thread waiting in {@link #take()} or {@link #put} unmounts from its carrier. Writes
 * before {@code offer}/{@code put} happen-before the matching {@code take} returns.
 *
 * <p><b>Wake-ups.</b> Unlike {@code ArrayBlockingQueue}, an element added does not wake a sleeping
 * consumer if another consumer is already on its way to the lock (woken and not yet back, or
 * spinning briefly before it parks); that consumer, once it has taken an element, wakes the next
 * sleeper if elements remain (a cascade, one wake-up per element at most, done before the taker
 * returns, so a slow element never delays the next one's wake-up). With many idle consumers this
 * avoids waking (and, for virtual threads, rescheduling) one consumer per element while an awake
 * one could take it. The invariant, checked before every release of the lock: if elements are
 * present and a consumer sleeps, then {@code pendingWakeups > 0}, and {@code pendingWakeups} never
 * exceeds the number of consumers that will really come back to the lock (signalled sleepers and
 * spinners), so no element is ever left with every consumer asleep.
 *
 * @param <E> the element type
 */
public final class BoundedBuffer<E> {

  /** The outcome of adding an element. */
  public enum Offer {
    /** Added. */
    ACCEPTED,
    /** The buffer was full. */
    FULL,
    /** The buffer was closed. */
    CLOSED
  }

  private static final VarHandle COUNT;
  // Checks of count (each a volatile read plus Thread.onSpinWait) a consumer makes before parking,
  // when no other
  // consumer is already on its way: about a microsecond, the time a producer needs to add the next
  // element.
  static final int SPINS = 64;

  static {
    try {
      COUNT = MethodHandles.lookup().findVarHandle(BoundedBuffer.class, "count", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final @Nullable Object[] items;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition notFull = lock.newCondition();
  private int takeIndex;
  private int putIndex;
  // Written under the lock (with release stores: the lock already orders them for lock holders, and
  // a full fence per
  // item would be wasted), read without it by size() (a gauge) and by offer's fast path.
  private volatile int count;
  // Written under the lock, read without it by offer's fast path (it only ever goes from false to
  // true).
  private volatile boolean closed;
  // Guarded by the lock: consumers parked in notEmpty.await() (including signalled ones not yet
  // back).
  private int sleepers;
  // Guarded by the lock: a lower bound on the consumers that will certainly come back to the lock
  // without a further
  // signal (signalled sleepers and the spinner). Incremented only when such a consumer exists;
  // decremented (not below
  // 0) by every consumer coming back, so a spurious wake-up can only make it smaller, which costs
  // an extra signal.
  private int pendingWakeups;

  /**
   * Creates an empty, open buffer.
   *
   * @param capacity the bound, &ge; 1
   */
  public BoundedBuffer(int capacity) {
    Checks.inRange("capacity", capacity, 1, Integer.MAX_VALUE);
    this.items = new Object[capacity];
  }

  /**
   * Adds an element if there is room and the buffer is open. Never waits for room (it only takes
   * the short internal lock).
   *
   * @param e the element
   * @return the outcome
   */
  public Offer offer(E e) {
    Objects.requireNonNull(e, "e");
    // Fast path without the lock: a producer refused because the buffer is full or closed must not
    // contend with the
    // consumers for the lock (a consumer that finds the lock taken parks, which is the expensive
    // part). Both reads are
    // exact at the moment they are made, so the answer is true at that instant.
    if (closed) {
      return Offer.CLOSED;
    }
    if (count == items.length) {
      return Offer.FULL;
    }
    lock.lock();
    try {
      if (closed) {
        return Offer.CLOSED;
      }
      if (count == items.length) {
        return Offer.FULL;
      }
      enqueue(e);
      return Offer.ACCEPTED;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Adds an element, waiting for room while the buffer is full and open.
   *
   * @param e the element
   * @return {@link Offer#ACCEPTED}, or {@link Offer#CLOSED} if the buffer was or became closed
   * @throws InterruptedException if interrupted while waiting (the element was not added)
   */
  public Offer put(E e) throws InterruptedException {
    Objects.requireNonNull(e, "e");
    lock.lockInterruptibly();
    try {
      while (!closed && count == items.length) {
        notFull.await();
      }
      if (closed) {
        return Offer.CLOSED;
      }
      enqueue(e);
      return Offer.ACCEPTED;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Removes the oldest element, waiting while the buffer is empty and open.
   *
   * @return the element, or {@code null} once the buffer is closed and empty
   * @throws InterruptedException if interrupted while waiting for an element
   */
  public @Nullable E take() throws InterruptedException {
    return take(null);
  }

  /**
   * Removes the oldest element, waiting while the buffer is empty and open, and tells whether it
   * had to wait.
   *
   * @param status if not null, receives whether this call waited for an element (so a consumer that
   *     did not wait can reuse its previous clock reading instead of reading the clock again)
   * @return the element, or {@code null} once the buffer is closed and empty
   * @throws InterruptedException if interrupted while waiting for an element
   */
  public @Nullable E take(@Nullable TakeStatus status) throws InterruptedException {
    return take(status, null, 1);
  }

  /**
   * Removes the oldest element, waiting while the buffer is empty and open; when the backlog is
   * large, also removes the next few elements into {@code extras} in the same lock acquisition (a
   * consumer batch).
   *
   * <p><b>Batch policy.</b> With {@code c} elements present before the take and {@code share}
   * consumers, this call removes {@code k = min(1 + extras.length, c / share)} elements (at least
   * 1): never more than an equal share of the backlog among all consumers, so a batch is only taken
   * when every consumer could have as much work, and nothing is batched while the backlog is
   * smaller than {@code 2 * share}. The extras are written to {@code extras[0 .. k-2]} under the
   * lock (so a thread that later acquires this buffer's lock, e.g. in {@link #drain()}, sees them)
   * and their count is reported in {@code status}.
   *
   * @param status if not null, receives whether this call waited and how many extras it took
   * @param extras if not null, where to put the extras; its entries at indices &lt; the extras
   *     count must be null on entry (the caller claims each before running it)
   * @param share the number of consumers sharing the backlog, &ge; 1
   * @return the oldest element, or {@code null} once the buffer is closed and empty
   * @throws InterruptedException if interrupted while waiting for an element
   */
  public @Nullable E take(@Nullable TakeStatus status, Object @Nullable [] extras, int share)
      throws InterruptedException {
    boolean waited = false;
    boolean spun = false;
    int more = 0;
    // lock(), not lockInterruptibly(): a consumer with a pending interrupt must still see "closed
    // and empty" and exit.
    lock.lock();
    try {
      while (count == 0) {
        if (closed) {
          return null;
        }
        waited = true;
        if (!spun && pendingWakeups == 0) {
          // Nobody is on the way: spin briefly (outside the lock) instead of parking at once.
          // Producers see the
          // pending wake-up and do not signal meanwhile; this thread comes back to the lock in any
          // case.
          spun = true;
          pendingWakeups++;
          lock.unlock();
          try {
            spin();
          } finally {
            lock.lock();
            cameBack();
          }
          continue;
        }
        sleepers++;
        try {
          notEmpty.await();
        } finally {
          sleepers--;
          cameBack();
        }
      }
      int present = count;
      E first = removeOldest();
      if (extras != null) {
        more = Math.max(0, Math.min(extras.length, present / share - 1));
        for (int i = 0; i < more; i++) {
          extras[i] = removeOldest();
        }
      }
      // One store for the whole take: size() never shows a count between two removals (no
      // linearization has it).
      COUNT.setRelease(this, present - 1 - more);
      if (more == 0) {
        notFull.signal();
      } else {
        notFull.signalAll();
      }
      return first;
    } finally {
      wakeOneIfNeeded();
      lock.unlock();
      if (status != null) {
        status.waited = waited;
        status.extras = more;
      }
    }
  }

  /**
   * Whether a {@link #take(TakeStatus)} waited and how many extras it took; one instance per
   * consumer thread, confined to it.
   */
  public static final class TakeStatus {
    boolean waited;
    int extras;

    /** Creates a status. */
    public TakeStatus() {}

    /**
     * Whether the last take waited.
     *
     * @return {@code true} if it waited for an element
     */
    public boolean waited() {
      return waited;
    }

    /**
     * How many extras the last take put into its {@code extras} array.
     *
     * @return the count, &ge; 0
     */
    public int extras() {
      return extras;
    }
  }

  /**
   * Stops intake: later {@code offer}/{@code put} return {@link Offer#CLOSED}; waiting consumers
   * and producers wake.
   */
  public void close() {
    lock.lock();
    try {
      closed = true;
      notEmpty.signalAll();
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Removes every element.
   *
   * @return the removed elements, oldest first
   */
  public List<E> drain() {
    lock.lock();
    try {
      int n = count;
      List<E> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(removeOldest());
      }
      // One store: size() never shows a count between two removals (no linearization has it; found
      // by Lincheck).
      COUNT.setRelease(this, 0);
      notFull.signalAll();
      return out;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The number of elements; read without locking, so possibly stale by the time it returns.
   *
   * @return the size
   */
  public int size() {
    return count;
  }

  /**
   * The bound.
   *
   * @return the capacity
   */
  public int capacity() {
    return items.length;
  }

  private void enqueue(E e) {
    items[putIndex] = e;
    if (++putIndex == items.length) {
      putIndex = 0;
    }
    COUNT.setRelease(this, count + 1);
    wakeOneIfNeeded();
  }

  /**
   * Under the lock: keeps the invariant "elements present and a consumer asleep imply a wake-up
   * pending".
   */
  private void wakeOneIfNeeded() {
    if (pendingWakeups == 0 && sleepers > 0 && count > 0) {
      pendingWakeups++;
      notEmpty.signal();
    }
  }

  /** Under the lock: a signalled, spuriously woken or spinning consumer is back. */
  private void cameBack() {
    if (pendingWakeups > 0) {
      pendingWakeups--;
    }
  }

  /** Outside the lock: waits briefly for an element or for closing, without parking. */
  private void spin() {
    for (int i = 0; i < SPINS && count == 0 && !closed; i++) {
      Thread.onSpinWait();
    }
  }

  /**
   * Under the lock: removes the oldest element; the caller updates {@code count} and signals {@code
   * notFull}.
   */
  // NullAway: callers hold the lock and saw count > 0, so the slot at takeIndex holds an element
  // (no check on the
  // hot path for what the lock already guarantees).
  @SuppressWarnings("NullAway")
  private E removeOldest() {
    @SuppressWarnings("unchecked")
    E e = (E) items[takeIndex];
    items[takeIndex] = null;
    if (++takeIndex == items.length) {
      takeIndex = 0;
    }
    return e;
  }
}
