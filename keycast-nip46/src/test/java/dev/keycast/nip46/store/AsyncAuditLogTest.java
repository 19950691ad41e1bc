package dev.keycast.nip46.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycast.nip46.store.TestDatabase.Backend;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AsyncAuditLogTest {

  private static AuditEntry entry(int i) {
    return new AuditEntry(Instant.ofEpochMilli(1_700_000_000_000L + i), (long) i, null, "sign_event", 1,
        AuditOutcome.ALLOWED, null);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void record_fromManyThreads_allWrittenInBatches(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeycastDatabase db = t.open(AesGcmKeyEncryption.create(MasterKey.random()));
      try (AsyncAuditLog log = AsyncAuditLog.start(db.audit(), 10_000)) {
        List<Thread> threads = new ArrayList<>();
        for (int th = 0; th < 8; th++) {
          int base = th * 250;
          threads.add(Thread.ofVirtual().start(() -> {
            for (int i = 0; i < 250; i++) {
              log.record(entry(base + i));
            }
          }));
        }
        for (Thread th : threads) {
          th.join();
        }
        assertThat(log.flush(Duration.ofSeconds(60))).isTrue();
        assertThat(log.writtenCount()).isEqualTo(2000);
        assertThat(log.droppedCount()).isZero();
        assertThat(log.recent(10_000)).hasSize(2000);
      }
    }
  }

  /** An in-memory AuditLog whose writes can be held back or made to fail. */
  private static final class ControlledLog implements AuditLog {
    final List<AuditEntry> entries = new CopyOnWriteArrayList<>();
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger failuresLeft = new AtomicInteger();
    volatile boolean hold;

    @Override
    public void record(AuditEntry entry) {
      recordAll(List.of(entry));
    }

    @Override
    public void recordAll(List<AuditEntry> batch) {
      if (hold) {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (failuresLeft.getAndDecrement() > 0) {
        throw new DatabaseUnavailableException("test: down", new RuntimeException());
      }
      entries.addAll(batch);
    }

    @Override
    public List<AuditEntry> recent(int limit) {
      return List.copyOf(entries);
    }

    @Override
    public List<AuditEntry> forAuthorization(long authorizationId, int limit) {
      return List.of();
    }

    @Override
    public long purgeBefore(Instant cutoff) {
      return 0;
    }
  }

  @Test
  void record_queueFull_dropsAndCountsWithoutBlocking() throws Exception {
    ControlledLog delegate = new ControlledLog();
    delegate.hold = true;
    try (AsyncAuditLog log = AsyncAuditLog.start(delegate, 5)) {
      for (int i = 0; i < 100; i++) {
        log.record(entry(i));
      }
      // the held writer has at most one batch (1 polled + up to 5 drained), the queue 5 more
      assertThat(log.droppedCount()).isGreaterThanOrEqualTo(100 - 6 - 5);
      delegate.release.countDown();
      assertThat(log.flush(Duration.ofSeconds(30))).isTrue();
      assertThat(log.writtenCount() + log.droppedCount()).isEqualTo(100);
      assertThat(delegate.entries).hasSize((int) log.writtenCount());
    }
  }

  @Test
  void databaseUnavailable_batchRetriedUntilWritten() throws Exception {
    ControlledLog delegate = new ControlledLog();
    delegate.failuresLeft.set(3);
    try (AsyncAuditLog log = AsyncAuditLog.start(delegate, 100)) {
      log.record(entry(1));
      log.record(entry(2));
      assertThat(log.flush(Duration.ofSeconds(30))).isTrue();
      assertThat(delegate.entries).containsExactly(entry(1), entry(2));
      assertThat(log.droppedCount()).isZero();
    }
  }

  @Test
  void close_drainsQueueThenRefusesNewEntries() {
    ControlledLog delegate = new ControlledLog();
    AsyncAuditLog log = AsyncAuditLog.start(delegate, 1000);
    for (int i = 0; i < 300; i++) {
      log.record(entry(i));
    }
    log.close();
    assertThat(delegate.entries).hasSize(300);
    log.record(entry(301));
    assertThat(log.droppedCount()).isEqualTo(1);
    assertThatThrownBy(() -> AsyncAuditLog.start(delegate, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
