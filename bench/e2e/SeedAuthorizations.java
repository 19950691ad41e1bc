import dev.keycast.crypto.InsecureSecretKeyAccess;
import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.policy.Policy;
import dev.keycast.nip46.policy.RateLimit;
import dev.keycast.nip46.store.AesGcmKeyEncryption;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.AuthorizationStore;
import dev.keycast.nip46.store.ConnectOutcome;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.store.MasterKey;
import dev.keycast.nip46.store.NewAuthorization;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Benchmark-only seeding for bench/e2e/keys.sh: creates N authorizations of one stored key through the store API
 * (each with its own encrypted bunker key, the way {@code keycast authorize} makes them), and connects one client
 * per authorization for the first M of them, with client keys derived from the index so that the driver can act as
 * those clients without a {@code connect} round trip. Writes {@code index<TAB>bunker_pubkey<TAB>client_secret_hex}
 * for the first M to the output file. The client keys are throwaway benchmark keys.
 *
 * <pre>java -cp keycast.jar SeedAuthorizations JDBC_URL MASTER_KEY_FILE KEY_NAME RELAY N M OUT_FILE [THREADS]</pre>
 */
public final class SeedAuthorizations {
  public static void main(String[] a) throws Exception {
    String url = a[0];
    Path masterKeyFile = Path.of(a[1]);
    String keyName = a[2];
    String relay = a[3];
    int n = Integer.parseInt(a[4]);
    int m = Integer.parseInt(a[5]);
    Path out = Path.of(a[6]);
    int threads = a.length > 7 ? Integer.parseInt(a[7]) : 4;
    long t0 = System.nanoTime();
    try (KeycastDatabase db = KeycastDatabase.builder(url)
        .keyEncryption(AesGcmKeyEncryption.create(MasterKey.read(masterKeyFile)))
        .maxPoolSize(Math.max(2, threads))
        .open()) {
      if (db.policies().find("bench").isEmpty()) { // as BenchAuthorization: all perms, no practical rate limit
        db.policies().save(Policy.builder("bench").permissions(PermissionSet.all())
            .rateLimit(RateLimit.perMinute(100_000_000)).build());
      }
      AuthorizationStore store = db.authorizations();
      String[] lines = new String[m];
      AtomicInteger done = new AtomicInteger();
      try (ExecutorService ex = Executors.newFixedThreadPool(threads)) {
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int start = t;
          fs.add(ex.submit(() -> {
            for (int i = start; i < n; i += threads) {
              String secret = "bench-secret-" + i;
              Authorization auth = store.create(NewAuthorization.builder(keyName).relays(relay)
                  .policyName("bench").secret(secret).maxUses(null).label("bench " + i).build());
              if (i < m) {
                SecretKey client = clientKey(i);
                ConnectOutcome o = store.connect(auth.id(), client.publicKey(), secret, PermissionSet.all(),
                    Instant.now());
                lines[i] = i + "\t" + auth.bunkerPublicKey().toHex() + "\t"
                    + HexFormat.of().formatHex(client.toBytes(InsecureSecretKeyAccess.get())) + "\t" + o;
              }
              int d = done.incrementAndGet();
              if (d % 10_000 == 0) {
                System.err.printf("seeded %d/%d in %.1f s%n", d, n, (System.nanoTime() - t0) / 1e9);
              }
            }
            return null;
          }));
        }
        for (Future<?> f : fs) {
          f.get();
        }
      }
      try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out))) {
        for (String l : lines) {
          w.println(l);
        }
      }
    }
    System.out.printf("{\"seeded\":%d,\"connected\":%d,\"seconds\":%.1f}%n", n, m, (System.nanoTime() - t0) / 1e9);
  }

  /** A deterministic throwaway client key for authorization i (benchmark only). */
  static SecretKey clientKey(int i) throws Exception {
    byte[] h = MessageDigest.getInstance("SHA-256").digest(("keycast-bench-client-" + i)
        .getBytes(StandardCharsets.UTF_8));
    return SecretKey.fromBytes(h);
  }
}
