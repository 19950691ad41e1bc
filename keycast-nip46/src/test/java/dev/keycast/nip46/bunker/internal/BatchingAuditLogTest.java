package dev.keycast.nip46.bunker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keycast.nip46.store.AesGcmKeyEncryption;
import dev.keycast.nip46.store.AuditEntry;
import dev.keycast.nip46.store.AuditLog;
import dev.keycast.nip46.store.AuditOutcome;
import dev.keycast.nip46.store.DatabaseUnavailableException;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.store.MasterKey;
import java.nio.file.Path;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
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
      // a slow writer, not an outage: never counted as one however slowly this test runs
      BatchingAuditLog log = new BatchingAuditLog(heldWriter, 4, Duration.ofDays(1));
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

  /** An audit log whose database can be switched off: then every write fails as unreachable. */
  private static final class SwitchedLog implements AuditLog {
    private final AuditLog real;
    volatile boolean down;
    final AtomicInteger failedWrites = new AtomicInteger();

    SwitchedLog(AuditLog real) {
      this.real = real;
    }

    private void check() {
      if (down) {
        failedWrites.incrementAndGet();
        throw new DatabaseUnavailableException(
            "simulated outage", new SQLTransientConnectionException("connection refused"));
      }
    }

    @Override
    public void record(AuditEntry e) {
      check();
      real.record(e);
    }

    @Override
    public void recordAll(List<AuditEntry> entries) {
      check();
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
  }

  /** Issue 16 item 4: entries recorded during an outage are written after it, none lost. */
  @Test
  void outage_entriesWaitAndAreWrittenAfterRecovery() throws Exception {
    try (KeycastDatabase db = open()) {
      SwitchedLog switched = new SwitchedLog(db.audit());
      switched.down = true;
      try (BatchingAuditLog log = new BatchingAuditLog(switched, 64)) {
        for (int i = 0; i < 10; i++) {
          log.record(entry("sign_event"));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> switched.failedWrites.get() >= 2);
        assertThat(db.audit().recent(100)).isEmpty();
        switched.down = false;
        assertThat(log.recent(100)).hasSize(10); // waits for the retried batch
        assertThat(log.lostCount()).isZero();
      }
    }
  }

  /**
   * Issue 16 item 4: during an outage a full buffer never makes a caller wait on the database: the
   * entry is dropped and counted.
   */
  @Test
  void outage_bufferFull_dropsAndCountsInsteadOfWriting() throws Exception {
    try (KeycastDatabase db = open()) {
      SwitchedLog switched = new SwitchedLog(db.audit());
      switched.down = true;
      try (BatchingAuditLog log = new BatchingAuditLog(switched, 4)) {
        log.record(entry("sign_event"));
        await().atMost(Duration.ofSeconds(10)).until(log::databaseAway);
        int failedBefore = switched.failedWrites.get();
        for (int i = 0; i < 20; i++) {
          log.record(entry("sign_event")); // 4 fit in the buffer, the rest are dropped
        }
        assertThat(log.lostCount()).isEqualTo(16);
        // no caller wrote synchronously: only the writer's retries touched the database
        assertThat(switched.failedWrites.get() - failedBefore).isLessThanOrEqualTo(2);
        switched.down = false;
        assertThat(log.recent(100)).hasSize(5);
      }
    }
  }
}
