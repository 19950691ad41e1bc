package dev.keycast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.BunkerUri;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.client.Nip46Client;
import dev.keycast.nip46.client.Nip46Result;
import dev.keycast.nip46.policy.Policy;
import dev.keycast.nip46.store.AesGcmKeyEncryption;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.store.MasterKey;
import dev.keycast.nip46.store.NewAuthorization;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keycast serve} resolves custom policies stored in the database (PolicyStore), not only the
 * built-in ones: an authorization created by an embedder or a script under a stored policy is
 * served under that policy (bench/e2e stores one without the built-in per-client limit).
 */
class ServeCustomPolicyTest {
  @TempDir Path home;

  @Test
  void serve_authorizationUnderStoredPolicy_servedWithThatPolicy() throws Exception {
    try (DevDaemon d = new DevDaemon(home)) {
      Authorization auth;
      try (KeycastDatabase db =
          KeycastDatabase.open(
              "jdbc:sqlite:" + home.resolve("keycast.db"),
              AesGcmKeyEncryption.create(MasterKey.read(home.resolve("master.key"))))) {
        db.policies().save(Policy.builder("encrypt-only").permissions("nip44_encrypt").build());
        db.keys().generate("custom");
        auth =
            db.authorizations()
                .create(
                    NewAuthorization.builder("custom")
                        .relays(d.relay())
                        .policyName("encrypt-only")
                        .build());
      }
      d.awaitSignerKey(auth.bunkerPublicKey().toHex());
      BunkerUri uri =
          BunkerUri.parse(
              "bunker://"
                  + auth.bunkerPublicKey().toHex()
                  + "?relay="
                  + URLEncoder.encode(d.relay(), StandardCharsets.UTF_8)
                  + "&secret="
                  + URLEncoder.encode(auth.secret(), StandardCharsets.UTF_8));
      try (Nip46Client client =
          Nip46Client.builder(uri, SecretKey.generate()).timeout(Duration.ofSeconds(30)).build()) {
        assertThat(client.awaitConnected(Duration.ofSeconds(30))).isTrue();
        assertThat(client.connect(PermissionSet.all()).get())
            .isInstanceOf(Nip46Result.Success.class);
        // allowed by the stored policy
        assertThat(client.nip44Encrypt(SecretKey.generate().publicKey(), "hello").get())
            .isInstanceOf(Nip46Result.Success.class);
        // not in the stored policy: denied with an error reply (not "unknown policy" for
        // everything)
        Nip46Result sign =
            client
                .signEvent(
                    new dev.keycast.nip46.EventTemplate(
                        1, "x", java.util.List.of(), System.currentTimeMillis() / 1000))
                .get();
        assertThat(sign).isInstanceOf(Nip46Result.Failure.class);
      }
      // the store loads behind the cache are exported (this authorization's key was loaded at least
      // once)
      String metrics =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create(
                              "http://127.0.0.1:" + d.daemon.httpPort() + "/metrics"))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(metrics)
          .containsPattern("keycast_cache_loads_total\\{kind=\"signer\"} [1-9]")
          .contains("keycast_cache_loads_total{kind=\"client_or_user_key\"}");
    }
  }
}
