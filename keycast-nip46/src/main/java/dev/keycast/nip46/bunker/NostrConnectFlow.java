package dev.keycast.nip46.bunker;

import dev.keycast.crypto.Nip44ConversationKeyCache;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.ClientMetadata;
import dev.keycast.nip46.Nip46Codec;
import dev.keycast.nip46.Nip46Envelope;
import dev.keycast.nip46.Nip46Response;
import dev.keycast.nip46.NostrConnectUri;
import dev.keycast.nip46.bunker.internal.AuthorizedSigner;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.AuthorizationStore;
import dev.keycast.nip46.store.ConnectOutcome;
import dev.keycast.nip46.store.NewAuthorization;
import dev.keycast.nip46.store.StoreException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The client-initiated connection ({@code nostrconnect://}): the user pastes or scans a client's
 * URI, and the signer
 *
 * <ol>
 *   <li>creates an authorization for the chosen user key with the URI's relays and a single-use
 *       secret,
 *   <li>connects the client to it at once with the perms the URI asked for (consuming that single
 *       use, so no one else can connect through it),
 *   <li>subscribes to the new bunker key (before telling the client, so its first request is not
 *       missed),
 *   <li>sends the unprompted NIP-44 connect response {@code {"id":<random>,"result":<the URI's
 *       secret>}} from the bunker key to the client, on the URI's relays,
 * </ol>
 *
 * <p>and from then on the {@link Bunker} serves that client like any other.
 *
 * <p>Stateless; thread-safe. {@link #accept} blocks for store I/O and CPU work (on the bunker's CPU
 * executor).
 */
public final class NostrConnectFlow {
  private static final SecureRandom RANDOM = new SecureRandom();
  // One connect response per new authorization: a cached conversation key would never be used
  // again.
  private static final Nip46Envelope ENVELOPE = new Nip46Envelope(new Nip44ConversationKeyCache(1));

  private NostrConnectFlow() {}

  /**
   * Accepts a client's connection URI.
   *
   * @param bunker the running bunker that will serve the client (it must be connected to at least
   *     one of the URI's relays, or the client never hears from it)
   * @param uri the parsed {@code nostrconnect://} URI
   * @param keyName the user key to grant
   * @param policyName the policy of the new authorization (the URI's perms are intersected with it)
   * @param label a label for the authorization (for example the client's name), or {@code null}
   * @return the new authorization
   * @throws StoreException if the key does not exist or the store fails
   * @throws IllegalStateException if the bunker is not started
   * @throws InterruptedException if interrupted while waiting for the CPU executor
   */
  public static Authorization accept(
      Bunker bunker, NostrConnectUri uri, String keyName, String policyName, @Nullable String label)
      throws InterruptedException {
    AuthorizationStore store = bunker.authorizationStore();
    // The URI's name/url/image (or legacy metadata/icon): cleaned and bounded, a display hint only.
    ClientMetadata metadata = new ClientMetadata(uri.name(), uri.url(), uri.image());
    Authorization auth =
        store.create(
            NewAuthorization.builder(keyName)
                .relays(uri.relays())
                .policyName(policyName)
                .maxUses(1)
                .label(label != null ? label : metadata.name())
                .build());
    ConnectOutcome outcome =
        store.connect(
            auth.id(), uri.clientPubkey(), auth.secret(), uri.perms(), metadata, Instant.now());
    if (!(outcome instanceof ConnectOutcome.Connected)) {
      throw new IllegalStateException(
          "could not connect the client to its new authorization: " + outcome);
    }
    bunker.authorizationCache().invalidateAll();
    bunker.refreshSubscription();
    AuthorizedSigner signer =
        bunker
            .authorizationCache()
            .signer(auth.bunkerPublicKey())
            .orElseThrow(() -> new IllegalStateException("new authorization not found"));
    byte[] idBytes = new byte[16];
    RANDOM.nextBytes(idBytes);
    String body =
        Nip46Codec.toJson(Nip46Response.ok(HexFormat.of().formatHex(idBytes), uri.secret()));
    SignedEvent event;
    try {
      event =
          bunker
              .cpuExecutor()
              .call(
                  "nostrconnect",
                  () ->
                      ENVELOPE.seal(
                          Nip46Envelope.Scheme.NIP44,
                          body,
                          signer.bunkerKey(),
                          signer.signer(),
                          uri.clientPubkey(),
                          Instant.now().getEpochSecond(),
                          List.of()));
    } catch (InterruptedException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("could not build the connect response", e);
    }
    Set<String> relays = new LinkedHashSet<>(uri.relays());
    // Not awaited: the authorization stands either way, and a client whose connect response is lost
    // times out.
    // The future never completes exceptionally (RelayTransport.publish).
    var unused = bunker.transport().publish(event, relays);
    return auth;
  }
}
