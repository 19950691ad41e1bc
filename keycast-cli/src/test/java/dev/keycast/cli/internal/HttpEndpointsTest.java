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
}
