package dev.keycast.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycast.cli.UsageException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HttpEndpointsTest {
  private final HttpClient client = HttpClient.newHttpClient();

  private HttpResponse<String> get(int port, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void health_reflectsSupplier_200or503() throws Exception {
    AtomicBoolean ok = new AtomicBoolean(true);
    try (KeycastMetrics metrics = KeycastMetrics.create();
        HttpEndpoints http =
            HttpEndpoints.start(
                "127.0.0.1",
                0,
                () ->
                    ok.get()
                        ? new HttpEndpoints.Health(true, Map.of("status", "ok"))
                        : new HttpEndpoints.Health(
                            false, Map.of("status", "unhealthy", "reason", "no relay connected")),
                metrics::scrape)) {
      HttpResponse<String> r = get(http.port(), "/health");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("{\"status\":\"ok\"}");
      ok.set(false);
      r = get(http.port(), "/health");
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.body()).contains("no relay connected");
      assertThat(get(http.port(), "/nope").statusCode()).isEqualTo(404);
      assertThat(get(http.port(), "/health/x").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void metrics_prometheusTextWithJvmAndKeycastMeters() throws Exception {
    try (KeycastMetrics metrics = KeycastMetrics.create();
        HttpEndpoints http =
            HttpEndpoints.start(
                "127.0.0.1", 0, () -> new HttpEndpoints.Health(true, Map.of()), metrics::scrape)) {
      metrics.registry().counter(KeycastMetrics.name("test.requests")).increment();
      HttpResponse<String> r = get(http.port(), "/metrics");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
      assertThat(r.body())
          .contains("keycast_test_requests_total 1.0")
          .contains("jvm_memory_used_bytes");
    }
  }

  @Test
  void start_portInUse_throwsUsageException() {
    try (HttpEndpoints first =
        HttpEndpoints.start(
            "127.0.0.1", 0, () -> new HttpEndpoints.Health(true, Map.of()), () -> "")) {
      assertThatThrownBy(
              () ->
                  HttpEndpoints.start(
                      "127.0.0.1",
                      first.port(),
                      () -> new HttpEndpoints.Health(true, Map.of()),
                      () -> ""))
          .isInstanceOf(UsageException.class)
          .hasMessageContaining("already in use")
          .hasMessageContaining("--http-port");
    }
  }

  @Test
  void adminRoute_wrongTokens_429AfterTheBudget_anotherAddressIsStillServed(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path home) throws Exception {
    AdminToken.createIfMissing(home);
    String token = AdminToken.load(home).value();
    // a second client whose connections come from 127.0.0.2 (all of 127/8 is loopback on Linux)
    HttpClient other =
        HttpClient.newBuilder().localAddress(java.net.InetAddress.getByName("127.0.0.2")).build();
    try (KeycastMetrics metrics = KeycastMetrics.create();
        HttpEndpoints http =
            HttpEndpoints.start(
                "127.0.0.1", 0, () -> new HttpEndpoints.Health(true, Map.of()), metrics::scrape)) {
      http.addAdminRoute(
          "/api/v1/echo",
          AdminToken.watching(home),
          (method, path, query, body) ->
              new HttpEndpoints.AdminResponse(200, Map.of("path", path)));
      http.addAdminRoute(
          "/api/v1/other",
          AdminToken.watching(home),
          (method, path, query, body) -> new HttpEndpoints.AdminResponse(200, Map.of()));
      URI uri = URI.create("http://127.0.0.1:" + http.port() + "/api/v1/echo");
      HttpRequest wrong =
          HttpRequest.newBuilder(uri).header("Authorization", "Bearer nope").build();
      HttpRequest right =
          HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).build();

      for (int i = 0; i < SignInLimiter.BEARER_FAILURES_PER_MINUTE; i++) {
        assertThat(send(wrong).statusCode()).as("wrong token %d", i).isEqualTo(401);
      }
      HttpResponse<String> r = send(wrong);
      assertThat(r.statusCode()).isEqualTo(429);
      assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
      assertThat(r.headers().firstValue("Retry-After"))
          .hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isBetween(1L, 60L));
      com.fasterxml.jackson.databind.JsonNode j =
          new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
      assertThat(j.get("error").asText()).contains("too many wrong admin tokens");
      assertThat(j.get("retry_after_s").asLong()).isPositive();
      // the address is refused whatever it sends, on every admin route, until it refills
      assertThat(send(right).statusCode()).isEqualTo(429);
      assertThat(
              send(HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + http.port() + "/api/v1/other"))
                      .header("Authorization", "Bearer " + token)
                      .build())
                  .statusCode())
          .isEqualTo(429);
      // another address with the right token is served; health is not an admin route
      HttpResponse<String> fromOther = other.send(right, HttpResponse.BodyHandlers.ofString());
      assertThat(fromOther.statusCode()).as(fromOther.body()).isEqualTo(200);
      assertThat(other.send(wrong, HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(401);
      assertThat(get(http.port(), "/health").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void adminRoute_401WithoutTheToken_jsonWithIt_mutationsNeedJson_rotationTakesEffect(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path home) throws Exception {
    AdminToken.createIfMissing(home);
    String token = AdminToken.load(home).value();
    try (KeycastMetrics metrics = KeycastMetrics.create();
        HttpEndpoints http =
            HttpEndpoints.start(
                "127.0.0.1", 0, () -> new HttpEndpoints.Health(true, Map.of()), metrics::scrape)) {
      http.addAdminRoute(
          "/api/v1/echo",
          AdminToken.watching(home),
          (method, path, query, body) ->
              new HttpEndpoints.AdminResponse(
                  200, Map.of("method", method, "path", path, "body", new String(body))));
      URI uri = URI.create("http://127.0.0.1:" + http.port() + "/api/v1/echo/x");

      HttpResponse<String> r = get(http.port(), "/api/v1/echo/x");
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"keycast\"");
      assertThat(r.body()).contains("unauthorized");
      r = send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer wrong").build());
      assertThat(r.statusCode()).isEqualTo(401);

      r = send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).build());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
      assertThat(r.body()).contains("\"path\":\"/api/v1/echo/x\"");

      // a form post (what a cross-site page can send without a preflight) is refused
      r =
          send(
              HttpRequest.newBuilder(uri)
                  .header("Authorization", "Bearer " + token)
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString("a=1"))
                  .build());
      assertThat(r.statusCode()).isEqualTo(415);
      r =
          send(
              HttpRequest.newBuilder(uri)
                  .header("Authorization", "Bearer " + token)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{}"))
                  .build());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("\"method\":\"POST\"");
      // a JSON mutation from a page on another origin is refused; the same origin passes
      r =
          send(
              HttpRequest.newBuilder(uri)
                  .header("Authorization", "Bearer " + token)
                  .header("Content-Type", "application/json")
                  .header("Origin", "https://evil.example")
                  .POST(HttpRequest.BodyPublishers.ofString("{}"))
                  .build());
      assertThat(r.statusCode()).isEqualTo(403);
      assertThat(r.body()).contains("cross-origin");
      r =
          send(
              HttpRequest.newBuilder(uri)
                  .header("Authorization", "Bearer " + token)
                  .header("Content-Type", "application/json")
                  .header("Origin", "http://127.0.0.1:" + http.port())
                  .POST(HttpRequest.BodyPublishers.ofString("{}"))
                  .build());
      assertThat(r.statusCode()).isEqualTo(200);

      // rotation: the old token stops working without a restart
      java.nio.file.attribute.FileTime before =
          java.nio.file.Files.getLastModifiedTime(AdminToken.file(home));
      String fresh = AdminToken.rotate(home).value();
      java.nio.file.Files.setLastModifiedTime(
          AdminToken.file(home),
          java.nio.file.attribute.FileTime.fromMillis(before.toMillis() + 2000));
      r = send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).build());
      assertThat(r.statusCode()).isEqualTo(401);
      r = send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + fresh).build());
      assertThat(r.statusCode()).isEqualTo(200);
    }
  }

  private HttpResponse<String> send(HttpRequest request) throws Exception {
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
