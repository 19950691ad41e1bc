package dev.keycast.cli.internal;

import dev.keycast.crypto.Nip44Cipher;
import dev.keycast.crypto.Nip44ConversationKey;
import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SchnorrSigner;
import dev.keycast.crypto.SecretKey;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.crypto.UnsignedEvent;
import dev.keycast.nip46.ClientMessage;
import dev.keycast.nip46.Filter;
import dev.keycast.nip46.Nip46Codec;
import dev.keycast.nip46.Nip46Response;
import dev.keycast.nip46.RelayMessage;
import dev.keycast.nip46.RelayMessages;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;

/**
 * The lean driver of {@code keycast loadtest} (its default): the client's cryptography off the path
 * between a request's send and its reply's arrival, so that the load generator's own CPU competes
 * as little as possible with the bunker and the relay it measures on the same machine.
 *
 * <ol>
 *   <li><b>Built ahead.</b> Each request is built in full before its turn: the NIP-46 JSON-RPC
 *       body, NIP-44 encrypted to the bunker with the client key's cached conversation key, wrapped
 *       in a kind-24133 event ({@code p} = the bunker), signed by the client key, serialized to its
 *       {@code ["EVENT",…]} message and encoded as a masked WebSocket frame. Before the clock the
 *       first {@code min(requests, ahead)} are built (on all cores); if the run has more, one
 *       builder thread keeps at most {@code ahead} built ahead of the sender during the run. A
 *       frame older than 60 s when its turn comes (a slow run; the daemon accepts events up to 120
 *       s old by default) is built again on the spot.
 *   <li><b>Sent on schedule.</b> One thread writes the prebuilt frames to one {@link RawWebSocket}
 *       per client key, round robin, at most {@code concurrency} in flight: a request leaves the
 *       window when a reply tagged with its event id ({@code e} tag, as Keycast sets it) arrives,
 *       or when its timeout passes. The send time is taken just before the write.
 *   <li><b>Replies kept raw.</b> Each socket's reader stamps every {@code EVENT} message with its
 *       arrival time and keeps its bytes; to free the window it reads only the author ({@code
 *       pubkey} must be the bunker's) and the {@code e} tag (replies without one, from other
 *       bunkers, are decrypted there to read the response id). A forged reply that claims the
 *       bunker's key and a request's id frees that request's slot early; the check below still
 *       counts it as wrong.
 *   <li><b>Checked off the critical path.</b> After the run, or during it on one checker thread
 *       whenever more than {@code ahead} replies wait: each reply is parsed, its author must be the
 *       bunker, its id and signature are verified, its content decrypted and parsed, and it is
 *       matched to its request by the response id. Then it is counted as a client would see it:
 *       {@code ok} (and the result checked by {@link LoadMethod#wrongResult}), an error reply by
 *       message, an interim {@code auth_url} (still waiting), or arriving after {@code timeout} (a
 *       timeout). A request without a valid answer within its timeout is a timeout. Replies that do
 *       not parse, verify, decrypt, come from another key or match no request are counted as wrong;
 *       a second answer to a request as a duplicate. Latency: arrival minus send.
 * </ol>
 *
 * <p><b>Memory:</b> at most {@code ahead} prebuilt frames (about 0.8 KB each for sign_event) and
 * {@code ahead} unchecked replies (about 1.3 KB each), plus about 30 bytes per request of the run
 * (send time, latency, outcome, window state, the id key).
 *
 * <p>Threads: {@link #run} on the caller (the sender; it also expires timed-out requests); a
 * builder and a checker thread when needed; one virtual reader per socket. Not reusable: one run
 * per instance.
 */
public final class PrecomputedLoad implements AutoCloseable {
  private static final int KIND = 24133;
  private static final long MAX_FRAME_AGE_NANOS = TimeUnit.SECONDS.toNanos(60);
  private static final byte[] EVENT = "[\"EVENT\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EOSE = "[\"EOSE\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PUBKEY = "\"pubkey\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] E_TAG = "[\"e\",\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte OUTCOME_OK = 1;
  private static final byte OUTCOME_ERROR = 2;
  private static final byte OUTCOME_TIMEOUT = 3;
  private static final byte OUTCOME_WRONG = 4;

  /** What a run saw; latencies in nanoseconds, sorted, of the answered requests (ok or error). */
  @SuppressWarnings("ArrayRecordComponent") // a result read field by field, never compared
  public record Result(
      int requests,
      int ok,
      Map<String, Integer> errors,
      int timeouts,
      int wrongResults,
      int wrongReplies,
      int duplicateReplies,
      long elapsedNanos,
      long[] sortedLatencies,
      long runCpuNanos,
      long buildCpuNanos,
      long checkCpuNanos) {}

  /** A reply as received: its bytes and arrival time. */
  @SuppressWarnings("ArrayRecordComponent") // a message handed over once, never compared
  private record Received(long atNanos, byte[] utf8) {}

  /** One client key, its socket and its unchecked replies. */
  private final class Conn {
    final int index;
    final SecretKey key;
    final String keyHex;
    final Nip44ConversationKey conversation;
    final SchnorrSigner signer;
    final ConcurrentLinkedQueue<Received> inbox = new ConcurrentLinkedQueue<>();
    final CountDownLatch eose = new CountDownLatch(1);
    @Nullable RawWebSocket socket;

    Conn(int index, SecretKey key) throws GeneralSecurityException {
      this.index = index;
      this.key = key;
      this.keyHex = key.publicKey().toHex();
      this.conversation = Nip44ConversationKey.derive(key, bunker);
      this.signer = SchnorrSigner.create(key);
    }

    /** On the socket's reader: no verification; an e-tag lookup, or a decrypt if none. */
    void onText(long atNanos, byte[] utf8) {
      if (RawWebSocket.startsWith(utf8, EVENT)) {
        inbox.add(new Received(atNanos, utf8));
        // Counted before the settle: a run that ends on this settle must find the reply pending
        // (counted after, the final check could miss the last reply and call its request a
        // timeout: a one-request run failed so in CI).
        boolean many = pending.incrementAndGet() > ahead;
        int i = requestOf(utf8);
        if (i >= 0 && i % conns.size() == index) {
          settle(i);
        }
        if (many) {
          LockSupport.unpark(checker);
        }
      } else if (RawWebSocket.startsWith(utf8, EOSE)) {
        eose.countDown();
      }
    }

    private int requestOf(byte[] utf8) {
      if (!fromBunker(utf8)) {
        return -1; // another author: wrong, whatever it claims to answer
      }
      long key = eTagKey(utf8);
      if (key != NO_KEY) {
        Integer i = byEventId.remove(key);
        return i == null ? -1 : i;
      }
      // No e tag (not a Keycast bunker): read the response id.
      try {
        if (RelayMessages.parseRelayMessage(new String(utf8, StandardCharsets.UTF_8))
            instanceof RelayMessage.Event e) {
          return indexOf(
              Nip46Codec.parseResponse(Nip44Cipher.decrypt(e.event().content(), conversation))
                  .id());
        }
      } catch (GeneralSecurityException | RuntimeException ex) {
        // wrong: counted by the check
      }
      return -1;
    }
  }

  private static final long NO_KEY = Long.MIN_VALUE;

  private final URI relay;
  private final PublicKey bunker;
  private final byte[] bunkerHex;
  private final LoadMethod method;
  private final PublicKey peer;
  private final int requests;
  private final int ahead;
  private final long timeoutNanos;
  private final String idPrefix;
  private final List<Conn> conns = new ArrayList<>();

  // ring of prebuilt frames: slot i % ahead holds request i between its build and its send
  private final byte[][] ring;
  private final long[] builtAtNanos;
  private volatile int built; // requests 0..built-1 are built (publishes ring slots)
  private volatile int sent; // requests 0..sent-1 are sent (publishes sentNanos)
  private final long[] sentNanos;
  private final long[] eventIdKeys;
  private final ConcurrentHashMap<Long, Integer> byEventId = new ConcurrentHashMap<>();
  private final AtomicIntegerArray settled; // 1 once request i left the window
  private final AtomicInteger settledCount = new AtomicInteger();
  private final AtomicInteger pending = new AtomicInteger();
  private @Nullable Semaphore window;
  private volatile @Nullable Thread checker;
  private volatile boolean finished;
  private int rebuilt;

  // counting: checker thread only (or the caller after the checker ended)
  private final byte[] outcome;
  private final long[] latencyNanos;
  private final Map<String, Integer> errors = new TreeMap<>();
  private int wrongReplies;
  private int duplicateReplies;
  private long checkCpuNanos;
  private long buildCpuNanos; // the caller's (before the clock, and rebuilds)
  private long builderCpuNanos; // the builder thread's

  /**
   * Prepares a run: derives each client's conversation key. Connects nothing yet.
   *
   * @param relay the relay ({@code ws://}) the requests go through
   * @param bunker the bunker's public key
   * @param clients the client keys, already connected to the bunker (authorized)
   * @param method the request sent
   * @param requests how many, at least 1
   * @param ahead the most requests built ahead and the most replies left unchecked, at least 1
   * @param timeout how long each request may wait for its reply
   * @throws GeneralSecurityException if a conversation key cannot be derived
   */
  public PrecomputedLoad(
      URI relay,
      PublicKey bunker,
      List<SecretKey> clients,
      LoadMethod method,
      int requests,
      int ahead,
      Duration timeout)
      throws GeneralSecurityException {
    if (requests < 1 || ahead < 1 || clients.isEmpty()) {
      throw new IllegalArgumentException("requests, ahead and clients must be at least 1");
    }
    this.relay = relay;
    this.bunker = bunker;
    this.bunkerHex = bunker.toHex().getBytes(StandardCharsets.US_ASCII);
    this.method = method;
    this.peer = SecretKey.generate().publicKey();
    this.requests = requests;
    this.ahead = Math.min(ahead, requests);
    this.timeoutNanos = timeout.toNanos();
    this.idPrefix = Long.toHexString(System.nanoTime() & 0xffffffL) + "-";
    for (SecretKey k : clients) {
      conns.add(new Conn(conns.size(), k));
    }
    ring = new byte[this.ahead][];
    builtAtNanos = new long[this.ahead];
    sentNanos = new long[requests];
    eventIdKeys = new long[requests];
    settled = new AtomicIntegerArray(requests);
    outcome = new byte[requests];
    latencyNanos = new long[requests];
  }

  /**
   * Builds the first frames (all cores), opens one socket per client key with a subscription to its
   * replies, and waits for each subscription's {@code EOSE}. Blocks.
   *
   * @param connectTimeout the longest wait for the relay
   * @throws IOException if a socket cannot connect
   * @throws InterruptedException if interrupted
   */
  public void prepare(Duration connectTimeout) throws IOException, InterruptedException {
    long cpu = processCpuNanos();
    IntStream.range(0, ahead).parallel().forEach(this::build);
    built = ahead;
    buildCpuNanos += processCpuNanos() - cpu;
    long since = System.currentTimeMillis() / 1000 - 5;
    for (Conn c : conns) {
      RawWebSocket s = RawWebSocket.connect(relay, c::onText);
      c.socket = s;
      Filter replies =
          Filter.builder().kinds(KIND).tag('p', List.of(c.keyHex)).since(since).build();
      s.send(
          RawWebSocket.textFrame(
              RelayMessages.toJson(new ClientMessage.Req("load", List.of(replies)))));
    }
    for (Conn c : conns) {
      if (!c.eose.await(connectTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IOException("the relay did not confirm a subscription (no EOSE)");
      }
    }
  }

  /** Builds request i into its ring slot and registers its event id. Any thread. */
  private void build(int i) {
    Conn c = conns.get(i % conns.size());
    long createdAt = System.currentTimeMillis() / 1000;
    String body = Nip46Codec.toJson(method.request(idPrefix + i, i, createdAt, peer));
    SignedEvent event =
        NostrEvents.sign(
            new UnsignedEvent(
                c.key.publicKey(),
                createdAt,
                KIND,
                List.of(List.of("p", bunker.toHex())),
                Nip44Cipher.encrypt(body, c.conversation)),
            c.signer);
    long key = Long.parseUnsignedLong(event.id().substring(0, 16), 16);
    eventIdKeys[i] = key;
    byEventId.put(key, i);
    int slot = i % ahead;
    builtAtNanos[slot] = System.nanoTime();
    ring[slot] = RawWebSocket.textFrame(RelayMessages.toJson(new ClientMessage.Event(event)));
  }

  /**
   * Sends every request, at most {@code concurrency} in flight, waits for every reply (or its
   * timeout), then checks what is left unchecked. Blocks for the whole run.
   *
   * @param concurrency the most requests in flight, at least 1
   * @param onProgress called on this thread now and then with the number of requests settled
   * @return what the run saw
   * @throws InterruptedException if interrupted
   */
  public Result run(int concurrency, java.util.function.IntConsumer onProgress)
      throws InterruptedException {
    Semaphore w = new Semaphore(concurrency);
    window = w;
    Thread checkerThread =
        Thread.ofPlatform().daemon().name("loadtest-check").start(this::checkWhileRunning);
    checker = checkerThread;
    Thread builder =
        requests > ahead
            ? Thread.ofPlatform().daemon().name("loadtest-build").start(this::buildRest)
            : null;
    long cpu = processCpuNanos();
    long start = System.nanoTime();
    int oldest = 0;
    long lastProgress = 0;
    for (int i = 0; i < requests; i++) {
      while (!w.tryAcquire(5, TimeUnit.MILLISECONDS)) {
        oldest = expire(oldest);
      }
      while (built <= i) {
        LockSupport.parkNanos(50_000);
      }
      int slot = i % ahead;
      byte[] frame = ring[slot];
      long now = System.nanoTime();
      if (now - builtAtNanos[slot] > MAX_FRAME_AGE_NANOS) {
        byEventId.remove(eventIdKeys[i]);
        long bcpu = processCpuNanos();
        build(i);
        buildCpuNanos += processCpuNanos() - bcpu;
        frame = ring[slot];
        rebuilt++;
        now = System.nanoTime();
      }
      Conn c = conns.get(i % conns.size());
      sentNanos[i] = now;
      sent = i + 1;
      try {
        RawWebSocket s = c.socket;
        if (s == null) {
          throw new IOException("not prepared");
        }
        s.send(frame);
      } catch (IOException e) {
        // Counted as a timeout when it expires, as a client would see it.
      }
      if (now - lastProgress > 100_000_000L) {
        onProgress.accept(settledCount.get());
        lastProgress = now;
        oldest = expire(oldest);
      }
    }
    while (oldest < requests) {
      oldest = expire(oldest);
      if (oldest < requests) {
        long wait = sentNanos[oldest] + timeoutNanos - System.nanoTime();
        if (settled.get(oldest) == 0 && wait > 0) {
          LockSupport.parkNanos(Math.min(wait, 5_000_000L));
        }
      }
      long now = System.nanoTime();
      if (now - lastProgress > 100_000_000L) {
        onProgress.accept(settledCount.get());
        lastProgress = now;
      }
    }
    long elapsed = System.nanoTime() - start;
    long runCpu = processCpuNanos() - cpu;
    finished = true;
    LockSupport.unpark(checkerThread);
    checkerThread.join();
    if (builder != null) {
      builder.join();
      buildCpuNanos += builderCpuNanos;
    }
    close();
    long checkCpu = processCpuNanos();
    checkAll();
    checkCpuNanos += processCpuNanos() - checkCpu;
    return result(elapsed, runCpu);
  }

  /** Expires requests from {@code oldest} on whose timeout passed; returns the new oldest. */
  private int expire(int oldest) {
    long now = System.nanoTime();
    int s = sent;
    while (oldest < s && (settled.get(oldest) == 1 || now - sentNanos[oldest] > timeoutNanos)) {
      if (settle(oldest)) {
        byEventId.remove(eventIdKeys[oldest]);
      }
      oldest++;
    }
    return oldest;
  }

  /** Takes request i out of the window, once; true if this call did. */
  private boolean settle(int i) {
    if (settled.compareAndSet(i, 0, 1)) {
      settledCount.incrementAndGet();
      Semaphore w = window;
      if (w != null) {
        w.release();
      }
      return true;
    }
    return false;
  }

  /** The builder thread: keeps at most {@code ahead} requests built ahead of the sender. */
  private void buildRest() {
    long cpu = threadCpuNanos();
    for (int i = ahead; i < requests; i++) {
      while (i - sent >= ahead) {
        LockSupport.parkNanos(200_000);
      }
      build(i);
      built = i + 1;
    }
    builderCpuNanos = threadCpuNanos() - cpu; // read after join
  }

  /** The checker thread: checks replies while more than {@code ahead} wait, until the run ends. */
  private void checkWhileRunning() {
    long cpu = threadCpuNanos();
    while (!finished) {
      if (pending.get() > ahead) {
        checkSome(ahead / 2);
      } else {
        LockSupport.parkNanos(50_000_000L);
      }
    }
    checkCpuNanos += threadCpuNanos() - cpu;
  }

  private void checkAll() {
    checkSome(0);
  }

  /** Checks the oldest unchecked replies until at most {@code keep} are left. */
  private void checkSome(int keep) {
    boolean progress = true;
    while (pending.get() > keep && progress) {
      progress = false;
      for (Conn c : conns) {
        Received r = c.inbox.poll();
        if (r != null) {
          pending.decrementAndGet();
          // Read after the poll: the reply came after its request was sent, so this count covers
          // it and reads after this see its sentNanos. (A count read before the loop could miss a
          // request sent meanwhile and call its correct reply wrong.)
          int s = sent;
          check(c, r, s);
          progress = true;
        }
      }
    }
  }

  private void check(Conn c, Received r, int sentCount) {
    Nip46Response response;
    try {
      if (!(RelayMessages.parseRelayMessage(new String(r.utf8(), StandardCharsets.UTF_8))
              instanceof RelayMessage.Event e)
          || !e.event().pubkey().equals(bunker.toHex())) {
        wrongReplies++;
        return;
      }
      NostrEvents.verify(e.event());
      response = Nip46Codec.parseResponse(Nip44Cipher.decrypt(e.event().content(), c.conversation));
    } catch (GeneralSecurityException | RuntimeException ex) {
      wrongReplies++;
      return;
    }
    int i = indexOf(response.id());
    if (i < 0 || i >= sentCount || i % conns.size() != c.index) {
      wrongReplies++;
      return;
    }
    long latency = r.atNanos() - sentNanos[i];
    if (response instanceof Nip46Response.AuthUrl) {
      return; // interim: a client keeps waiting for the answer
    }
    if (outcome[i] != 0) {
      duplicateReplies++;
      return;
    }
    if (latency > timeoutNanos) {
      outcome[i] = OUTCOME_TIMEOUT;
      return;
    }
    switch (response) {
      case Nip46Response.Error err -> {
        outcome[i] = OUTCOME_ERROR;
        latencyNanos[i] = latency;
        errors.merge(err.error(), 1, Integer::sum);
      }
      case Nip46Response.Ok ok -> {
        latencyNanos[i] = latency;
        outcome[i] = method.wrongResult(i, ok.result()) == null ? OUTCOME_OK : OUTCOME_WRONG;
      }
      case Nip46Response.AuthUrl a -> {}
    }
  }

  private int indexOf(String responseId) {
    if (!responseId.startsWith(idPrefix)) {
      return -1;
    }
    try {
      int i = Integer.parseInt(responseId.substring(idPrefix.length()));
      return i >= 0 && i < requests ? i : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Whether the message's (first) {@code "pubkey"} field is the bunker's key; no verification. */
  private boolean fromBunker(byte[] utf8) {
    int at = indexOf(utf8, PUBKEY);
    return at >= 0
        && at + PUBKEY.length + bunkerHex.length <= utf8.length
        && Arrays.equals(
            utf8,
            at + PUBKEY.length,
            at + PUBKEY.length + bunkerHex.length,
            bunkerHex,
            0,
            bunkerHex.length);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int at = 0; at + needle.length <= haystack.length; at++) {
      for (int k = 0; k < needle.length; k++) {
        if (haystack[at + k] != needle[k]) {
          continue outer;
        }
      }
      return at;
    }
    return -1;
  }

  /** The first 8 bytes of the first {@code e} tag's event id, or {@link #NO_KEY}. */
  private static long eTagKey(byte[] utf8) {
    int at = indexOf(utf8, E_TAG);
    if (at < 0 || at + E_TAG.length + 16 > utf8.length) {
      return NO_KEY;
    }
    long v = 0;
    for (int k = 0; k < 16; k++) {
      int d = Character.digit(utf8[at + E_TAG.length + k], 16);
      if (d < 0) {
        return NO_KEY;
      }
      v = (v << 4) | d;
    }
    return v;
  }

  private Result result(long elapsed, long runCpu) {
    int ok = 0;
    int timeouts = 0;
    int wrongResults = 0;
    List<Long> answered = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      switch (outcome[i]) {
        case OUTCOME_OK -> {
          ok++;
          answered.add(latencyNanos[i]);
        }
        case OUTCOME_ERROR -> answered.add(latencyNanos[i]);
        case OUTCOME_WRONG -> wrongResults++;
        default -> timeouts++;
      }
    }
    long[] sorted = answered.stream().mapToLong(Long::longValue).sorted().toArray();
    return new Result(
        requests,
        ok,
        new HashMap<>(errors),
        timeouts,
        wrongResults,
        wrongReplies,
        duplicateReplies,
        elapsed,
        sorted,
        runCpu,
        buildCpuNanos,
        checkCpuNanos);
  }

  /**
   * Frames built again at their send because they had aged past 60 s.
   *
   * @return the count
   */
  public int rebuiltFrames() {
    return rebuilt;
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static long threadCpuNanos() {
    return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  /** Closes the sockets (idempotent). */
  @Override
  public void close() {
    for (Conn c : conns) {
      RawWebSocket s = c.socket;
      if (s != null) {
        s.close();
      }
    }
  }
}
