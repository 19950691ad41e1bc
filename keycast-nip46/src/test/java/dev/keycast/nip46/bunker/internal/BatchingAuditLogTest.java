package dev.keycast.nip46.bunker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.nip46.store.AesGcmKeyEncryption;
import dev.keycast.nip46.store.AuditEntry;
import dev.keycast.nip46.store.AuditLog;
import dev.keycast.nip46.store.AuditOutcome;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.store.MasterKey;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit log the bunker writes through: batched off the request path, nothing lost, reads see
 * writes.
 */
class BatchingAuditLogTest {
  @TempDir Path dir;

  private KeycastDatabase open() {
    return KeycastDatabase.open(
        "jdbc:sqlite:" + dir.resolve("audit.db"), AesGcmKeyEncryption.create(MasterKey.random()));
  }

  private static AuditEntry entry(String method) {
    return new AuditEntry(Instant.now(), null, null, method, null, AuditOutcome.ALLOWED, null);
  }

  @Test
  void record_fromManyThreads_everyEntryWrittenAndReadBack() throws Exception {
    try (KeycastDatabase db = open();
        BatchingAuditLog log = new BatchingAuditLog(db.audit(), 64)) {
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        threads.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      for (int i = 0; i < 250; i++) {
                        log.record(entry("ping"));
                      }
                    }));
      }
      for (Thread t : threads) {
        t.join();
      }
      // recent() waits for what was recorded before it: no sleeping, no polling
      assertThat(log.recent(10_000)).hasSize(2000);
      assertThat(db.audit().recent(10_000)).hasSize(2000);
    }
  }

  @Test
  void record_bufferFull_writesSynchronouslyInsteadOfDropping() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch writing = new CountDownLatch(1);
    AtomicInteger synchronous = new AtomicInteger();
    try (KeycastDatabase db = open()) {
      AuditLog real = db.audit();
      AuditLog heldWriter =
          new AuditLog() { // the batch writer blocks until released; single records pass
            @Override
            public void record(AuditEntry e) {
              synchronous.incrementAndGet();
              real.record(e);
            }

            @Override
            public void recordAll(List<AuditEntry> entries) {
              writing.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              real.recordAll(entries);
            }

            @Override
            public List<AuditEntry> recent(int limit) {
              return real.recent(limit);
            }

            @Override
            public List<AuditEntry> forAuthorization(long id, int limit) {
              return real.forAuthorization(id, limit);
            }

            @Override
            public long purgeBefore(Instant cutoff) {
              return real.purgeBefore(cutoff);
            }
          };
      BatchingAuditLog log = new BatchingAuditLog(heldWriter, 4);
      log.record(entry("sign_event"));
      assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue(); // the writer now holds that batch
      for (int i = 0; i < 20; i++) {
        log.record(entry("sign_event"));
      }
      // 4 fit in the buffer; the other 16 went through synchronously instead of being dropped
      assertThat(synchronous.get()).isEqualTo(16);
      release.countDown();
      log.close();
      assertThat(real.recent(100)).hasSize(21);
    }
  }

  @Test
  void close_writesWhatIsBufferedAndLaterRecordsStillLand() throws Exception {
    try (KeycastDatabase db = open()) {
      BatchingAuditLog log = new BatchingAuditLog(db.audit(), 1024);
      for (int i = 0; i < 100; i++) {
        log.record(entry("nip44_encrypt"));
      }
      log.close();
      assertThat(db.audit().recent(1000)).hasSize(100);
      log.record(entry("ping")); // after close: written synchronously
      assertThat(db.audit().recent(1000)).hasSize(101);
    }
  }
}
