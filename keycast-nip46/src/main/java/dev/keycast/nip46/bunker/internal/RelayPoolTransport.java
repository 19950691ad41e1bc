package dev.keycast.nip46.bunker.internal;

import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.Filter;
import dev.keycast.nip46.Nip46Envelope;
import dev.keycast.nip46.relay.RelayListener;
import dev.keycast.nip46.relay.RelayPool;
import dev.keycast.nip46.relay.RelayPoolConfig;
import dev.keycast.nip46.relay.RelayState;
import dev.keycast.nip46.relay.RelayStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RelayTransport} over a {@link RelayPool}. The pool's I/O threads call the listener;
 * publishing applies the pool's flow control ({@link RelayPool#publishWaitingForRoom}, waiting up
 * to the publish timeout while no relay has room) and reports whether any relay accepted the event.
 *
 * <p>Thread-safe (the pool is).
 */
public final class RelayPoolTransport implements RelayTransport {
  private static final Logger LOG = LoggerFactory.getLogger(RelayPoolTransport.class);
  static final String SUBSCRIPTION_ID = "keycast-nip46";

  /** The most signer keys in one subscription's {@code #p} filter (about 67 KB of REQ). */
  static final int KEYS_PER_SUBSCRIPTION = 1_000;

  /**
   * The most keyed subscriptions per relay before falling back to one subscription without {@code
   * #p}.
   */
  static final int MAX_KEYED_SUBSCRIPTIONS = 16;

  private final List<String> relays;
  private final int maxMessageChars;
  private final RelayPoolConfig config;
  private final boolean watchReplies;
  private volatile @Nullable RelayPool pool;
  private final ReentrantLock subscribeLock = new ReentrantLock();
  private volatile int openSubscriptions; // written under subscribeLock

  private final Map<String, Long> eoseNanos = new ConcurrentHashMap<>();
  private volatile long subscribedAtNanos = System.nanoTime();

  /**
   * @param relays the relays to connect to
   * @param maxEventChars the intake size cap; the pool drops longer messages before parsing them
   * @param config the pool settings (its message cap is replaced)
   */
  public RelayPoolTransport(List<String> relays, int maxEventChars, RelayPoolConfig config) {
    this(relays, maxEventChars, config, false);
  }

  /**
   * @param relays the relays to connect to
   * @param maxEventChars the intake size cap; the pool drops longer messages before parsing them
   * @param config the pool settings (its message cap is replaced)
   * @param watchReplies also subscribe to the events the signer keys author, their replies (in a
   *     cluster: an instance learns which requests another instance answered)
   */
  public RelayPoolTransport(
      List<String> relays, int maxEventChars, RelayPoolConfig config, boolean watchReplies) {
    this.watchReplies = watchReplies;
    this.relays = List.copyOf(relays);
    this.config = config;
    // An EVENT message wraps the event with the subscription id: leave room for it.
    this.maxMessageChars = maxEventChars + 256;
  }

  @Override
  public void start(Listener listener) {
    RelayPool p =
        RelayPool.create(
            config.toBuilder().maxMessageChars(maxMessageChars).build(),
            new RelayListener() {
              @Override
              public void onEvent(String relayUrl, String subscriptionId, SignedEvent event) {
                listener.onEvent(relayUrl, event);
              }

              @Override
              public void onEose(String relayUrl, String subscriptionId) {
                // the last REQ of a subscribe(): the relay processed every one before it
                if (subscriptionId.equals(subscriptionId(Math.max(0, openSubscriptions - 1)))) {
                  eoseNanos.put(relayUrl, System.nanoTime());
                }
              }
            });
    p.setRelays(relays);
    pool = p;
  }

  @Override
  public boolean subscriptionAcknowledged() {
    if (openSubscriptions == 0) {
      return true;
    }
    long since = subscribedAtNanos;
    int connected = 0;
    for (Map.Entry<String, RelayState> e : status().entrySet()) {
      if (e.getValue() == RelayState.CONNECTING) {
        return false; // e.g. the relay of a new authorization: its clients' requests would be lost
      }
      if (e.getValue() == RelayState.CONNECTED) {
        connected++;
        Long at = eoseNanos.get(e.getKey());
        if (at == null || at - since < 0) {
          return false;
        }
      }
    }
    return connected > 0;
  }

  @Override
  public void addRelays(Collection<String> urls) {
    RelayPool p = pool;
    if (p != null) {
      for (String u : urls) {
        try {
          p.addRelay(u);
        } catch (RuntimeException e) {
          LOG.warn("cannot add relay {}: {}", u, e.getMessage());
        }
      }
    }
  }

  @Override
  public void subscribe(Set<String> signerPubkeysHex) {
    RelayPool p = pool;
    if (p == null) {
      return;
    }
    List<List<Filter>> subscriptions =
        subscriptionsFor(signerPubkeysHex, System.currentTimeMillis() / 1000 - 30, watchReplies);
    // Called by the bunker's start and its poller: serialize, so that the ids opened and closed
    // stay consistent.
    subscribeLock.lock();
    try {
      subscribedAtNanos = System.nanoTime();
      for (int i = 0; i < subscriptions.size(); i++) {
        p.subscribe(subscriptionId(i), subscriptions.get(i));
      }
      for (int i = subscriptions.size(); i < openSubscriptions; i++) {
        p.unsubscribe(subscriptionId(i));
      }
      openSubscriptions = subscriptions.size();
    } finally {
      subscribeLock.unlock();
    }
  }

  /**
   * The subscriptions for a set of signer keys. One REQ carrying every key fails once the set is
   * large: 100,000 keys make a 6.7 MB message, and relays cap messages (the dev relay at 1 MiB,
   * public relays commonly at 128 KB) and close the connection. So the keys go into REQs of at most
   * {@link #KEYS_PER_SUBSCRIPTION} (about 67 KB each); beyond {@link #MAX_KEYED_SUBSCRIPTIONS} of
   * those (relays also cap subscriptions per connection), one subscription to every kind-24133
   * event replaces them, and the intake's recipient check drops the events for other signers (a set
   * lookup, before any crypto).
   *
   * @param signerPubkeysHex the keys to listen for
   * @param since the {@code since} of every filter, in seconds since the epoch
   * @return the filter lists, one per subscription; empty for no keys
   */
  static List<List<Filter>> subscriptionsFor(Set<String> signerPubkeysHex, long since) {
    return subscriptionsFor(signerPubkeysHex, since, false);
  }

  /**
   * The subscriptions for a set of signer keys, with a second filter per REQ for the keys' own
   * events (their replies) when {@code watchReplies}.
   */
  static List<List<Filter>> subscriptionsFor(
      Set<String> signerPubkeysHex, long since, boolean watchReplies) {
    if (signerPubkeysHex.isEmpty()) {
      return List.of();
    }
    if (signerPubkeysHex.size() > KEYS_PER_SUBSCRIPTION * MAX_KEYED_SUBSCRIPTIONS) {
      return List.of(List.of(Filter.builder().kinds(Nip46Envelope.KIND).since(since).build()));
    }
    List<String> sorted = new ArrayList<>(new TreeSet<>(signerPubkeysHex));
    List<List<Filter>> out = new ArrayList<>();
    for (int from = 0; from < sorted.size(); from += KEYS_PER_SUBSCRIPTION) {
      List<String> chunk =
          sorted.subList(from, Math.min(sorted.size(), from + KEYS_PER_SUBSCRIPTION));
      Filter requests =
          Filter.builder().kinds(Nip46Envelope.KIND).tag('p', chunk).since(since).build();
      out.add(
          watchReplies
              ? List.of(
                  requests,
                  Filter.builder().kinds(Nip46Envelope.KIND).authors(chunk).since(since).build())
              : List.of(requests));
    }
    return out;
  }

  /** The id of the i-th subscription: the first keeps the historical id. */
  static String subscriptionId(int i) {
    return i == 0 ? SUBSCRIPTION_ID : SUBSCRIPTION_ID + "-" + i;
  }

  @Override
  public CompletableFuture<Boolean> publish(SignedEvent event, Collection<String> relayUrls)
      throws InterruptedException {
    RelayPool p = pool;
    if (p == null) {
      return CompletableFuture.completedFuture(false);
    }
    Collection<String> targets =
        relayUrls.isEmpty()
            ? p.relays()
            : relayUrls instanceof Set<String> ? relayUrls : new LinkedHashSet<>(relayUrls);
    try {
      return p.publishWaitingForRoom(event, targets, config.publishTimeout())
          .thenApply(
              r -> {
                if (!r.acceptedByAny()) {
                  LOG.debug("reply {} accepted by no relay: {}", event.id(), r.acks());
                }
                return r.acceptedByAny();
              });
    } catch (RuntimeException e) {
      LOG.warn("publish of reply {} failed: {}", event.id(), e.getMessage());
      return CompletableFuture.completedFuture(false);
    }
  }

  @Override
  public Map<String, RelayState> status() {
    RelayPool p = pool;
    Map<String, RelayState> out = new TreeMap<>();
    if (p == null) {
      relays.forEach(r -> out.put(r, RelayState.NOT_STARTED));
      return out;
    }
    for (Map.Entry<String, RelayStatus> e : p.status().entrySet()) {
      out.put(e.getKey(), e.getValue().state());
    }
    return out;
  }

  @Override
  public void close() {
    RelayPool p = pool;
    if (p != null) {
      p.close();
    }
  }
}
