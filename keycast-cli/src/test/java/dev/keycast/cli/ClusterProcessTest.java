package dev.keycast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keycast.crypto.Nip44Cipher;
import dev.keycast.crypto.Nip44ConversationKey;
import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.BunkerUri;
import dev.keycast.nip46.EventTemplate;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.client.Nip46Client;
import dev.keycast.nip46.client.Nip46Result;
import dev.keycast.nip46.relay.DevRelay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 black-box: several {@code keycast serve} processes on one PostgreSQL database and one
 * relay, under steady {@code sign_event} load from one client per bunker key, while instances are
 * killed (SIGKILL), stopped (SIGTERM) and started. Every request must get exactly one answer: a
 * success seen by its client within the client's 10 s timeout, and never two different reply events
 * for one request on the relay.
 */
class ClusterProcessTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int KEYS = 6;
  private static final int RATE_PER_KEY = 20;
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);

  @TempDir Path dir;

  /** Outcomes of the load, by kind. */
  private record Tally(LongAdder ok, Map<String, LongAdder> failures, LongAdder timeouts) {
    Tally() {
      this(new LongAdder(), new ConcurrentHashMap<>(), new LongAdder());
    }

    void add(Nip46Result r) {
      switch (r) {
        case Nip46Result.Success s -> ok.increment();
        case Nip46Result.Failure f ->
            failures.computeIfAbsent(f.error(), k -> new LongAdder()).increment();
        case Nip46Result.TimedOut t -> timeouts.increment();
      }
    }

    long failed() {
      return failures.values().stream().mapToLong(LongAdder::sum).sum();
    }
  }

  @Test
  void killTermAndJoinUnderLoad_everyRequestAnsweredExactlyOnce() throws Exception {
    try (PostgresSchema schema = PostgresSchema.create();
        DevRelay relay = DevRelay.start("127.0.0.1", 0)) {
      Cli admin = new Cli(dir.resolve("admin"));
      String db = schema.url();
      ok(admin, "init", "--db", db);
      ok(admin, "keys", "generate", "--name", "alice", "--db", db);
      List<String> uris = new ArrayList<>();
      for (int i = 0; i < KEYS; i++) {
        JsonNode a =
            JSON.readTree(
                ok(
                    admin,
                    "authorize",
                    "--key",
                    "alice",
                    "--relay",
                    relay.url(),
                    "--policy",
                    "full",
                    "--db",
                    db,
                    "--json"));
        uris.add(a.get("bunker_uri").asText());
      }
      Path masterKey = dir.resolve("admin").resolve("master.key");

      List<ServeProcess> instances = new java.util.concurrent.CopyOnWriteArrayList<>();
      try {
        for (String id : List.of("a", "b", "c")) {
          instances.add(ServeProcess.start(dir, id, db, masterKey, relay.url()));
        }
        List<String> keys =
            uris.stream().map(u -> BunkerUri.parse(u).signerPubkey().toHex()).toList();
        try (ReplyWatcher watcher = new ReplyWatcher(relay.url(), keys)) {
          List<Nip46Client> clients = new ArrayList<>();
          Map<String, SecretKey> clientKeys = new ConcurrentHashMap<>();
          try {
            for (String uri : uris) {
              SecretKey clientKey = SecretKey.generate();
              clientKeys.put(BunkerUri.parse(uri).signerPubkey().toHex(), clientKey);
              Nip46Client c =
                  Nip46Client.builder(BunkerUri.parse(uri), clientKey)
                      .timeout(CLIENT_TIMEOUT)
                      .build();
              clients.add(c);
              assertThat(c.connect(PermissionSet.empty()).get(30, TimeUnit.SECONDS))
                  .as("connect of %s", uri)
                  .isInstanceOf(Nip46Result.Success.class);
            }
            Tally tally = new Tally();
            AtomicInteger sent = new AtomicInteger();
            List<CompletableFuture<Void>> pending = new ArrayList<>();
            long start = System.nanoTime();
            long gap = TimeUnit.SECONDS.toNanos(1) / RATE_PER_KEY;
            int step = 0;
            record Fault(int atSecond, java.util.concurrent.Callable<Object> action) {}
            List<Fault> events =
                List.of(
                    new Fault(
                        6,
                        () -> {
                          instances.get(0).kill();
                          return "killed a";
                        }),
                    new Fault(
                        12,
                        () -> {
                          instances.add(ServeProcess.start(dir, "d", db, masterKey, relay.url()));
                          return "started d";
                        }),
                    new Fault(18, () -> "b exited " + instances.get(1).terminate()));
            List<CompletableFuture<Object>> faults = new ArrayList<>();
            // 24 s of load: a crash at 6 s, a join at 12 s, a graceful stop at 18 s.
            for (long tick = 0; tick < 24L * RATE_PER_KEY; tick++) {
              long due = start + tick * gap;
              long wait = due - System.nanoTime();
              if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait); // pacing the offered load
              }
              for (Nip46Client c : clients) {
                sent.incrementAndGet();
                pending.add(
                    c.signEvent(
                            new EventTemplate(
                                1, "load " + tick, List.of(), System.currentTimeMillis() / 1000))
                        .thenAccept(tally::add));
              }
              long elapsed = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
              if (step < events.size() && elapsed >= events.get(step).atSecond()) {
                // on its own thread: the load keeps its pace while a process starts or stops
                faults.add(Cli.async(events.get(step++).action()));
              }
            }
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                .get(60, TimeUnit.SECONDS);
            for (CompletableFuture<Object> f : faults) {
              System.out.println("cluster fault: " + f.get(60, TimeUnit.SECONDS));
            }
            Thread.sleep(1000); // late duplicates, if any, reach the watcher

            String summary =
                String.format(
                    "sent %d: ok %d, failed %d %s, timed out %d; answered per watcher %d;"
                        + " instances' answers %s",
                    sent.get(),
                    tally.ok.sum(),
                    tally.failed(),
                    tally.failures,
                    tally.timeouts.sum(),
                    watcher.requestsAnswered(),
                    instances.stream()
                        .filter(ServeProcess::isAlive)
                        .map(p -> p.instanceId + "=" + p.requestsAnswered())
                        .toList());
            System.out.println("cluster load: " + summary);
            assertThat(watcher.answeredDifferently())
                .as(() -> summary + "\n" + explain(watcher, clientKeys))
                .isEmpty();
            assertThat(tally.timeouts.sum()).as(summary).isZero();
            assertThat(tally.failed()).as(summary).isZero();
            assertThat(tally.ok.sum()).as(summary).isEqualTo(sent.get());

          } finally {
            clients.forEach(Nip46Client::close);
          }
        }
      } finally {
        Path logs = Files.createDirectories(Path.of("target", "cluster-logs"));
        for (ServeProcess p : instances) {
          p.close();
          Files.writeString(logs.resolve(p.instanceId + ".log"), p.log());
        }
      }
    }
  }

  /** The decrypted bodies of the first conflicting replies. */
  private static String explain(ReplyWatcher watcher, Map<String, SecretKey> clientKeys) {
    StringBuilder out = new StringBuilder();
    watcher.answeredDifferently().entrySet().stream()
        .limit(3)
        .forEach(
            e -> {
              out.append("request ").append(e.getKey()).append(":\n");
              for (String replyId : e.getValue()) {
                String[] r = watcher.reply(replyId);
                if (r == null) {
                  continue;
                }
                try {
                  SecretKey client = clientKeys.get(r[0]);
                  String body =
                      client == null
                          ? "?"
                          : Nip44Cipher.decrypt(
                              r[1], Nip44ConversationKey.derive(client, PublicKey.fromHex(r[0])));
                  out.append("  ")
                      .append(replyId)
                      .append(" created_at ")
                      .append(r[2])
                      .append(": ")
                      .append(body, 0, Math.min(body.length(), 200))
                      .append('\n');
                } catch (Exception ex) {
                  out.append("  ").append(replyId).append(": ").append(ex).append('\n');
                }
              }
            });
    return out.toString();
  }

  private static String ok(Cli cli, String... args) {
    Cli.Result r = cli.run(args);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return r.out();
  }
}
