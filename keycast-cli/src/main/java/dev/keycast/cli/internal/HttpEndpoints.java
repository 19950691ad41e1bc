package dev.keycast.cli.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.keycast.cli.UsageException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's HTTP endpoints on the JDK server, one virtual thread per exchange: {@code GET
 * /health} (200 or 503 with a JSON body) and {@code GET /metrics} (Prometheus text). Nothing else
 * is served (404); other methods get 405.
 *
 * <p>Thread-safe. The suppliers are called on virtual threads, concurrently; they must not block
 * for long.
 */
public final class HttpEndpoints implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpEndpoints.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The outcome of a health check.
   *
   * @param healthy whether the daemon can serve requests (at least one relay connected and the
   *     database answers)
   * @param details the JSON body: relays, database, queue; when unhealthy it includes a {@code
   *     reason}
   */
  public record Health(boolean healthy, Map<String, Object> details) {
    /** Copies {@code details}. */
    public Health {
      details = new LinkedHashMap<>(details);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;

  private HttpEndpoints(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Binds and starts the server.
   *
   * @param host the address to bind ({@code 127.0.0.1} keeps it local)
   * @param port the TCP port, 0 for an ephemeral one
   * @param health computes the health report per request
   * @param metrics renders the Prometheus text exposition per request
   * @return the running endpoints
   * @throws UsageException if the port is in use or the host cannot be bound
   */
  public static HttpEndpoints start(
      String host, int port, Supplier<Health> health, Supplier<String> metrics) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 64);
    } catch (BindException e) {
      throw new UsageException(
          "HTTP address "
              + host
              + ":"
              + port
              + " is already in use or cannot be bound; choose another with --http-port / --http-host",
          e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the HTTP server on " + host + ":" + port, e);
    }
    ExecutorService executor =
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("http-", 0).factory());
    server.setExecutor(executor);
    server.createContext(
        "/health",
        ex ->
            serve(
                ex,
                () -> {
                  Health h = health.get();
                  return new Response(
                      h.healthy() ? 200 : 503,
                      "application/json",
                      JSON.writeValueAsString(h.details()));
                }));
    server.createContext(
        "/metrics",
        ex ->
            serve(
                ex,
                () ->
                    new Response(200, "text/plain; version=0.0.4; charset=utf-8", metrics.get())));
    server.createContext(
        "/",
        ex ->
            serve(
                ex, () -> new Response(404, "text/plain", "not found: try /health or /metrics\n")));
    server.start();
    return new HttpEndpoints(server, executor);
  }

  /** Returns the bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Stops accepting connections and waits up to one second for exchanges in progress. */
  @Override
  public void close() {
    server.stop(1);
    executor.shutdownNow();
  }

  private record Response(int status, String contentType, String body) {}

  private interface ResponseSupplier {
    Response get() throws Exception;
  }

  private static void serve(HttpExchange ex, ResponseSupplier supplier) throws IOException {
    try (ex) {
      Response r;
      String path = ex.getRequestURI().getPath();
      if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
        r = new Response(405, "text/plain", "method not allowed\n");
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
      } else if (!path.equals(ex.getHttpContext().getPath())
          && !ex.getHttpContext().getPath().equals("/")) {
        r = new Response(404, "text/plain", "not found\n");
      } else {
        try {
          r = supplier.get();
        } catch (Exception | LinkageError e) {
          log.warn("HTTP {} failed: {}", path, e.toString());
          r = new Response(500, "text/plain", "internal error\n");
        }
      }
      byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", r.contentType());
      ex.getResponseHeaders().set("Cache-Control", "no-store");
      boolean head = "HEAD".equals(ex.getRequestMethod());
      ex.sendResponseHeaders(r.status(), head ? -1 : body.length == 0 ? -1 : body.length);
      if (!head && body.length > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }
}
