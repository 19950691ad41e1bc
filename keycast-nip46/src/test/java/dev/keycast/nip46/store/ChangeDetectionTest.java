package dev.keycast.nip46.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.testing.TestDatabase;
import dev.keycast.nip46.testing.TestDatabase.Backend;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two {@link KeycastDatabase} instances on one database stand for two processes (the CLI and a
 * daemon): every committed write by one is visible to the other's next {@link
 * AuthorizationStore#changeVersion()} poll, so a daemon polling about once a second sees it well
 * within 2 seconds.
 */
class ChangeDetectionTest {
  private final KeyEncryption encryption = AesGcmKeyEncryption.create(MasterKey.random());

  @ParameterizedTest
  @EnumSource(Backend.class)
  void writesByOneInstance_areSeenByTheOthersNextPoll(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeycastDatabase cli = t.open(encryption);
      KeycastDatabase daemon = t.open(encryption);
      long seen = daemon.changeVersion();

      cli.keys().generate("alice");
      assertThat(daemon.changeVersion()).isGreaterThan(seen);

      long v1 = daemon.changeVersion();
      Authorization a =
          cli.authorizations()
              .create(NewAuthorization.builder("alice").relays("wss://relay.example").build());
      long v2 = daemon.changeVersion();
      assertThat(v2).isGreaterThan(v1);
      AuthorizationChanges created = daemon.authorizations().changesSince(v1);
      assertThat(created.changed()).extracting(Authorization::id).containsExactly(a.id());
      assertThat(created.deletedIds()).isEmpty();
      assertThat(created.version()).isEqualTo(v2);
      assertThat(daemon.authorizations().changesSince(v2).isEmpty()).isTrue();

      cli.authorizations().revoke(a.id(), Instant.now());
      AuthorizationChanges revoked = daemon.authorizations().changesSince(v2);
      assertThat(revoked.changed()).hasSize(1);
      assertThat(revoked.changed().get(0).isRevoked()).isTrue();

      long v3 = revoked.version();
      cli.authorizations().delete(a.id());
      AuthorizationChanges deleted = daemon.authorizations().changesSince(v3);
      assertThat(deleted.changed()).isEmpty();
      assertThat(deleted.deletedIds()).containsExactly(a.id());

      assertThat(daemon.authorizations().changesSince(0).deletedIds()).containsExactly(a.id());
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void connectAndDisconnect_bumpVersionAndReportTheAuthorization(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeycastDatabase daemonA = t.open(encryption);
      KeycastDatabase daemonB = t.open(encryption);
      daemonA.keys().generate("alice");
      Authorization a =
          daemonA
              .authorizations()
              .create(NewAuthorization.builder("alice").relays("wss://relay.example").build());
      long v = daemonB.changeVersion();
      var client = SecretKey.generate().publicKey();
      daemonA
          .authorizations()
          .connect(a.id(), client, a.secret(), PermissionSet.empty(), Instant.now());
      AuthorizationChanges changes = daemonB.authorizations().changesSince(v);
      assertThat(changes.changed()).extracting(Authorization::id).containsExactly(a.id());
      assertThat(daemonB.authorizations().findClient(a.id(), client)).isPresent();

      long v2 = changes.version();
      daemonA.authorizations().disconnect(a.id(), client);
      assertThat(daemonB.authorizations().changesSince(v2).changed())
          .extracting(Authorization::id)
          .containsExactly(a.id());
    }
  }

  /**
   * Issue 13, item 1: a connect that changes nothing (wrong or missing secret, unknown, revoked,
   * used up, or the client is already connected) and a logout of a client that is not connected
   * take no write: the change version stays, so no daemon's cache is invalidated by them.
   */
  @ParameterizedTest
  @EnumSource(Backend.class)
  void connectsAndDisconnectsThatChangeNothing_doNotBumpTheVersion(Backend backend)
      throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeycastDatabase db = t.open(encryption);
      db.keys().generate("alice");
      Authorization a =
          db.authorizations()
              .create(
                  NewAuthorization.builder("alice")
                      .relays("wss://relay.example")
                      .maxUses(1)
                      .build());
      AuthorizationStore store = db.authorizations();
      var client = SecretKey.generate().publicKey();
      long v = db.changeVersion();
      Instant now = Instant.now();
      for (int i = 0; i < 20; i++) {
        var stranger = SecretKey.generate().publicKey();
        assertThat(store.connect(a.id(), stranger, "wrong" + i, PermissionSet.empty(), now))
            .isEqualTo(new ConnectOutcome.Rejected(ConnectOutcome.Reason.WRONG_SECRET));
        assertThat(store.connect(a.id(), stranger, null, PermissionSet.empty(), now))
            .isEqualTo(new ConnectOutcome.Rejected(ConnectOutcome.Reason.WRONG_SECRET));
        assertThat(store.connect(a.id() + 999, stranger, "x", PermissionSet.empty(), now))
            .isEqualTo(new ConnectOutcome.Rejected(ConnectOutcome.Reason.UNKNOWN_AUTHORIZATION));
        assertThat(store.disconnect(a.id(), stranger)).isFalse();
      }
      assertThat(db.changeVersion()).isEqualTo(v);

      assertThat(store.connect(a.id(), client, a.secret(), PermissionSet.empty(), now))
          .isInstanceOf(ConnectOutcome.Connected.class);
      long afterConnect = db.changeVersion();
      assertThat(afterConnect).isGreaterThan(v);
      ConnectOutcome again = store.connect(a.id(), client, "anything", PermissionSet.empty(), now);
      assertThat(again).isInstanceOf(ConnectOutcome.Connected.class);
      assertThat(((ConnectOutcome.Connected) again).newlyConnected()).isFalse();
      assertThat(
              store.connect(
                  a.id(), SecretKey.generate().publicKey(), a.secret(), PermissionSet.empty(), now))
          .isEqualTo(new ConnectOutcome.Rejected(ConnectOutcome.Reason.SECRET_USED_UP));
      assertThat(db.changeVersion()).isEqualTo(afterConnect);
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void auditWrites_doNotBumpTheVersion(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeycastDatabase db = t.open(encryption);
      long v = db.changeVersion();
      db.audit()
          .record(
              new AuditEntry(Instant.now(), null, null, "ping", null, AuditOutcome.ALLOWED, null));
      assertThat(db.changeVersion()).isEqualTo(v);
    }
  }
}
