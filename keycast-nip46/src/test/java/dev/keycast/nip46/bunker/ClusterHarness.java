package dev.keycast.nip46.bunker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keycast.crypto.SecretKey;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.BunkerUri;
import dev.keycast.nip46.EventTemplate;
import dev.keycast.nip46.Filter;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.bunker.internal.ClusterNode;
import dev.keycast.nip46.client.Nip46Client;
import dev.keycast.nip46.client.Nip46Result;
import dev.keycast.nip46.relay.DevRelay;
import dev.keycast.nip46.relay.RelayPool;
import dev.keycast.nip46.server.SignerError;
import dev.keycast.nip46.store.AesGcmKeyEncryption;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.store.MasterKey;
import dev.keycast.nip46.store.NewAuthorization;
import dev.keycast.nip46.testing.TcpProxy;
import dev.keycast.nip46.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Several {@link Bunker} cluster members in one JVM on one real PostgreSQL database, each with its
 * own connection pool behind its own {@link TcpProxy} (so a test can cut one member off), one dev
 * relay, an observer that records every reply event, and clients under load.
 */
final class ClusterHarness implements AutoCloseable {
  static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * The daemon's heartbeat and lease (500 ms, 2 s) for measurements; the tests use 250 ms, 1.5 s.
   */
  private static final boolean DAEMON_TIMING =
      Boolean.getBoolean("keycast.measure") && !Boolean.getBoolean("keycast.measure.fast");

  /** One member. */
  static final class Member {
    final String name;
    final TcpProxy proxy;
    final KeycastDatabase db;
    final Bunker bunker;

    Member(String name, TcpProxy proxy, KeycastDatabase db, Bunker bunker) {
      this.name = name;
      this.proxy = proxy;
      this.db = db;
      this.bunker = bunker;
    }

    ClusterNode node() {
      ClusterNode n = bunker.clusterNode();
      assertThat(n).isNotNull();
      return n;
    }

    Set<String> owned() {
      return node().ownedNow();
    }

    long memberId() {
      return Long.parseUnsignedLong(bunker.cluster().orElseThrow().memberId(), 16);
    }
  }

  /** When the first harness was made (times in failure messages count from it). */
  static final long START = System.nanoTime();

  /** One interval during which a member believed it answered a slot ({@code key}: the slot). */
  record Belief(String member, String key, long from, long to) {}

  /**
   * How long a member must answer a slot, after a request was sent or after it took the slot over,
   * to have answered that request: it runs held requests right after the claim statement that won
   * their slot, and a request takes milliseconds.
   */
  static final Duration ANSWER_GRACE = Duration.ofMillis(300);

  /** How long after a crash returned its member's last answer may still reach a client. */
  private static final Duration CRASH_ANSWER_SLACK = Duration.ofMillis(500);

  /**
   * The answers only a member being {@linkplain #crash crashed} may give, as {@link Load} records
   * them.
   */
  private static final Set<String> CRASH_ANSWERS =
      Set.of(
          new Nip46Result.Failure(SignerError.UNAVAILABLE.wireText()).toString(),
          new Nip46Result.Failure(SignerError.SHUTTING_DOWN.wireText()).toString());

  final TestDatabase database = TestDatabase.postgres();
  final MasterKey masterKey = MasterKey.random();
  final KeycastDatabase admin;
  final DevRelay relay = DevRelay.start("127.0.0.1", 0);
  final List<Member> members = new CopyOnWriteArrayList<>();
  final List<Authorization> authorizations = new ArrayList<>();

  /** request event id -> distinct reply event ids seen on the relay. */
  final Map<String, Set<String>> replies = new ConcurrentHashMap<>();

  private final List<Belief> beliefs = Collections.synchronizedList(new ArrayList<>());

  /** member name -> when its start returned (subscribed to every key: it sees every request). */
  private final Map<String, Long> readyAt = new ConcurrentHashMap<>();

  private final Map<String, Long> openBeliefs = new ConcurrentHashMap<>();
  private final List<Nip46Client> clients = new CopyOnWriteArrayList<>();
  private final List<Member> closed = new CopyOnWriteArrayList<>();

  /** [from, to] ({@link System#nanoTime()}) of each {@link #crash}. */
  private final List<long[]> crashes = new CopyOnWriteArrayList<>();

  private final RelayPool observer;

  ClusterHarness(int keys) throws Exception {
    admin = KeycastDatabase.open(database.url(), AesGcmKeyEncryption.create(masterKey));
    admin.keys().generate("alice");
    for (int i = 0; i < keys; i++) {
      authorizations.add(
          admin
              .authorizations()
              .create(
                  NewAuthorization.builder("alice")
                      .relays(List.of(relay.url()))
                      .policyName("full")
                      .build()));
    }
    observer =
        RelayPool.create(
            Fixture.FAST_RECONNECT,
            (url, sub, ev) -> {
              String request = eTag(ev);
              if (request != null) {
                replies.computeIfAbsent(request, r -> ConcurrentHashMap.newKeySet()).add(ev.id());
              }
            });
    observer.addRelay(relay.url());
    observer.subscribe(
        "observer", List.of(Filter.builder().kinds(24133).authors(keyHexes()).build()));
    assertThat(relay.awaitSubscription(f -> f.authors() != null, Fixture.WAIT)).isTrue();
  }

  private static String eTag(SignedEvent ev) {
    for (List<String> t : ev.tags()) {
      if (t.size() >= 2 && t.get(0).equals("e")) {
        return t.get(1);
      }
    }
    return null;
  }

  List<String> keyHexes() {
    return authorizations.stream().map(a -> a.bunkerPublicKey().toHex()).toList();
  }

  /** Starts a member and waits until it serves (subscribed to) every key. */
  Member start(String name) throws Exception {
    TcpProxy proxy = new TcpProxy(TestDatabase.PG_PORT);
    KeycastDatabase db =
        KeycastDatabase.builder(proxy.rewrite(database.url()))
            .keyEncryption(AesGcmKeyEncryption.create(masterKey))
            .connectionTimeout(Duration.ofSeconds(1))
            .queryTimeout(Duration.ofSeconds(1))
            .open();
    Bunker b =
        Bunker.builder()
            .database(db)
            .clusterSettings(
                new ClusterNode.Settings(
                    name,
                    Duration.ofMillis(DAEMON_TIMING ? 500 : 250),
                    Duration.ofMillis(DAEMON_TIMING ? 2000 : 1500),
                    Duration.ofMillis(300),
                    Duration.ofSeconds(15),
                    10_000,
                    false))
            .relayPoolConfig(Fixture.FAST_RECONNECT)
            .relays(List.of(relay.url()))
            .pollInterval(Duration.ofMillis(200))
            .shutdownDeadline(Duration.ofSeconds(2))
            .build();
    Member m = new Member(name, proxy, db, b);
    b.clusterNode()
        .onOwnershipChange(
            new ClusterNode.OwnershipListener() {
              @Override
              public void owned(int slot, long nanos) {
                openBeliefs.put(name + "/" + slot, nanos);
              }

              @Override
              public void disowned(int slot, long nanos) {
                Long from = openBeliefs.remove(name + "/" + slot);
                if (from != null) {
                  beliefs.add(new Belief(name, String.valueOf(slot), from, nanos));
                }
              }
            });
    b.start();
    members.add(m);
    await("member " + name + " serves every key")
        .atMost(Fixture.WAIT)
        .until(() -> b.signerKeys().containsAll(keyHexes()));
    readyAt.put(name, System.nanoTime());
    return m;
  }

  /**
   * Kills a member abruptly: its database connections cut, no release, then stopped. The cut comes
   * first, so a request the member is loading at that instant may be answered {@code unavailable,
   * retry later} (as after a real database outage) or {@code shutting down} before it stops; a real
   * crash would leave it unanswered instead. {@link #answeredByACrash} tells such answers apart.
   */
  void crash(Member m) throws Exception {
    long from = System.nanoTime();
    try {
      m.proxy.stop();
      m.node().abandon();
      members.remove(m);
      closed.add(m);
      m.bunker.close();
    } finally {
      crashes.add(new long[] {from, System.nanoTime()});
    }
  }

  /**
   * Whether a failure is an {@code unavailable, retry later} or {@code shutting down} answer that
   * reached its client while some member was being {@linkplain #crash crashed}: an answer the
   * harness's crash produced (the database cut, then the bunker closed, where a real crash says
   * nothing), not silence and not a wrong answer; the client may retry it.
   */
  boolean answeredByACrash(Failure f) {
    if (!CRASH_ANSWERS.contains(f.what())) {
      return false;
    }
    for (long[] c : crashes) {
      if (f.failedAt() >= c[0] && f.failedAt() <= c[1] + CRASH_ANSWER_SLACK.toNanos()) {
        return true;
      }
    }
    return false;
  }

  /** Stops a member cleanly (as on SIGTERM): it releases its keys. */
  void stop(Member m) throws Exception {
    members.remove(m);
    closed.add(m);
    m.bunker.close();
  }

  /** Waits until the live members together own every key, each key once. */
  void awaitAllKeysOwned(Duration within) {
    await("every key owned by a live member")
        .atMost(within)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              Set<String> union = new HashSet<>();
              int total = 0;
              for (Member m : members) {
                Set<String> o = m.owned();
                union.addAll(o);
                total += o.size();
              }
              return union.containsAll(keyHexes()) && total == keyHexes().size();
            });
  }

  /** Clients, one per key, each connected once. */
  List<Nip46Client> connectClients() throws Exception {
    List<Nip46Client> out = new ArrayList<>();
    for (Authorization a : authorizations) {
      Nip46Client c =
          Nip46Client.builder(
                  new BunkerUri(a.bunkerPublicKey(), a.relays(), a.secret()), SecretKey.generate())
              .timeout(CLIENT_TIMEOUT)
              .relayPoolConfig(Fixture.FAST_RECONNECT)
              .build();
      clients.add(c);
      assertThat(c.awaitConnected(Fixture.WAIT)).isTrue();
      out.add(c);
    }
    for (Nip46Client c : out) {
      assertThat(c.connect(PermissionSet.empty()).get(15, TimeUnit.SECONDS))
          .isEqualTo(new Nip46Result.Success("ack"));
    }
    return out;
  }

  /** Load: every client sends sign_event requests one after another until stopped. */
  /**
   * A request that got no success.
   *
   * @param client the client's index
   * @param slot its key's slot, or -1 if the test did not say
   * @param sentAt when it was sent ({@link System#nanoTime()})
   * @param failedAt when its result or exception reached the client ({@link System#nanoTime()})
   * @param what the result or exception
   */
  record Failure(int client, int slot, long sentAt, long failedAt, String what) {
    @Override
    public String toString() {
      return what
          + " (client "
          + client
          + ", slot "
          + slot
          + ", sent "
          + (sentAt - START) / 1_000_000
          + " ms after the harness started)";
    }
  }

  static final class Load {
    final AtomicInteger ok = new AtomicInteger();
    final List<Failure> failures = new CopyOnWriteArrayList<>();
    final AtomicBoolean running = new AtomicBoolean(true);
    final List<Thread> threads = new ArrayList<>();

    Load(List<Nip46Client> clients, Duration pause) {
      this(clients, pause, n -> -1);
    }

    Load(
        List<Nip46Client> clients, Duration pause, java.util.function.IntFunction<Integer> slotOf) {
      int i = 0;
      for (Nip46Client c : clients) {
        int n = i++;
        threads.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      int seq = 0;
                      while (running.get()) {
                        long sentAt = System.nanoTime();
                        try {
                          Nip46Result r =
                              c.signEvent(
                                      new EventTemplate(
                                          1,
                                          "load " + n + " " + seq++,
                                          List.of(),
                                          System.currentTimeMillis() / 1000))
                                  .get(CLIENT_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
                          if (r instanceof Nip46Result.Success) {
                            ok.incrementAndGet();
                          } else {
                            failures.add(
                                new Failure(
                                    n, slotOf.apply(n), sentAt, System.nanoTime(), r.toString()));
                          }
                          Thread.sleep(pause);
                        } catch (InterruptedException e) {
                          return;
                        } catch (TimeoutException e) {
                          failures.add(
                              new Failure(
                                  n, slotOf.apply(n), sentAt, System.nanoTime(), "timeout"));
                        } catch (Exception e) {
                          failures.add(
                              new Failure(
                                  n, slotOf.apply(n), sentAt, System.nanoTime(), e.toString()));
                        }
                      }
                    }));
      }
    }

    void stop() throws InterruptedException {
      running.set(false);
      for (Thread t : threads) {
        t.join(Duration.ofSeconds(30));
      }
    }
  }

  /** Asserts that no request got two different reply events. */
  void assertNoRequestAnsweredTwice() {
    Map<String, Set<String>> twice = new java.util.HashMap<>();
    replies.forEach(
        (req, ids) -> {
          if (ids.size() > 1) {
            twice.put(req, ids);
          }
        });
    assertThat(twice).as("requests with two different replies").isEmpty();
  }

  /**
   * Whether the cluster owed an answer to a request sent at {@code sentAt} to a key in {@code
   * slot}: some member that was subscribed when it was sent (so it received the request) answered
   * the slot for at least {@link #ANSWER_GRACE} after the request was sent or after it took the
   * slot over. Kind 24133 is not stored by relays, so a request whose every receiver stopped or
   * crashed before answering its slot that long is lost whatever the design (two crashes less than
   * a lease apart can do that); such a request is not owed.
   */
  boolean owedAnAnswer(int slot, long sentAt) {
    for (Belief b : allBeliefs()) {
      Long ready = readyAt.get(b.member());
      if (b.key().equals(String.valueOf(slot))
          && ready != null
          && ready <= sentAt
          && b.to() - Math.max(b.from(), sentAt) >= ANSWER_GRACE.toNanos()) {
        return true;
      }
    }
    return false;
  }

  /** The intervals of answering, those still open ending now. */
  private List<Belief> allBeliefs() {
    long now = System.nanoTime();
    List<Belief> all = new ArrayList<>();
    synchronized (beliefs) {
      all.addAll(beliefs);
    }
    openBeliefs.forEach(
        (mk, from) -> {
          int slash = mk.indexOf('/');
          all.add(new Belief(mk.substring(0, slash), mk.substring(slash + 1), from, now));
        });
    return all;
  }

  /**
   * Asserts that no two members believed they answered one slot (so one key) at the same instant.
   */
  void assertAtMostOneOwnerAtAnyInstant() {
    List<Belief> all = allBeliefs();
    Map<String, List<Belief>> bySlot = new java.util.HashMap<>();
    for (Belief b : all) {
      if (b.to() > b.from()) {
        bySlot.computeIfAbsent(b.key(), k -> new ArrayList<>()).add(b);
      }
    }
    assertThat(bySlot).as("slots someone answered").isNotEmpty();
    bySlot.forEach(
        (slot, list) -> {
          List<Belief> sorted =
              list.stream().sorted((x, y) -> Long.compare(x.from(), y.from())).toList();
          for (int i = 1; i < sorted.size(); i++) {
            Belief prev = sorted.get(i - 1);
            Belief next = sorted.get(i);
            assertThat(next.from())
                .as(
                    "%s took slot %s before %s stopped answering it",
                    next.member(), slot, prev.member())
                .isGreaterThanOrEqualTo(prev.to());
          }
        });
  }

  int beliefCount() {
    return beliefs.size() + openBeliefs.size();
  }

  @Override
  public void close() throws Exception {
    for (Nip46Client c : clients) {
      c.close();
    }
    for (Member m : members) {
      m.bunker.close();
    }
    for (Member m : members) {
      m.db.close();
      m.proxy.close();
    }
    for (Member m : closed) {
      m.db.close();
      m.proxy.close();
    }
    observer.close();
    relay.close();
    admin.close();
    database.close();
  }
}
