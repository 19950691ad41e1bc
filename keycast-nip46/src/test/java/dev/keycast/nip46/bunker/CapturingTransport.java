package dev.keycast.nip46.bunker;

import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.bunker.internal.RelayTransport;
import dev.keycast.nip46.relay.RelayState;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/** A transport without sockets: tests inject events and read what the bunker publishes. */
final class CapturingTransport implements RelayTransport {
  static final String RELAY = "wss://capture.invalid";
  final List<SignedEvent> published = new CopyOnWriteArrayList<>();
  volatile Set<String> subscribed = Set.of();

  /**
   * Whether publishes report acceptance by a relay (false: as if every relay refused or timed out).
   */
  volatile boolean relaysAccept = true;

  private volatile @Nullable Listener listener;

  @Override
  public void start(Listener l) {
    this.listener = l;
  }

  void inject(SignedEvent event) {
    Listener l = listener;
    if (l == null) {
      throw new IllegalStateException("not started");
    }
    l.onEvent(RELAY, event);
  }

  @Override
  public void subscribe(Set<String> signerPubkeysHex) {
    subscribed = Set.copyOf(signerPubkeysHex);
  }

  @Override
  public CompletableFuture<Boolean> publish(SignedEvent event, Collection<String> relayUrls) {
    published.add(event);
    return CompletableFuture.completedFuture(relaysAccept);
  }

  @Override
  public Map<String, RelayState> status() {
    return Map.of(RELAY, RelayState.CONNECTED);
  }

  @Override
  public void close() {}
}
