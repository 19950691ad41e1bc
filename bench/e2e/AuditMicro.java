// Bytes per audited request, exact (thread allocation counters): Auditor.record on the request thread (into a log
// that keeps the entry), JdbiAuditLog.recordAll per entry at batch sizes 1, 20, 128 and 512 (the writer's share; a
// temporary SQLite file), and with a count argument the whole path (Auditor -> BatchingAuditLog -> SQLite) paced at
// 1,000 requests/s, every thread's bytes. A/B: run on two jars, e.g.
//   for j in OLD NEW OLD NEW; do java -cp $j.jar bench/e2e/AuditMicro.java $j 3000; done
// (Auditor and BatchingAuditLog's test constructor are package-private: reached by reflection, class path only)
import dev.keycast.crypto.*;
import dev.keycast.nip46.*;
import dev.keycast.nip46.store.*;
import java.lang.invoke.*;
import java.lang.management.ManagementFactory;
import java.nio.file.*;
import java.time.*;
import java.util.*;
import java.util.concurrent.locks.LockSupport;

public class AuditMicro {
  static volatile AuditEntry sink;
  public static void main(String[] a) throws Throwable {
    var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().threadId();
    Path dir = Files.createTempDirectory("audit-micro");
    SecretKey sk = SecretKey.generate();
    PublicKey client = SecretKey.generate().publicKey();
    Instant t0 = Instant.ofEpochMilli(1_700_000_000_000L);
    Authorization auth = new Authorization(12_345L, "key", sk.publicKey(), sk.publicKey(), null, List.of("wss://r"),
        "full", null, 0, null, null, null, t0, t0);
    String template = new EventTemplate(1, "hello", List.of(), 1_700_000_000L).toJson();
    Nip46Request req = Nip46Codec.parseRequest(Nip46Codec.toJson(new Nip46Request.SignEvent("req-0123456789", template)));
    Class<?> auditorClass = Class.forName("dev.keycast.nip46.bunker.internal.Auditor");
    var ctor = auditorClass.getDeclaredConstructor(AuditLog.class, Clock.class);
    ctor.setAccessible(true);
    var rec = auditorClass.getDeclaredMethod("record", Authorization.class, PublicKey.class, Nip46Request.class,
        Integer.class, AuditOutcome.class, String.class);
    rec.setAccessible(true);
    MethodHandle record = MethodHandles.lookup().unreflect(rec)
        .asType(MethodType.methodType(void.class, Object.class, Authorization.class, PublicKey.class,
            Nip46Request.class, Integer.class, AuditOutcome.class, String.class));
    Integer kind = 1;
    AuditLog noop = new AuditLog() {
      public void record(AuditEntry e) { sink = e; }
      public List<AuditEntry> recent(int l) { return List.of(); }
      public List<AuditEntry> forAuthorization(long id, int l) { return List.of(); }
      public long purgeBefore(Instant c) { return 0; }
    };
    {
      Object auditor = ctor.newInstance(noop, Clock.systemUTC());
      for (int i = 0; i < 200_000; i++) record.invokeExact(auditor, auth, client, req, kind, AuditOutcome.ALLOWED, (String) null);
      int n = 1_000_000;
      long b0 = mx.getThreadAllocatedBytes(tid);
      for (int i = 0; i < n; i++) record.invokeExact(auditor, auth, client, req, kind, AuditOutcome.ALLOWED, (String) null);
      long b1 = mx.getThreadAllocatedBytes(tid);
      System.out.printf("%s auditorRecord bytes/op=%.1f%n", a[0], (b1 - b0) / (double) n);
    }
    try (KeycastDatabase db = KeycastDatabase.open("jdbc:sqlite:" + dir.resolve("a.db"),
        AesGcmKeyEncryption.create(MasterKey.random()))) {
      AuditLog log = db.audit();
      for (int k : new int[] {1, 20, 128, 512}) {
        List<AuditEntry> batch = new ArrayList<>();
        for (int i = 0; i < k; i++) batch.add(new AuditEntry(Instant.now(), 12_345L, client, "sign_event", 1, AuditOutcome.ALLOWED, null));
        int rounds = Math.max(20, 20_000 / k);
        for (int i = 0; i < rounds; i++) log.recordAll(batch); // warm
        long b0 = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < rounds; i++) log.recordAll(batch);
        long b1 = mx.getThreadAllocatedBytes(tid);
        System.out.printf("%s recordAll(%d) bytes/entry=%.1f%n", a[0], k, (b1 - b0) / (double) (rounds * k));
      }
      if (a.length > 1) {
        // the whole path, paced: Auditor -> BatchingAuditLog -> SQLite, every thread's bytes
        Class<?> bal = Class.forName("dev.keycast.nip46.bunker.internal.BatchingAuditLog");
        try (AutoCloseable batching = (AutoCloseable) bal.getConstructor(AuditLog.class, int.class).newInstance(log, 8192)) {
          Object auditor = ctor.newInstance((AuditLog) batching, Clock.systemUTC());
          var flush = bal.getMethod("flush");
          for (int round = 0; round < 2; round++) {
            int n = Integer.parseInt(a[1]);
            flush.invoke(batching);
            long b0 = mx.getTotalThreadAllocatedBytes();
            long next = System.nanoTime();
            for (int i = 0; i < n; i++) {
              record.invokeExact(auditor, auth, client, req, kind, AuditOutcome.ALLOWED, (String) null);
              next += 1_000_000;
              long wait = next - System.nanoTime();
              if (wait > 0) LockSupport.parkNanos(wait);
            }
            flush.invoke(batching);
            long b1 = mx.getTotalThreadAllocatedBytes();
            System.out.printf("%s pacedPath round %d bytes/request=%.1f (all threads)%n", a[0], round, (b1 - b0) / (double) n);
          }
        }
      }
    }
  }
}
