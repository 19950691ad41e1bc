package dev.keycast.nip46.server.internal;

import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.Filter;
import dev.keycast.nip46.relay.RelayListener;
import dev.keycast.nip46.relay.RelayPool;
import dev.keycast.nip46.relay.RelayPoolConfig;
import dev.keycast.nip46.relay.RelayStatus;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RelayTransport} over a {@link RelayPool}. The pool's I/O threads call the listener; publishing never
 * blocks (acks are only logged at debug).
 *
 * <p>Thread-safe (the pool is).
 */
public final class RelayPoolTransport implements RelayTransport {
  private static final Logger LOG = LoggerFactory.getLogger(RelayPoolTransport.class);
  static final String SUBSCRIPTION_ID = "keycast-nip46";

  private final List<String> relays;
  private final int maxMessageChars;
  private final RelayPoolConfig config;
  private volatile @Nullable RelayPool pool;

  /**
   * @param relays the relays to connect to
   * @param maxEventChars the intake size cap; the pool drops longer messages before parsing them
   * @param config the pool settings (its message cap is replaced)
   */
  public RelayPoolTransport(List<String> relays, int maxEventChars, RelayPoolConfig config) {
    this.relays = List.copyOf(relays);
    this.config = config;
    // An EVENT message wraps the event with the subscription id: leave room for it.
    this.maxMessageChars = maxEventChars + 256;
  }

  @Override
  public void start(Listener listener) {
    RelayPool p = RelayPool.create(
        new RelayPoolConfig(config.connectTimeout(), config.publishTimeout(), config.initialBackoff(),
            config.maxBackoff(), config.pingInterval(), config.resubscribeOverlap(), maxMessageChars,
            config.maxPendingPerRelay(), config.executor()),
        new RelayListener() {
          @Override
          public void onEvent(String relayUrl, String subscriptionId, SignedEvent event) {
            listener.onEvent(relayUrl, event);
          }
        });
    p.setRelays(relays);
    pool = p;
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
    if (signerPubkeysHex.isEmpty()) {
      p.unsubscribe(SUBSCRIPTION_ID);
      return;
    }
    long since = System.currentTimeMillis() / 1000 - 30;
    p.subscribe(SUBSCRIPTION_ID, List.of(Filter.builder()
        .kinds(24133)
        .tag('p', new java.util.TreeSet<>(signerPubkeysHex))
        .since(since)
        .build()));
  }

  @Override
  public void publish(SignedEvent event, Collection<String> relayUrls) {
    RelayPool p = pool;
    if (p == null) {
      return;
    }
    Set<String> targets = new LinkedHashSet<>(relayUrls);
    if (targets.isEmpty()) {
      targets.addAll(p.relays());
    }
    try {
      p.publish(event, targets).whenComplete((r, ex) -> {
        if (ex != null) {
          LOG.debug("publish of {} failed: {}", event.id(), ex.toString());
        } else if (!r.acceptedByAny()) {
          LOG.debug("reply {} accepted by no relay: {}", event.id(), r.acks());
        }
      });
    } catch (RuntimeException e) {
      LOG.warn("publish of reply {} failed: {}", event.id(), e.getMessage());
    }
  }

  @Override
  public Map<String, String> status() {
    RelayPool p = pool;
    Map<String, String> out = new TreeMap<>();
    if (p == null) {
      relays.forEach(r -> out.put(r, "not_started"));
      return out;
    }
    for (Map.Entry<String, RelayStatus> e : p.status().entrySet()) {
      out.put(e.getKey(), e.getValue().state().name().toLowerCase(Locale.ROOT));
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
