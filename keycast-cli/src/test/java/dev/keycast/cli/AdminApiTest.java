package dev.keycast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keycast.cli.internal.AdminToken;
import dev.keycast.crypto.Nip19;
import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.BunkerUri;
import dev.keycast.nip46.EventTemplate;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.client.Nip46Client;
import dev.keycast.nip46.client.Nip46Result;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API of a real daemon over real HTTP: each route's happy path and its 401/4xx, an
 * authorization created through the API that a real NIP-46 client then uses, and the task view
 * during load.
 */
class AdminApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path home;

  private int port;
  private String token = "";

  /** Requests sent at once while watching the task view: below the queue's 256 places. */
  private static final int LOAD = 240;

  private record Reply(int status, JsonNode json) {}

  private Reply call(String method, String path, @Nullable String body) throws Exception {
    return call(method, path, body, token, "application/json");
  }

  private Reply call(
      String method, String path, @Nullable String body, @Nullable String bearer, String type)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    if (body != null) {
      b.header("Content-Type", type);
    }
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
    return new Reply(
        r.statusCode(), r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body()));
  }

  @Test
  void everyRoute_happyPathAnd401And4xx_authorizationWorksWithARealClient() throws Exception {
    try (DevDaemon d = new DevDaemon(home)) {
      port = d.daemon.httpPort();
      token = AdminToken.load(home).value();

      for (String path :
          List.of(
              "/api/v1/info",
              "/api/v1/keys",
              "/api/v1/authorizations",
              "/api/v1/clients",
              "/api/v1/policies",
              "/api/v1/audit",
              "/api/v1/tasks")) {
        assertThat(call("GET", path, null, null, "application/json").status())
            .as(path)
            .isEqualTo(401);
        assertThat(call("GET", path, null, "wrong-token", "application/json").status())
            .as(path)
            .isEqualTo(401);
      }

      // /health carries the public URL and the queue-pressure warnings (none when idle)
      HttpResponse<String> health =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode h = JSON.readTree(health.body());
      assertThat(h.get("warnings").isArray()).isTrue();
      assertThat(h.get("warnings")).isEmpty();
      assertThat(h.has("public_url")).isTrue();

      // info
      Reply info = call("GET", "/api/v1/info", null);
      assertThat(info.status()).isEqualTo(200);
      assertThat(info.json().get("relays").get(0).asText()).isEqualTo(d.relay());
      // without --public-url, links are based on the bound HTTP address
      assertThat(info.json().get("public_url").asText()).isEqualTo("http://127.0.0.1:" + port);
      // every resource is described in the OpenAPI file
      String openapi = java.nio.file.Files.readString(Path.of("..", "docs", "openapi.yaml"));
      info.json()
          .get("resources")
          .forEach(res -> assertThat(openapi).contains("\n  /" + res.asText() + ":"));

      // keys: list, generate, import; bad input
      assertThat(names(call("GET", "/api/v1/keys", null).json())).contains("demo");
      Reply gen = call("POST", "/api/v1/keys", "{\"name\":\"alice\"}");
      assertThat(gen.status()).isEqualTo(201);
      assertThat(gen.json().get("npub").asText()).startsWith("npub1");
      assertThat(call("POST", "/api/v1/keys", "{\"name\":\"alice\"}").status()).isEqualTo(409);
      assertThat(call("POST", "/api/v1/keys", "{\"name\":\"bad name!\"}").json().get("error"))
          .asString()
          .contains("invalid key name");
      assertThat(call("POST", "/api/v1/keys", "{\"name\":").status()).isEqualTo(400);
      assertThat(call("POST", "/api/v1/keys", "{}").status()).isEqualTo(400);
      assertThat(call("POST", "/api/v1/keys", "name=x", token, "text/plain").status())
          .isEqualTo(415);
      SecretKey imported = SecretKey.generate();
      Reply imp =
          call(
              "POST",
              "/api/v1/keys/import",
              "{\"name\":\"bob\",\"secret\":\""
                  + Nip19.encodeNsec(imported, dev.keycast.crypto.InsecureSecretKeyAccess.get())
                  + "\"}");
      assertThat(imp.status()).isEqualTo(201);
      assertThat(imp.json().get("pubkey").asText()).isEqualTo(imported.publicKey().toHex());
      assertThat(imp.json().toString()).doesNotContain("nsec1");
      Reply badImport =
          call("POST", "/api/v1/keys/import", "{\"name\":\"carol\",\"secret\":\"nsec1xyz\"}");
      assertThat(badImport.status()).isEqualTo(400);
      assertThat(badImport.json().get("error").asText()).doesNotContain("nsec1xyz");
      assertThat(call("PUT", "/api/v1/keys", "{}").status()).isEqualTo(405);

      // policies: create, list, show, delete; bad input
      Reply pol =
          call(
              "POST",
              "/api/v1/policies",
              "{\"name\":\"encrypt-fast\",\"allow\":[\"nip44_encrypt\",\"sign_event:1\"],"
                  + "\"rate_limit\":\"100000/min\"}");
      assertThat(pol.status()).isEqualTo(201);
      assertThat(pol.json().get("rate_limit").get("max").asInt()).isEqualTo(100000);
      assertThat(
              call("POST", "/api/v1/policies", "{\"name\":\"encrypt-fast\",\"allow\":[]}").status())
          .isEqualTo(409);
      assertThat(
              call("POST", "/api/v1/policies", "{\"name\":\"x\",\"allow\":[\"sing_event\"]}")
                  .json()
                  .get("error")
                  .asText())
          .contains("unknown permission 'sing_event'");
      assertThat(call("POST", "/api/v1/policies", "{\"name\":\"full\"}").status()).isEqualTo(409);
      assertThat(names(call("GET", "/api/v1/policies", null).json()))
          .contains("full", "social", "readonly", "encrypt-fast");
      assertThat(call("GET", "/api/v1/policies/encrypt-fast", null).json().get("allow")).hasSize(2);
      assertThat(call("GET", "/api/v1/policies/nope", null).status()).isEqualTo(404);
      call("POST", "/api/v1/policies", "{\"name\":\"doomed\"}");
      assertThat(call("DELETE", "/api/v1/policies/doomed", "{}").status()).isEqualTo(200);
      assertThat(call("DELETE", "/api/v1/policies/doomed", "{}").status()).isEqualTo(404);
      assertThat(call("DELETE", "/api/v1/policies/full", "{}").status()).isEqualTo(409);

      // authorizations: create (URI, QR), then a real NIP-46 client uses it
      assertThat(call("POST", "/api/v1/authorizations", "{\"key\":\"nobody\"}").status())
          .isEqualTo(400);
      assertThat(
              call(
                      "POST",
                      "/api/v1/authorizations",
                      "{\"key\":\"alice\",\"policy\":\"encrypt-fast\",\"kinds\":[7]}")
                  .status())
          .isEqualTo(400); // kind 7 is outside the base policy
      Reply created =
          call(
              "POST",
              "/api/v1/authorizations",
              "{\"key\":\"alice\",\"policy\":\"encrypt-fast\",\"max_uses\":0,\"label\":\"<b>x</b>\"}");
      assertThat(created.status()).isEqualTo(201);
      String bunkerUri = created.json().get("bunker_uri").asText();
      assertThat(bunkerUri).startsWith("bunker://").contains("secret=");
      assertThat(created.json().get("qr_svg").asText()).startsWith("<svg").doesNotContain("secret");
      assertThat(created.json().get("user_pubkey").asText())
          .isEqualTo(gen.json().get("pubkey").asText());
      long authId = created.json().get("id").asLong();
      // the secret appears once: listing shows no URI
      Reply listed = call("GET", "/api/v1/authorizations", null);
      assertThat(listed.json().toString()).doesNotContain("secret=");
      assertThat(
              call("GET", "/api/v1/authorizations/" + authId, null).json().get("status").asText())
          .isEqualTo("active");
      assertThat(call("GET", "/api/v1/authorizations/x", null).status()).isEqualTo(400);
      assertThat(call("GET", "/api/v1/authorizations/99999", null).status()).isEqualTo(404);

      d.awaitSignerKey(created.json().get("bunker_pubkey").asText());
      SecretKey clientKey = SecretKey.generate();
      try (Nip46Client client =
          Nip46Client.builder(BunkerUri.parse(bunkerUri), clientKey)
              .timeout(Duration.ofSeconds(30))
              .build()) {
        assertThat(client.awaitConnected(Duration.ofSeconds(30))).isTrue();
        assertThat(client.connect(PermissionSet.all()).get(30, TimeUnit.SECONDS))
            .isInstanceOf(Nip46Result.Success.class);
        assertThat(
                client
                    .signEvent(
                        new EventTemplate(1, "hi", List.of(), System.currentTimeMillis() / 1000))
                    .get(30, TimeUnit.SECONDS))
            .isInstanceOf(Nip46Result.Success.class);

        // connected clients
        Reply clients = call("GET", "/api/v1/clients?authorization=" + authId, null);
        assertThat(clients.status()).isEqualTo(200);
        assertThat(clients.json().get(0).get("client_pubkey").asText())
            .isEqualTo(clientKey.publicKey().toHex());

        // the task view moves during load
        Set<String> stagesSeen = tasksDuringLoad(client);
        assertThat(stagesSeen).as("stages seen in flight").hasSizeGreaterThan(1);
      }
      JsonNode tasks = call("GET", "/api/v1/tasks", null).json();
      assertThat(tasks.get("queue").get("capacity").asInt()).isEqualTo(256);
      assertThat(tasks.get("cpu_pool").get("total").asInt()).isEqualTo(2);
      assertThat(tasks.get("cpu_pool").get("busy_ms").asLong()).isPositive();
      assertThat(tasks.get("stuck").isArray()).isTrue();

      // audit: the admin actions and the client's requests, filtered and paged
      Reply audit = call("GET", "/api/v1/audit?limit=1000", null);
      assertThat(audit.status()).isEqualTo(200);
      List<String> methods = new ArrayList<>();
      audit.json().get("entries").forEach(e -> methods.add(e.get("method").asText()));
      assertThat(methods)
          .contains(
              "admin.keys.generate",
              "admin.keys.import",
              "admin.policies.save",
              "admin.policies.delete",
              "admin.authorizations.create",
              "sign_event");
      Reply page1 = call("GET", "/api/v1/audit?authorization=" + authId + "&limit=2", null);
      assertThat(page1.json().get("entries")).hasSize(2);
      String next = page1.json().get("next_before").asText();
      Reply page2 =
          call(
              "GET",
              "/api/v1/audit?authorization="
                  + authId
                  + "&limit=2&before="
                  + java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8),
              null);
      assertThat(page2.json().get("entries").get(0).get("at").asText()).isLessThan(next);
      assertThat(call("GET", "/api/v1/audit?key=alice&since=1h", null).json().get("entries"))
          .isNotEmpty();
      assertThat(call("GET", "/api/v1/audit?key=nobody", null).status()).isEqualTo(404);
      assertThat(call("GET", "/api/v1/audit?limit=0", null).status()).isEqualTo(400);
      assertThat(call("GET", "/api/v1/audit?since=yesterday-ish", null).status()).isEqualTo(400);

      // revoke
      assertThat(call("DELETE", "/api/v1/authorizations/" + authId, "{}").status()).isEqualTo(200);
      assertThat(
              call("GET", "/api/v1/authorizations/" + authId, null).json().get("status").asText())
          .isEqualTo("revoked");
      assertThat(call("DELETE", "/api/v1/authorizations/99999", "{}").status()).isEqualTo(404);
    }
  }

  /**
   * Sends {@link #LOAD} encryption requests at once and polls the task view until they are
   * answered. Fewer than the queue's 256 places, so none may be refused: under a burst larger than
   * the queue, "overloaded" is the right answer, and a test that expected success then failed
   * whenever the host was slower than the relay.
   *
   * @return the stages seen in flight
   */
  private Set<String> tasksDuringLoad(Nip46Client client) throws Exception {
    List<CompletableFuture<Nip46Result>> load = new ArrayList<>();
    for (int i = 0; i < LOAD; i++) {
      load.add(client.nip44Encrypt(SecretKey.generate().publicKey(), "load " + i));
    }
    CompletableFuture<Void> all = CompletableFuture.allOf(load.toArray(CompletableFuture[]::new));
    Set<String> stages = new TreeSet<>();
    while (!all.isDone()) {
      JsonNode t = call("GET", "/api/v1/tasks", null).json();
      for (JsonNode task : t.get("tasks")) {
        stages.add(task.get("stage").asText());
        assertThat(task.get("age_ms").asLong()).isNotNegative();
      }
    }
    all.get(60, TimeUnit.SECONDS);
    for (CompletableFuture<Nip46Result> f : load) {
      assertThat(f.get()).isInstanceOf(Nip46Result.Success.class);
    }
    return stages;
  }

  private static List<String> names(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.get("name").asText()));
    return out;
  }
}
