/**
 * Keycast NIP-46: the protocol types and codec, the client, the bunker (server), the relay
 * connections and the store. Exports the API packages only; {@code …internal} packages are not API.
 *
 * <p>Storage dependencies (JDBI, HikariCP, Flyway, the JDBC drivers) and Java-WebSocket (used only
 * by {@code DevRelay}) are {@code requires static}: a client or codec user needs none of them, and
 * an embedder adds {@code keycast-store-sqlite} or {@code keycast-store-postgresql}. The store is
 * supported on the class path; see the README, "Module path".
 *
 * <p>{@code flyway.core} is the name the module system derives from Flyway's file name (flyway-core
 * 13 declares none; Maven warns about it). It is {@code requires static}: nothing resolves it at
 * run time unless the store is used on the module path.
 */
// "module": the name dev.keycast.nip46 ends in digits, which javac's lint advises against; the NIP
// number is the name (STYLE.md section 3).
@SuppressWarnings("module")
module dev.keycast.nip46 {
  requires static transitive org.jspecify;
  requires transitive dev.keycast.crypto;
  requires transitive dev.keycast.queue;
  requires transitive com.fasterxml.jackson.databind;
  requires org.slf4j;
  requires java.sql;
  requires static org.jdbi.v3.core;
  requires static com.zaxxer.hikari;
  requires static flyway.core;
  requires static org.xerial.sqlitejdbc;
  requires static org.postgresql.jdbc;
  requires static org.java_websocket;

  exports dev.keycast.nip46;
  exports dev.keycast.nip46.bunker;
  exports dev.keycast.nip46.client;
  exports dev.keycast.nip46.policy;
  exports dev.keycast.nip46.relay;
  exports dev.keycast.nip46.server;
  exports dev.keycast.nip46.store;
}
