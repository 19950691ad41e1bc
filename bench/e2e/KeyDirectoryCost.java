// The cost of holding every served bunker key in memory (issue 16 item 3), measured in one JVM on a seeded database:
// time of AuthorizationStore.list() alone (what the watcher always read at start) against the watcher's first poll
// (list + every served key's ciphertext, decrypted on first use), and the heap each keeps after a full GC.
//
//   java -Xmx1g -cp keycast-cli/target/keycast.jar bench/e2e/KeyDirectoryCost.java JDBC_URL MASTER_KEY_FILE
//
// Seed a database first, e.g. with bench/e2e/keys.sh (its home-sqlite/ holds keycast.db and master.key).
import dev.keycast.nip46.bunker.internal.*;
import dev.keycast.nip46.store.*;
import java.nio.file.Path;
import java.time.Clock;
import java.util.*;
public class KeyDirectoryCost {
  static long used() throws Exception {
    for (int i = 0; i < 3; i++) { System.gc(); Thread.sleep(100); }
    Runtime r = Runtime.getRuntime();
    return (r.totalMemory() - r.freeMemory()) / (1024 * 1024);
  }
  public static void main(String[] a) throws Exception {
    MasterKey mk = MasterKey.read(Path.of(a[1]));
    try (KeycastDatabase db = KeycastDatabase.open(a[0], AesGcmKeyEncryption.create(mk))) {
      long base = used();
      for (int round = 0; round < 3; round++) {
        long t0 = System.nanoTime();
        List<Authorization> all = db.authorizations().list();
        long t1 = System.nanoTime();
        long heapList = used();
        AuthorizationCache cache = AuthorizationCache.builder(db.authorizations(), db.keys()).watched().build();
        AuthorizationWatcher w = new AuthorizationWatcher(db.authorizations(), cache, Clock.systemUTC());
        long t2 = System.nanoTime();
        w.poll(true);
        long t3 = System.nanoTime();
        w.poll(true);
        long t4 = System.nanoTime();
        long heapWatcher = used();
        System.out.printf("round %d: list() %d ms (heap +%d MB); watcher first poll (list + keys) %d ms, second poll %d ms (heap with list and watcher +%d MB)%n",
            round, (t1-t0)/1000000, heapList - base, (t3-t2)/1000000, (t4-t3)/1000000, heapWatcher - base);
        all = null; w = null; cache = null;
      }
    }
  }
}
