package it;

import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.SchnorrSigner;
import dev.keycast.crypto.SecretKey;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.crypto.UnsignedEvent;
import dev.keycast.nip46.BunkerUri;
import dev.keycast.nip46.Nip46Codec;
import dev.keycast.nip46.Nip46Request;
import dev.keycast.nip46.client.Nip46Client;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;

/** Uses the client, the codec and the protocol types, and checks that no database came along. */
public final class ClientOnly {
  public static void main(String[] args) throws Exception {
    SecretKey key = SecretKey.generate();
    SignedEvent event = NostrEvents.sign(new UnsignedEvent(key.publicKey(), 1_700_000_000L, 1, List.of(), "hi"),
        SchnorrSigner.create(key));
    NostrEvents.verify(event);

    BunkerUri uri = BunkerUri.parse("bunker://" + SecretKey.generate().publicKey().toHex()
        + "?relay=ws://127.0.0.1:9&secret=s3cret");
    Nip46Request request = Nip46Codec.parseRequest("{\"id\":\"1\",\"method\":\"ping\",\"params\":[]}");
    String json = Nip46Codec.toJson(request);
    try (Nip46Client client = Nip46Client.builder(uri, SecretKey.generate()).timeout(Duration.ofSeconds(1)).build()) {
      System.out.println("client built for " + uri.relays());
    }

    long drivers = DriverManager.drivers().count();
    for (String absent : List.of("org.sqlite.JDBC", "org.postgresql.Driver", "com.zaxxer.hikari.HikariDataSource",
        "org.jdbi.v3.core.Jdbi", "org.flywaydb.core.Flyway", "org.java_websocket.server.WebSocketServer")) {
      try {
        Class.forName(absent, false, ClientOnly.class.getClassLoader());
        throw new AssertionError(absent + " is on a client-only classpath");
      } catch (ClassNotFoundException expected) {
        // what a client-only user must get
      }
    }
    if (drivers != 0) {
      throw new AssertionError(drivers + " JDBC drivers on a client-only classpath");
    }
    System.out.println("CLIENT-ONLY OK " + event.id() + " " + json);
  }
}
