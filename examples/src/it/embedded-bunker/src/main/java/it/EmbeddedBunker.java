package it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.SecretKey;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.BunkerUri;
import dev.keycast.nip46.EventTemplate;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.client.Nip46Client;
import dev.keycast.nip46.client.Nip46Result;
import dev.keycast.nip46.relay.DevRelay;
import dev.keycast.nip46.bunker.Bunker;
import dev.keycast.nip46.store.AesGcmKeyEncryption;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.store.MasterKey;
import dev.keycast.nip46.store.NewAuthorization;
import dev.keycast.nip46.store.StoredKey;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Embeds a bunker on SQLite with a master key file, opens its data twice (find-or-create: a second run must not
 * fail), serves on the dev relay, and has a real NIP-46 client get an event signed, which it verifies. Then
 * nostr-tools' BunkerSigner (interop/, the pinned lock file) drives every NIP-46 method against the same running
 * bunker: the client web apps use, as a user of the embedding guide would point one at it.
 */
public final class EmbeddedBunker {
  public static void main(String[] args) throws Exception {
    Path home = Files.createTempDirectory("keycast-it");
    try (DevRelay relay = DevRelay.start("127.0.0.1", 0)) {
      String first = prepare(home, relay.url());
      String uri = prepare(home, relay.url()); // the second run of the same program
      // the same bunker key and relays (the same authorization); only the renewed secret differs
      BunkerUri a = BunkerUri.parse(first);
      BunkerUri b = BunkerUri.parse(uri);
      if (!a.signerPubkey().equals(b.signerPubkey()) || !a.relays().equals(b.relays())) {
        throw new AssertionError("the second run made a new authorization");
      }
      MasterKey masterKey = MasterKey.readOrGenerate(home.resolve("master.key"));
      try (KeycastDatabase db = KeycastDatabase.builder("jdbc:sqlite:" + home.resolve("signer.db"))
              .keyEncryption(AesGcmKeyEncryption.create(masterKey)).open();
          Bunker bunker = Bunker.builder().database(db).relays(List.of(relay.url())).build().start();
          Nip46Client client = Nip46Client.builder(BunkerUri.parse(uri), SecretKey.generate())
              .timeout(Duration.ofSeconds(30)).build()) {
        client.awaitConnected(Duration.ofSeconds(30));
        expectSuccess(client.connect(PermissionSet.all()).get());
        String json = expectSuccess(client.signEvent(
            new EventTemplate(1, "hello from an embedded bunker", List.of(), Instant.now().getEpochSecond())).get());
        SignedEvent event = parse(json);
        NostrEvents.verify(event);
        System.out.println("SIGNED " + event.id() + " by " + event.pubkey());
        nostrTools(uri);
      }
    }
  }

  /** Opens the data, finds or creates the key and its authorization, closes; returns the bunker URI. */
  static String prepare(Path home, String relay) {
    MasterKey masterKey = MasterKey.readOrGenerate(home.resolve("master.key"));
    try (KeycastDatabase db = KeycastDatabase.builder("jdbc:sqlite:" + home.resolve("signer.db"))
        .keyEncryption(AesGcmKeyEncryption.create(masterKey)).open()) {
      StoredKey alice = db.keys().find("alice").orElseGet(() -> db.keys().generate("alice"));
      // The store keeps only a hash of the connect secret: a reused authorization gets a fresh one.
      Authorization auth = db.authorizations().listForKey(alice.name()).stream().findFirst()
          .flatMap(a -> db.authorizations().renewSecret(a.id()))
          .orElseGet(() -> db.authorizations().create(NewAuthorization.builder(alice.name())
              .relays(relay).policyName("social").maxUses(null).build()));
      return new BunkerUri(auth.bunkerPublicKey(), auth.relays(), auth.secret()).format();
    }
  }

  /**
   * Runs interop/bunker-signer.mjs against the running bunker. Skipped with a message (which the verify script
   * refuses when CI=true) if Node.js or interop/node_modules is missing.
   */
  static void nostrTools(String uri) throws Exception {
    Path interop = Path.of(System.getProperty("keycast.interop.dir", "interop"));
    if (!Files.isDirectory(interop.resolve("node_modules/nostr-tools"))) {
      System.out.println("NOSTR-TOOLS SKIPPED: " + interop + "/node_modules missing (npm ci in interop/, as ./test does)");
      return;
    }
    int major;
    try {
      Process v = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      String version = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      v.waitFor(10, TimeUnit.SECONDS);
      major = Integer.parseInt(version.replaceFirst("^v(\\d+).*", "$1"));
    } catch (java.io.IOException | NumberFormatException e) {
      System.out.println("NOSTR-TOOLS SKIPPED: node not found (" + e.getMessage() + ")");
      return;
    }
    List<String> cmd = new ArrayList<>(List.of("node"));
    if (major < 22) {
      cmd.add("--experimental-websocket"); // Node 20: the global WebSocket nostr-tools needs is behind a flag
    }
    cmd.addAll(List.of("--no-warnings", interop.resolve("bunker-signer.mjs").toString(), uri, "--timeout-ms", "30000"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        System.out.println("nostr-tools: " + line);
      }
    }
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("nostr-tools did not finish");
    }
    if (p.exitValue() != 0) {
      throw new AssertionError("nostr-tools failed against the embedded bunker (exit " + p.exitValue() + ")");
    }
    System.out.println("NOSTR-TOOLS OK");
  }

  private static String expectSuccess(Nip46Result result) {
    if (result instanceof Nip46Result.Success s) {
      return s.result();
    }
    throw new AssertionError("expected success, got " + result);
  }

  private static SignedEvent parse(String json) throws Exception {
    JsonNode n = new ObjectMapper().readTree(json);
    List<List<String>> tags = new ArrayList<>();
    n.get("tags").forEach(t -> {
      List<String> tag = new ArrayList<>();
      t.forEach(v -> tag.add(v.asText()));
      tags.add(tag);
    });
    return new SignedEvent(n.get("id").asText(), n.get("pubkey").asText(), n.get("created_at").asLong(),
        n.get("kind").asInt(), tags, n.get("content").asText(), n.get("sig").asText());
  }
}
