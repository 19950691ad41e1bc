package dev.keycast.nip46.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.ClientMetadata;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.store.ConnectOutcome.Connected;
import dev.keycast.nip46.testing.TestDatabase;
import dev.keycast.nip46.testing.TestDatabase.Backend;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Connect metadata kept with the connected client (schema version 10), on both databases. */
class ClientMetadataStoreTest {
  private final KeyEncryption encryption = AesGcmKeyEncryption.create(MasterKey.random());
  private final Instant now = Instant.now();

  private static Authorization create(KeycastDatabase db, int maxUses) {
    if (db.keys().find("alice").isEmpty()) {
      db.keys().generate("alice");
    }
    return db.authorizations()
        .create(
            NewAuthorization.builder("alice").relays("wss://relay.one").maxUses(maxUses).build());
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void connect_withMetadata_roundTripsAndIsReplacedOnReconnect(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeycastDatabase db = t.open(encryption);
      AuthorizationStore store = db.authorizations();
      Authorization a = create(db, 2);
      PublicKey c1 = SecretKey.generate().publicKey();
      ClientMetadata meta =
          new ClientMetadata("Some App", "https://app.example", "https://app.example/i.png");

      Connected first =
          (Connected) store.connect(a.id(), c1, a.secret(), PermissionSet.empty(), meta, now);
      assertThat(first.client().metadata()).isEqualTo(meta);
      assertThat(store.findClient(a.id(), c1).orElseThrow().metadata()).isEqualTo(meta);
      assertThat(store.listClients(a.id()))
          .singleElement()
          .extracting(ConnectedClient::metadata)
          .isEqualTo(meta);

      // reconnecting without metadata keeps it; with other metadata replaces it, consuming no use
      Connected again =
          (Connected)
              store.connect(a.id(), c1, null, PermissionSet.empty(), ClientMetadata.NONE, now);
      assertThat(again.client().metadata()).isEqualTo(meta);
      ClientMetadata renamed = new ClientMetadata("Some App 2", null, null);
      Connected renamedOutcome =
          (Connected) store.connect(a.id(), c1, null, PermissionSet.empty(), renamed, now);
      assertThat(renamedOutcome.newlyConnected()).isFalse();
      assertThat(renamedOutcome.client().metadata()).isEqualTo(renamed);
      assertThat(store.findClient(a.id(), c1).orElseThrow().metadata()).isEqualTo(renamed);
      assertThat(store.find(a.id()).orElseThrow().uses()).isEqualTo(1);

      // the old signature stores none
      PublicKey c2 = SecretKey.generate().publicKey();
      store.connect(a.id(), c2, a.secret(), PermissionSet.empty(), now);
      assertThat(store.findClient(a.id(), c2).orElseThrow().metadata())
          .isEqualTo(ClientMetadata.NONE);
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void connect_hostileMetadata_isStoredBoundedAndCleaned(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeycastDatabase db = t.open(encryption);
      Authorization a = create(db, 1);
      PublicKey c1 = SecretKey.generate().publicKey();
      String json =
          "{\"name\":\"\\u202e<script>alert(1)</script>\\u2066x\\u2069\\u0000"
              + "y".repeat(10_240)
              + "\",\"url\":\"javascript:alert(1)\",\"image\":\"https://cdn.example/"
              + "z".repeat(600)
              + "\"}";
      ConnectOutcome outcome =
          db.authorizations()
              .connect(
                  a.id(),
                  c1,
                  a.secret(),
                  PermissionSet.empty(),
                  ClientMetadata.fromJson(json),
                  now);
      assertThat(outcome).isInstanceOf(Connected.class);
      ClientMetadata stored = db.authorizations().findClient(a.id(), c1).orElseThrow().metadata();
      assertThat(stored.name()).hasSize(100).startsWith("<script>alert(1)</script>xy");
      assertThat(stored.url()).isNull();
      assertThat(stored.image()).isNull();
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void read_rowWrittenByAnotherWriter_isCleanedOnTheWayOut(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      KeycastDatabase db = t.open(encryption);
      Authorization a = create(db, 1);
      PublicKey c1 = SecretKey.generate().publicKey();
      db.authorizations().connect(a.id(), c1, a.secret(), PermissionSet.empty(), now);
      try (Connection c = t.rawConnection();
          Statement s = c.createStatement()) {
        s.executeUpdate(
            "UPDATE authorization_clients SET client_name = 'a\u202eb', "
                + "client_url = 'javascript:alert(1)', client_image = 'https://ok.example/i.png'");
      }
      ClientMetadata m = db.authorizations().findClient(a.id(), c1).orElseThrow().metadata();
      assertThat(m).isEqualTo(new ClientMetadata("ab", null, "https://ok.example/i.png"));
    }
  }
}
