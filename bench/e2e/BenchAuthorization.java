import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.policy.Policy;
import dev.keycast.nip46.policy.RateLimit;
import dev.keycast.nip46.store.AesGcmKeyEncryption;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.store.MasterKey;
import dev.keycast.nip46.store.NewAuthorization;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Benchmark-only setup for bench/e2e: stores the custom policy {@code bench} (every permission, a per-client rate
 * limit of {@value #PER_MINUTE} requests per minute instead of the built-in policies' 600, so that a load generator
 * with a handful of client keys measures the pipeline rather than the limiter) and creates one authorization of
 * {@code KEY_NAME} under it, printing its bunker URI.
 *
 * <pre>java -cp keycast.jar BenchAuthorization JDBC_URL MASTER_KEY_FILE KEY_NAME RELAY_URL [MAX_USES] [POLICY]</pre>
 *
 * POLICY (default {@code bench}) may name a built-in policy instead, e.g. {@code full} (600 requests per minute per
 * client: spread the load over enough client keys).
 */
public final class BenchAuthorization {
  static final int PER_MINUTE = 100_000_000;

  public static void main(String[] a) throws Exception {
    try (KeycastDatabase db = KeycastDatabase.open(a[0], AesGcmKeyEncryption.create(MasterKey.read(Path.of(a[1]))))) {
      String policy = a.length > 5 ? a[5] : "bench";
      if (policy.equals("bench")) {
        savePolicy(db);
      }
      Integer maxUses = a.length > 4 && !a[4].equals("0") ? Integer.valueOf(a[4]) : null;
      Authorization auth = db.authorizations().create(NewAuthorization.builder(a[2]).relays(a[3])
          .policyName(policy).maxUses(maxUses).secret("bench-" + Long.toHexString(System.nanoTime()))
          .label("bench/e2e").build());
      String secret = auth.secret();
      System.out.println("bunker://" + auth.bunkerPublicKey().toHex() + "?relay="
          + URLEncoder.encode(a[3], StandardCharsets.UTF_8) + "&secret=" + URLEncoder.encode(secret, StandardCharsets.UTF_8));
    }
  }

  static void savePolicy(KeycastDatabase db) {
    if (db.policies().find("bench").isEmpty()) {
      db.policies().save(Policy.builder("bench").permissions(PermissionSet.all())
          .rateLimit(RateLimit.perMinute(PER_MINUTE)).build());
    }
  }
}
