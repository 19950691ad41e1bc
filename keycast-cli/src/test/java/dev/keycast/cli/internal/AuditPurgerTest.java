package dev.keycast.cli.internal;

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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditPurgerTest {
  private static final Duration RETENTION = Duration.ofDays(90);
  @TempDir Path dir;

  private static AuditEntry at(Instant when) {
    return new AuditEntry(when, 1L, null, "ping", null, AuditOutcome.ALLOWED, null);
  }

  @Test
  void start_purgesOnceAtStartThenEveryInterval_keepsNewer() {
    Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    try (KeycastDatabase db =
        KeycastDatabase.open(
            "jdbc:sqlite:" + dir.resolve("k.db"), AesGcmKeyEncryption.create(MasterKey.random()))) {
      AuditEntry recent = at(now.minus(Duration.ofDays(1)));
      db.audit()
          .recordAll(
              List.of(
                  at(now.minus(Duration.ofDays(91))), recent, at(now.minus(Duration.ofDays(400)))));
      try (AuditPurger p =
          AuditPurger.start(db.audit(), RETENTION, Duration.ofMillis(100), Clock.systemUTC())) {
        await().atMost(Duration.ofSeconds(20)).until(() -> p.purged() == 2);
        assertThat(db.audit().recent(10)).containsExactly(recent);
        db.audit()
            .record(at(now.minus(Duration.ofDays(200)))); // written later: the next run takes it
        await().atMost(Duration.ofSeconds(20)).until(() -> p.purged() == 3);
      }
      assertThat(db.audit().recent(10)).containsExactly(recent);
    }
  }

  @Test
  void start_purgeFails_keepsRunningAndRetries() {
    Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    try (KeycastDatabase db =
        KeycastDatabase.open(
            "jdbc:sqlite:" + dir.resolve("k.db"), AesGcmKeyEncryption.create(MasterKey.random()))) {
      db.audit().record(at(now.minus(Duration.ofDays(100))));
      AtomicInteger calls = new AtomicInteger();
      AuditLog failingTwice = new AuditLog() { // the database is down for the first two runs
            @Override
            public void record(AuditEntry entry) {
              db.audit().record(entry);
            }

            @Override
            public List<AuditEntry> recent(int limit) {
              return db.audit().recent(limit);
            }

            @Override
            public List<AuditEntry> forAuthorization(long authorizationId, int limit) {
              return db.audit().forAuthorization(authorizationId, limit);
            }

            @Override
            public long purgeBefore(Instant cutoff) {
              if (calls.incrementAndGet() <= 2) {
                throw new DatabaseUnavailableException(
                    "database down (test)", new java.io.IOException("test"));
              }
              return db.audit().purgeBefore(cutoff);
            }
          };
      try (AuditPurger p =
          AuditPurger.start(failingTwice, RETENTION, Duration.ofMillis(50), Clock.systemUTC())) {
        await().atMost(Duration.ofSeconds(20)).until(() -> p.purged() == 1);
        assertThat(p.runs()).isGreaterThanOrEqualTo(3);
      }
      assertThat(db.audit().recent(10)).isEmpty();
    }
  }
}
