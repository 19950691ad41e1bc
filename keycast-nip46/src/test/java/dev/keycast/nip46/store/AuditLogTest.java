package dev.keycast.nip46.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.testing.TestDatabase;
import dev.keycast.nip46.testing.TestDatabase.Backend;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AuditLogTest {
  private final KeyEncryption encryption = AesGcmKeyEncryption.create(MasterKey.random());

  @ParameterizedTest
  @EnumSource(Backend.class)
  void record_thenRead_newestFirstAndPerAuthorization(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      AuditLog log = t.open(encryption).audit();
      PublicKey client = SecretKey.generate().publicKey();
      Instant t0 = Instant.ofEpochMilli(1_700_000_000_000L);
      AuditEntry signed =
          new AuditEntry(t0, 7L, client, "sign_event", 1, AuditOutcome.ALLOWED, null);
      AuditEntry denied =
          new AuditEntry(
              t0.plusSeconds(1),
              7L,
              client,
              "nip44_decrypt",
              null,
              AuditOutcome.DENIED,
              "permission denied: permission not granted");
      AuditEntry other =
          new AuditEntry(t0.plusSeconds(2), 8L, null, "ping", null, AuditOutcome.FAILED, "x");
      log.record(signed);
      log.record(denied);
      log.record(other);
      assertThat(log.recent(10)).containsExactly(other, denied, signed);
      assertThat(log.recent(1)).containsExactly(other);
      assertThat(log.forAuthorization(7L, 10)).containsExactly(denied, signed);
      assertThat(log.purgeBefore(t0.plusSeconds(2))).isEqualTo(2);
      assertThat(log.recent(10)).containsExactly(other);
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void recordAll_writesEveryEntryInOrder(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      AuditLog log = t.open(encryption).audit();
      PublicKey client = SecretKey.generate().publicKey();
      java.util.List<AuditEntry> batch = new java.util.ArrayList<>();
      // 300 entries: several multi-row INSERT chunks and a partial one; nulls and values alternate
      // in every column
      for (int i = 0; i < 300; i++) {
        boolean odd = i % 2 == 1;
        batch.add(
            new AuditEntry(
                Instant.ofEpochMilli(i),
                odd ? (long) i : null,
                odd ? null : client,
                odd ? "ping" : "sign_event",
                odd ? null : i,
                AuditOutcome.values()[i % AuditOutcome.values().length],
                i % 3 == 0 ? "reason " + i : null));
      }
      log.recordAll(batch);
      log.recordAll(java.util.List.of());
      java.util.List<AuditEntry> read = new java.util.ArrayList<>(log.recent(1000));
      java.util.Collections.reverse(read);
      assertThat(read).isEqualTo(batch);
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void purgeBefore_severalBatches_deletesEveryOlderEntryOnly(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      AuditLog log = t.open(encryption).audit();
      Instant cutoff = Instant.ofEpochMilli(1_700_000_000_000L);
      java.util.List<AuditEntry> old = new java.util.ArrayList<>();
      java.util.List<AuditEntry> kept = new java.util.ArrayList<>();
      // 2,500 old entries (three purge batches, the last partial), interleaved with newer ones by
      // insertion order
      for (int i = 0; i < 2_500; i++) {
        old.add(
            new AuditEntry(
                cutoff.minusMillis(1 + i),
                (long) i,
                null,
                "ping",
                null,
                AuditOutcome.ALLOWED,
                null));
        if (i % 500 == 0) {
          kept.add(
              new AuditEntry(
                  cutoff.plusMillis(i), (long) i, null, "ping", null, AuditOutcome.ALLOWED, null));
          old.add(kept.get(kept.size() - 1));
        }
      }
      log.recordAll(old);
      kept.add(
          0,
          new AuditEntry(
              cutoff, 1L, null, "ping", null, AuditOutcome.ALLOWED, null)); // at the cutoff: kept
      log.record(kept.get(0));

      assertThat(log.purgeBefore(cutoff)).isEqualTo(2_500);
      assertThat(log.recent(10_000)).containsExactlyInAnyOrderElementsOf(kept);
      assertThat(log.purgeBefore(cutoff)).isZero();
    }
  }

  @Test
  void entry_invalid_throwsIllegalArgument() {
    Instant now = Instant.now();
    assertThatThrownBy(() -> new AuditEntry(now, null, null, "", null, AuditOutcome.ALLOWED, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new AuditEntry(now, null, null, "m", null, AuditOutcome.ALLOWED, "r".repeat(257)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void recent_limitOutOfRange_throwsIllegalArgument() {
    try (KeycastDatabase db = KeycastDatabase.open("jdbc:sqlite::memory:", encryption)) {
      assertThatThrownBy(() -> db.audit().recent(0)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> db.audit().forAuthorization(1, 10_001))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
