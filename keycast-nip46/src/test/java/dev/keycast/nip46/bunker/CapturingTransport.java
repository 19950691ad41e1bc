package dev.keycast.nip46.bunker;

import static org.awaitility.Awaitility.await;

import dev.keycast.crypto.Nip44Cipher;
import dev.keycast.crypto.Nip44ConversationKey;
import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SchnorrSigner;
import dev.keycast.crypto.SecretKey;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.crypto.UnsignedEvent;
import dev.keycast.nip46.Nip46Codec;
import dev.keycast.nip46.Nip46Response;
import dev.keycast.nip46.bunker.internal.RelayTransport;
import dev.keycast.nip46.relay.RelayState;
import java.time.Duration;
import java.util.ArrayList;
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

  /**
   * Sends {@code body} from {@code client} to {@code signer} (a NIP-44 request event) and waits up
   * to 20 s for {@code replies} replies to it.
   *
   * @return the replies' decrypted bodies, as many as came
   */
  List<Nip46Response> ask(SecretKey client, PublicKey signer, String body, int replies)
      throws Exception {
    Nip44ConversationKey ck = Nip44ConversationKey.derive(client, signer);
    SignedEvent req =
        NostrEvents.sign(
            new UnsignedEvent(
                client.publicKey(),
                System.currentTimeMillis() / 1000,
                24133,
                List.of(List.of("p", signer.toHex())),
                Nip44Cipher.encrypt(body, ck)),
            SchnorrSigner.create(client));
    inject(req);
    List<String> e = List.of("e", req.id());
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> published.stream().filter(r -> r.tags().contains(e)).count() >= replies);
    List<Nip46Response> out = new ArrayList<>();
    for (SignedEvent r : published) {
      if (r.tags().contains(e)) {
        out.add(Nip46Codec.parseResponse(Nip44Cipher.decrypt(r.content(), ck)));
      }
    }
    return out;
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
