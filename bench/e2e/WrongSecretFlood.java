import dev.keycast.crypto.Nip44Cipher;
import dev.keycast.crypto.Nip44ConversationKey;
import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SchnorrSigner;
import dev.keycast.crypto.SecretKey;
import dev.keycast.crypto.UnsignedEvent;
import dev.keycast.nip46.BunkerUri;
import dev.keycast.nip46.EventTemplate;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.client.Nip46Client;
import dev.keycast.nip46.client.Nip46Result;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark driver for bench/e2e/connect_flood.sh (issue 13, item 1): a connected client's sign_event latency
 * before and during a flood of wrong-secret {@code connect}s, each from a fresh client key.
 *
 * <pre>java -cp keycast.jar WrongSecretFlood BUNKER_URI RELAY_URL COUNT PROBES RATE</pre>
 *
 * <p>Phase "before": PROBES sign_event requests one after another from one connected client. Phase "during": the
 * same while COUNT wrong-secret connects (fresh key each, NIP-44, correctly signed) are published to the relay at
 * RATE per second over a separate WebSocket. Prints one JSON line: p50/p99/max per phase and the flood's duration.
 */
public final class WrongSecretFlood {
  public static void main(String[] a) throws Exception {
    BunkerUri uri = BunkerUri.parse(a[0]);
    String relay = a[1];
    int count = Integer.parseInt(a[2]);
    int probes = Integer.parseInt(a[3]);
    int rate = Integer.parseInt(a[4]);
    PublicKey bunker = uri.signerPubkey();
    try (Nip46Client good =
        Nip46Client.builder(uri, SecretKey.generate()).timeout(Duration.ofSeconds(30)).build()) {
      if (!good.awaitConnected(Duration.ofSeconds(30))) {
        System.err.println("relay not reachable");
        System.exit(75);
      }
      Nip46Result c = good.connect(PermissionSet.empty()).get(40, TimeUnit.SECONDS);
      if (!c.isSuccess()) {
        System.err.println("connect failed: " + c);
        System.exit(1);
      }
      probe(good, 50); // warm-up
      List<Double> before = probe(good, probes);

      // Pre-build the flood (signing and NIP-44 are the attacker's cost, not measured here).
      List<String> flood = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        SecretKey k = SecretKey.generate();
        String body = "{\"id\":\"f" + i + "\",\"method\":\"connect\",\"params\":[\"" + bunker.toHex()
            + "\",\"wrong-" + i + "\"]}";
        String content = Nip44Cipher.encrypt(body, Nip44ConversationKey.derive(k, bunker));
        var ev = NostrEvents.sign(new UnsignedEvent(k.publicKey(), System.currentTimeMillis() / 1000, 24133,
            List.of(List.of("p", bunker.toHex())), content), SchnorrSigner.create(k));
        flood.add("[\"EVENT\"," + ev.toJson() + "]");
      }
      WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
          .buildAsync(URI.create(relay), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
              w.request(1);
              return null;
            }
          }).get(30, TimeUnit.SECONDS);
      long[] floodMs = new long[1];
      Thread flooder = Thread.ofPlatform().start(() -> {
        long t0 = System.nanoTime();
        long gap = 1_000_000_000L / rate;
        for (int i = 0; i < flood.size(); i++) {
          long due = t0 + i * gap;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            try {
              TimeUnit.NANOSECONDS.sleep(wait); // pacing the offered load, not awaiting a result
            } catch (InterruptedException e) {
              return;
            }
          }
          ws.sendText(flood.get(i), true).join();
        }
        floodMs[0] = (System.nanoTime() - t0) / 1_000_000;
      });
      List<Double> during = new ArrayList<>();
      while (flooder.isAlive()) {
        during.addAll(probe(good, 10));
      }
      flooder.join();
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
      System.out.println(String.format(Locale.ROOT,
          "{\"flood_connects\":%d,\"flood_ms\":%d,\"before\":%s,\"during\":%s}",
          count, floodMs[0], stats(before), stats(during)));
    }
  }

  static List<Double> probe(Nip46Client c, int n) throws Exception {
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      Nip46Result r = c.signEvent(new EventTemplate(1, "probe " + i, List.of(), System.currentTimeMillis() / 1000))
          .get(40, TimeUnit.SECONDS);
      if (!r.isSuccess()) {
        throw new IllegalStateException("probe failed: " + r);
      }
      ms.add((System.nanoTime() - t0) / 1e6);
    }
    return ms;
  }

  static String stats(List<Double> ms) {
    List<Double> s = new ArrayList<>(ms);
    Collections.sort(s);
    return String.format(Locale.ROOT, "{\"n\":%d,\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f}", s.size(),
        s.get(s.size() / 2), s.get(Math.min(s.size() - 1, (int) Math.ceil(s.size() * 0.99) - 1)),
        s.get(s.size() - 1));
  }
}
