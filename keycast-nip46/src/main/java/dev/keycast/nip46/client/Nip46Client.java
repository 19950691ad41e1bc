package dev.keycast.nip46.client;

import dev.keycast.crypto.Nip44ConversationKeyCache;
import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SchnorrSigner;
import dev.keycast.crypto.SecretKey;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.BunkerUri;
import dev.keycast.nip46.EventTemplate;
import dev.keycast.nip46.Filter;
import dev.keycast.nip46.Nip46Codec;
import dev.keycast.nip46.Nip46Envelope;
import dev.keycast.nip46.Nip46FormatException;
import dev.keycast.nip46.Nip46Request;
import dev.keycast.nip46.Nip46Response;
import dev.keycast.nip46.NostrConnectUri;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.relay.RelayListener;
import dev.keycast.nip46.relay.RelayPool;
import dev.keycast.nip46.relay.RelayPoolConfig;
import dev.keycast.nip46.relay.RelayState;
import dev.keycast.nip46.relay.RelayStatus;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A NIP-46 client: sends requests to a remote signer over relays and correlates the responses by
 * id.
 *
 * <pre>{@code
 * try (Nip46Client client = Nip46Client.builder(BunkerUri.parse(uri), SecretKey.generate()).build()) {
 *   client.connect(PermissionSet.parse("sign_event:1")).join().orThrow();
 *   String userPubkey = client.getPublicKey().join().orThrow();
 * }
 * }</pre>
 *
 * <p>Requests are NIP-44 encrypted by default ({@link Builder#nip04()} for legacy signers). Every
 * request returns a {@link CompletableFuture} of a sealed {@link Nip46Result} that completes with
 * the signer's answer or {@link Nip46Result.TimedOut} after the timeout; it never completes
 * exceptionally for protocol failures. Interim {@code auth_url} responses go to the {@link
 * Builder#onAuthUrl auth-url listener} and the future keeps waiting for the real answer. Responses
 * are accepted only from the signer's key, with a valid signature.
 *
 * <p><b>Threads.</b> Thread-safe: requests may be sent from any thread concurrently. Sending never
 * blocks: signing and encryption run on a small platform-thread crypto executor (owned by the
 * client unless supplied), the relay pool's I/O threads only hand incoming events to that executor.
 * Futures complete on the crypto executor: do not block in their callbacks.
 */
public final class Nip46Client implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Nip46Client.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String SUBSCRIPTION = "nip46-client";

  /** Encryption scheme for requests. */
  public enum Encryption {
    /** NIP-44 v2, the default. */
    NIP44,
    /** NIP-04, for legacy signers. */
    NIP04
  }

  /**
   * A request waiting for its answer; {@code authUrls} remembers the challenges already reported.
   */
  private record Pending(CompletableFuture<Nip46Result> future, Set<String> authUrls) {
    Pending(CompletableFuture<Nip46Result> future) {
      this(future, ConcurrentHashMap.newKeySet());
    }
  }

  private final SecretKey clientKey;
  private final SchnorrSigner signer;
  private final List<String> relays;
  private final @Nullable String secret;
  private final Encryption encryption;
  private final Duration timeout;
  private final BiConsumer<String, String> onAuthUrl;
  private final ExecutorService crypto;
  private final boolean ownsCrypto;
  private final Nip44ConversationKeyCache conversationKeys = new Nip44ConversationKeyCache(64);
  private final Nip46Envelope envelope = new Nip46Envelope(conversationKeys);
  private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
  private final String idPrefix;
  private final AtomicInteger idCounter = new AtomicInteger();
  private final RelayPool pool;
  private volatile @Nullable PublicKey signerKey;
  private volatile @Nullable CompletableFuture<Nip46Client> nostrConnectWaiter;
  private volatile @Nullable String nostrConnectSecret;

  private Nip46Client(
      Builder b, @Nullable PublicKey signerKey, List<String> relays, @Nullable String secret) {
    this.clientKey = b.clientKey;
    this.signer = SchnorrSigner.create(clientKey);
    this.signerKey = signerKey;
    this.relays = List.copyOf(relays);
    this.secret = secret;
    this.encryption = b.encryption;
    this.timeout = b.timeout;
    this.onAuthUrl = b.onAuthUrl;
    this.ownsCrypto = b.crypto == null;
    this.crypto =
        b.crypto != null
            ? b.crypto
            : Executors.newFixedThreadPool(
                2,
                r -> {
                  Thread t = new Thread(r, "keycast-client-crypto");
                  t.setDaemon(true);
                  return t;
                });
    byte[] prefix = new byte[4];
    RANDOM.nextBytes(prefix);
    this.idPrefix = HexFormat.of().formatHex(prefix) + "-";
    this.pool =
        RelayPool.create(
            b.poolConfig,
            new RelayListener() {
              @Override
              public void onEvent(String relayUrl, String subscriptionId, SignedEvent event) {
                try {
                  crypto.execute(() -> receive(event));
                } catch (RejectedExecutionException e) {
                  LOG.debug("client closed; dropping event");
                }
              }
            });
    pool.setRelays(this.relays);
    pool.subscribe(
        SUBSCRIPTION,
        List.of(
            Filter.builder()
                .kinds(Nip46Envelope.KIND)
                .tag('p', List.of(clientKey.publicKey().toHex()))
                .since(System.currentTimeMillis() / 1000 - 30)
                .build()));
    PublicKey signerNow = signerKey;
    if (signerNow != null && encryption == Encryption.NIP44) {
      // The first request should not pay the ECDH: derive the conversation key now, off the
      // caller's thread, while the relays connect.
      crypto.execute(() -> deriveConversationKey(signerNow));
    }
  }

  private void deriveConversationKey(PublicKey signer) {
    try {
      conversationKeys.get(clientKey, signer);
    } catch (InvalidKeyException e) {
      LOG.debug("the signer key is not a curve point: its requests fail");
    }
  }

  /** Test seam: how many conversation keys this client holds. */
  int conversationKeysHeld() {
    return conversationKeys.size();
  }

  /**
   * Starts a builder for a signer-initiated connection ({@code bunker://}).
   *
   * @param uri the bunker URI (signer key, relays, optional secret used by {@link
   *     #connect(PermissionSet)})
   * @param clientKey this client's key (its public key identifies the client to the signer)
   * @return a builder
   */
  public static Builder builder(BunkerUri uri, SecretKey clientKey) {
    return new Builder(uri, null, clientKey);
  }

  /**
   * Starts a builder for a client-initiated connection: {@link Builder#awaitNostrConnect()} waits
   * for the signer's unprompted connect response carrying the URI's secret.
   *
   * @param uri the URI shown to the user (its client key must be {@code clientKey}'s public key)
   * @param clientKey this client's key
   * @return a builder
   * @throws IllegalArgumentException if the URI's key is not {@code clientKey}'s
   */
  public static Builder builder(NostrConnectUri uri, SecretKey clientKey) {
    if (!uri.clientPubkey().equals(clientKey.publicKey())) {
      throw new IllegalArgumentException("the nostrconnect URI names another client key");
    }
    return new Builder(null, uri, clientKey);
  }

  /** {@return the signer's public key (for a nostrconnect client: once the signer answered)} */
  public @Nullable PublicKey signerPublicKey() {
    return signerKey;
  }

  /** {@return this client's public key} */
  public PublicKey clientPublicKey() {
    return clientKey.publicKey();
  }

  /** {@return each relay's state} Never blocks. */
  public Map<String, RelayStatus> relayStatus() {
    return pool.status();
  }

  /**
   * Blocks until at least one relay is connected (with its subscription sent), or the timeout
   * passes.
   *
   * @param max the longest wait
   * @return {@code true} if a relay is connected
   * @throws InterruptedException if interrupted
   */
  public boolean awaitConnected(Duration max) throws InterruptedException {
    long end = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < end) {
      if (pool.status().values().stream().anyMatch(s -> s.state() == RelayState.CONNECTED)) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }

  /** {@return a fresh request id} Never blocks. */
  public String nextId() {
    return idPrefix + idCounter.incrementAndGet();
  }

  /**
   * Sends {@code connect} with the URI's secret and the given perms. Never blocks.
   *
   * @param perms the permissions asked for
   * @return the outcome: the signer's answer, or {@link Nip46Result.TimedOut}
   */
  public CompletableFuture<Nip46Result> connect(PermissionSet perms) {
    PublicKey s = signerKey;
    return send(
        new Nip46Request.Connect(nextId(), s == null ? null : s.toHex(), secret, perms, null));
  }

  /**
   * Sends {@code get_public_key}. Never blocks.
   *
   * @return the outcome: the signer's answer, or {@link Nip46Result.TimedOut}
   */
  public CompletableFuture<Nip46Result> getPublicKey() {
    return send(new Nip46Request.GetPublicKey(nextId()));
  }

  /**
   * Sends {@code sign_event}; the result is the signed event JSON. Never blocks.
   *
   * @param template the event to sign
   * @return the outcome: the signer's answer, or {@link Nip46Result.TimedOut}
   */
  public CompletableFuture<Nip46Result> signEvent(EventTemplate template) {
    return send(new Nip46Request.SignEvent(nextId(), template));
  }

  /**
   * Sends {@code ping}. Never blocks.
   *
   * @return the outcome: the signer's answer, or {@link Nip46Result.TimedOut}
   */
  public CompletableFuture<Nip46Result> ping() {
    return send(new Nip46Request.Ping(nextId()));
  }

  /**
   * Sends {@code nip44_encrypt}. Never blocks.
   *
   * @param peer the public key the plaintext is encrypted to
   * @param plaintext the text to encrypt
   * @return the outcome: the signer's answer, or {@link Nip46Result.TimedOut}
   */
  public CompletableFuture<Nip46Result> nip44Encrypt(PublicKey peer, String plaintext) {
    return send(new Nip46Request.Nip44Encrypt(nextId(), peer.toHex(), plaintext));
  }

  /**
   * Sends {@code nip44_decrypt}. Never blocks.
   *
   * @param peer the public key of the ciphertext's other party
   * @param ciphertext the payload to decrypt
   * @return the outcome: the signer's answer, or {@link Nip46Result.TimedOut}
   */
  public CompletableFuture<Nip46Result> nip44Decrypt(PublicKey peer, String ciphertext) {
    return send(new Nip46Request.Nip44Decrypt(nextId(), peer.toHex(), ciphertext));
  }

  /**
   * Sends {@code nip04_encrypt}. Never blocks.
   *
   * @param peer the public key the plaintext is encrypted to
   * @param plaintext the text to encrypt
   * @return the outcome: the signer's answer, or {@link Nip46Result.TimedOut}
   */
  public CompletableFuture<Nip46Result> nip04Encrypt(PublicKey peer, String plaintext) {
    return send(new Nip46Request.Nip04Encrypt(nextId(), peer.toHex(), plaintext));
  }

  /**
   * Sends {@code nip04_decrypt}. Never blocks.
   *
   * @param peer the public key of the ciphertext's other party
   * @param ciphertext the payload to decrypt
   * @return the outcome: the signer's answer, or {@link Nip46Result.TimedOut}
   */
  public CompletableFuture<Nip46Result> nip04Decrypt(PublicKey peer, String ciphertext) {
    return send(new Nip46Request.Nip04Decrypt(nextId(), peer.toHex(), ciphertext));
  }

  /**
   * Sends {@code switch_relays}. Never blocks.
   *
   * @return the outcome: the signer's answer, or {@link Nip46Result.TimedOut}
   */
  public CompletableFuture<Nip46Result> switchRelays() {
    return send(new Nip46Request.SwitchRelays(nextId()));
  }

  /**
   * Sends {@code logout}. Never blocks.
   *
   * @return the outcome: the signer's answer, or {@link Nip46Result.TimedOut}
   */
  public CompletableFuture<Nip46Result> logout() {
    return send(new Nip46Request.Logout(nextId()));
  }

  /**
   * Sends any request. Never blocks.
   *
   * @param request the request; its id must be unique among this client's pending requests
   * @return the outcome
   * @throws IllegalStateException if the signer is not known yet (nostrconnect before the signer
   *     answered)
   */
  public CompletableFuture<Nip46Result> send(Nip46Request request) {
    return sendPlaintext(request.id(), Nip46Codec.toJson(request));
  }

  /**
   * Sends an arbitrary plaintext body, encrypted and signed as a request: for testing signers with
   * malformed requests. Never blocks.
   *
   * @param correlationId the id the response is expected to carry ({@code ""} for bodies without an
   *     id)
   * @param body the plaintext to encrypt as the request content
   * @return the outcome
   */
  public CompletableFuture<Nip46Result> sendPlaintext(String correlationId, String body) {
    PublicKey to = signerKey;
    if (to == null) {
      throw new IllegalStateException("the signer is not known yet");
    }
    CompletableFuture<Nip46Result> f = new CompletableFuture<>();
    if (pending.putIfAbsent(correlationId, new Pending(f)) != null) {
      throw new IllegalArgumentException(
          "a request with id " + correlationId + " is already pending");
    }
    f.completeOnTimeout(
        new Nip46Result.TimedOut(timeout), timeout.toMillis(), TimeUnit.MILLISECONDS);
    var unused =
        f.whenComplete((r, e) -> pending.remove(correlationId)); // cleanup only; the caller gets f
    try {
      crypto.execute(
          () -> {
            try {
              SignedEvent event = seal(body, to);
              // Not awaited: a request no relay accepted ends as TimedOut through f, like one that
              // got no answer.
              var unusedSent = pool.publish(event, relays);
            } catch (RuntimeException | GeneralSecurityException e) {
              LOG.warn("could not send request: {}", e.toString());
              f.complete(new Nip46Result.Failure("client: " + e.getClass().getSimpleName()));
            }
          });
    } catch (RejectedExecutionException e) {
      f.complete(new Nip46Result.Failure("client: closed"));
    }
    return f;
  }

  /** Encrypts and signs a body addressed to {@code to}. CPU-bound: runs on the crypto executor. */
  SignedEvent seal(String body, PublicKey to) throws GeneralSecurityException {
    Nip46Envelope.Scheme scheme =
        encryption == Encryption.NIP44 ? Nip46Envelope.Scheme.NIP44 : Nip46Envelope.Scheme.NIP04;
    return envelope.seal(
        scheme, body, clientKey, signer, to, System.currentTimeMillis() / 1000, List.of());
  }

  /** Handles one incoming event. Runs on the crypto executor. */
  private void receive(SignedEvent event) {
    try {
      PublicKey from = PublicKey.fromHex(event.pubkey());
      PublicKey expected = signerKey;
      if (expected != null && !expected.equals(from)) {
        return;
      }
      NostrEvents.verify(event);
      String plain = envelope.open(event, clientKey);
      Nip46Response response;
      try {
        response = Nip46Codec.parseResponse(plain);
      } catch (Nip46FormatException e) {
        LOG.debug("unparseable response: {}", e.getMessage());
        return;
      }
      if (expected == null) {
        acceptNostrConnect(from, response);
        return;
      }
      Pending p = pending.get(response.id());
      if (p == null) {
        LOG.debug("response for unknown or finished request {}", response.id());
        return;
      }
      switch (response) {
        case Nip46Response.AuthUrl a -> {
          if (!p.authUrls().add(a.url())) {
            return; // the same challenge relayed by several relays: report it once
          }
          try {
            onAuthUrl.accept(a.id(), a.url());
          } catch (RuntimeException e) {
            LOG.warn("auth_url listener threw", e);
          }
        }
        case Nip46Response.Ok ok -> p.future().complete(new Nip46Result.Success(ok.result()));
        case Nip46Response.Error err -> p.future().complete(new Nip46Result.Failure(err.error()));
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      LOG.debug("dropping an event that does not verify or decrypt: {}", e.toString());
    }
  }

  private void acceptNostrConnect(PublicKey from, Nip46Response response) {
    String want = nostrConnectSecret;
    CompletableFuture<Nip46Client> waiter = nostrConnectWaiter;
    if (want != null
        && waiter != null
        && response instanceof Nip46Response.Ok ok
        && want.equals(ok.result())) {
      signerKey = from;
      waiter.complete(this);
    }
  }

  /**
   * Closes the relay connections and (if owned) the crypto executor; pending requests complete as
   * timed out.
   */
  @Override
  public void close() {
    pool.close();
    for (Pending p : pending.values()) {
      p.future().complete(new Nip46Result.TimedOut(Duration.ZERO));
    }
    if (ownsCrypto) {
      crypto.shutdownNow();
    }
  }

  /** Builds a {@link Nip46Client}. Not thread-safe. */
  public static final class Builder {
    private final @Nullable BunkerUri bunkerUri;
    private final @Nullable NostrConnectUri connectUri;
    private final SecretKey clientKey;
    private Encryption encryption = Encryption.NIP44;
    private Duration timeout = Duration.ofSeconds(30);
    private BiConsumer<String, String> onAuthUrl =
        (id, url) -> LOG.info("signer asks to open {}", url);
    private RelayPoolConfig poolConfig = RelayPoolConfig.defaults();
    private @Nullable ExecutorService crypto;

    private Builder(
        @Nullable BunkerUri bunkerUri, @Nullable NostrConnectUri connectUri, SecretKey clientKey) {
      this.bunkerUri = bunkerUri;
      this.connectUri = connectUri;
      this.clientKey = Objects.requireNonNull(clientKey, "clientKey");
    }

    /**
     * Sends requests NIP-04 encrypted (legacy); the default is NIP-44.
     *
     * @return this builder
     */
    public Builder nip04() {
      this.encryption = Encryption.NIP04;
      return this;
    }

    /**
     * Sets how long each request waits for its answer.
     *
     * @param timeout how long each request waits for its answer (default 30 s)
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive");
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Sets the listener for interim {@code auth_url} responses.
     *
     * @param listener receives (request id, url) of each interim {@code auth_url} response; must
     *     not block
     * @return this builder
     */
    public Builder onAuthUrl(BiConsumer<String, String> listener) {
      this.onAuthUrl = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Sets the relay pool settings.
     *
     * @param config relay pool settings (reconnect backoff, timeouts)
     * @return this builder
     */
    public Builder relayPoolConfig(RelayPoolConfig config) {
      this.poolConfig = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Sets the executor that runs signing and encryption.
     *
     * @param executor runs signing and encryption (not closed by the client); default: 2 owned
     *     threads
     * @return this builder
     */
    public Builder cryptoExecutor(ExecutorService executor) {
      this.crypto = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Builds a client for a {@code bunker://} URI and starts connecting to its relays (in the
     * background); with NIP-44 it also derives its conversation key with the signer on the crypto
     * executor meanwhile, so the first request costs what a later one does. Does not block.
     *
     * @return the client, which the caller closes
     * @throws IllegalStateException if the builder was made for a nostrconnect URI
     */
    public Nip46Client build() {
      if (bunkerUri == null) {
        throw new IllegalStateException("built for a nostrconnect URI: use awaitNostrConnect()");
      }
      return new Nip46Client(
          this, bunkerUri.signerPubkey(), bunkerUri.relays(), bunkerUri.secret());
    }

    /**
     * Starts listening on the nostrconnect URI's relays and completes when a signer sends the
     * connect response carrying the URI's secret (its key becomes the signer key). Never blocks.
     *
     * @return the connected client, or a future that fails with a {@link
     *     java.util.concurrent.TimeoutException} after the request timeout (the client is then
     *     closed)
     * @throws IllegalStateException if the builder was made for a bunker URI
     */
    public CompletableFuture<Nip46Client> awaitNostrConnect() {
      if (connectUri == null) {
        throw new IllegalStateException("built for a bunker URI: use build()");
      }
      Nip46Client client = new Nip46Client(this, null, connectUri.relays(), null);
      CompletableFuture<Nip46Client> waiter = new CompletableFuture<>();
      client.nostrConnectSecret = connectUri.secret();
      client.nostrConnectWaiter = waiter;
      // The callback closes the client on timeout; the caller observes the outcome through waiter
      // itself.
      var unused =
          waiter
              .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
              .whenComplete(
                  (c, e) -> {
                    if (e != null) {
                      client.close();
                    }
                  });
      return waiter;
    }
  }
}
