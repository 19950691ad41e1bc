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
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's HTTP endpoints on the JDK server, one virtual thread per exchange: {@code GET
 * /health} (200 or 503 with a JSON body), {@code GET /metrics} (Prometheus text), and the admin
 * routes added with {@link #addAdminRoute} (bearer token). Nothing else is served (404); other
 * methods get 405 on the first two.
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

  /** Wrong bearer tokens per remote address, shared by every admin route. */
  private final SignInLimiter bearerFailures = SignInLimiter.forBearerFailures(System::nanoTime);

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

  /**
   * Serves a page (HTML, forms) under {@code path} and below with a handler of its own, which does
   * its own authentication (the approval page: a session cookie). The handler runs on a virtual
   * thread and must close the exchange.
   *
   * @param path the context path, for example {@code /approve}
   * @param handler the handler
   */
  public void addPage(String path, com.sun.net.httpserver.HttpHandler handler) {
    server.createContext(path, handler);
  }

  // --- control-plane: authenticated admin routes (begin) ---

  /**
   * One route of the admin API under {@code /api/v1/}. Called on a virtual thread after the bearer
   * token was checked; may block on the database.
   */
  @FunctionalInterface
  public interface AdminRoute {
    /**
     * Handles an authenticated request.
     *
     * @param method the HTTP method ({@code GET}, {@code POST}, {@code DELETE}, …)
     * @param path the request path, for example {@code /api/v1/policies/notes}
     * @param query the raw (still percent-encoded) query string, or null
     * @param body the request body (empty for GET), JSON for mutations
     * @return the status and a value serialized as JSON
     * @throws Exception any failure, answered 500 without details
     */
    AdminResponse handle(String method, String path, @Nullable String query, byte[] body)
        throws Exception;
  }

  /**
   * An admin route's answer.
   *
   * @param status the HTTP status
   * @param json the body, serialized with Jackson (maps, lists, records)
   */
  public record AdminResponse(int status, @Nullable Object json) {}

  /**
   * Serves {@code route} under {@code path} (and below) for callers that present the admin token as
   * {@code Authorization: Bearer <token>}; everyone else gets 401 with {@code WWW-Authenticate:
   * Bearer}. Mutations ({@code POST}, {@code PUT}, {@code PATCH}, {@code DELETE}) must carry {@code
   * Content-Type: application/json}: a browser cannot send a cross-site request with that type or
   * with an {@code Authorization} header without a CORS preflight, which this server never grants,
   * so the API is safe against CSRF. As a second line, a mutation whose {@code Origin} header names
   * another host than its {@code Host} header gets 403. Any route can use this, so that every admin
   * route has one authentication. Wrong tokens are rate-limited per remote address ({@link
   * SignInLimiter#forBearerFailures}, shared by every admin route): past the budget the address
   * gets 429 with {@code Retry-After} and a JSON body, whatever token it sends, until it refills.
   *
   * @param path the context path, for example {@code /api/v1/tasks}
   * @param token the current admin token ({@link AdminToken#watching})
   * @param route the handler
   */
  public void addAdminRoute(String path, Supplier<AdminToken> token, AdminRoute route) {
    server.createContext(path, ex -> serveAdmin(ex, token, route));
  }

  private void serveAdmin(HttpExchange ex, Supplier<AdminToken> token, AdminRoute route)
      throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      String address = ex.getRemoteAddress().getAddress().getHostAddress();
      int status;
      @Nullable Object json;
      long blocked = bearerFailures.blockedForSeconds(address);
      if (blocked > 0) {
        // Checked before the token: an address that used up its failures learns nothing more.
        ex.getResponseHeaders().set("Retry-After", Long.toString(blocked));
        status = 429;
        json =
            Map.of(
                "error",
                "too many wrong admin tokens from this address; retry after " + blocked + " s",
                "retry_after_s",
                blocked);
      } else if (!token.get().checkHeader(ex.getRequestHeaders().getFirst("Authorization"))) {
        // Only a presented token is a guess; a request without one (a browser opening the URL) is
        // answered 401 without using the address's budget.
        if (ex.getRequestHeaders().getFirst("Authorization") != null) {
          bearerFailures.recordFailure(address);
          if (bearerFailures.blockedForSeconds(address) > 0) {
            log.warn("admin API: too many wrong tokens from {}; refusing it for a while", address);
          }
        }
        ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"keycast\"");
        status = 401;
        json = Map.of("error", "unauthorized: send Authorization: Bearer <admin token>");
      } else if (!method.equals("GET")
          && !method.equals("HEAD")
          && !String.valueOf(ex.getRequestHeaders().getFirst("Content-Type"))
              .toLowerCase(java.util.Locale.ROOT)
              .startsWith("application/json")) {
        status = 415;
        json = Map.of("error", "mutations need Content-Type: application/json");
      } else if (!method.equals("GET")
          && !method.equals("HEAD")
          && foreignOrigin(
              ex.getRequestHeaders().getFirst("Origin"), ex.getRequestHeaders().getFirst("Host"))) {
        status = 403;
        json = Map.of("error", "cross-origin request refused");
      } else {
        byte[] body = ex.getRequestBody().readNBytes(1 << 20);
        try {
          AdminResponse r =
              route.handle(
                  method, ex.getRequestURI().getPath(), ex.getRequestURI().getRawQuery(), body);
          status = r.status();
          json = r.json();
        } catch (Exception | LinkageError e) {
          log.warn("HTTP {} {} failed: {}", method, ex.getRequestURI().getPath(), e.toString());
          status = 500;
          json = Map.of("error", "internal error");
        }
      }
      byte[] out = json == null ? new byte[0] : JSON.writeValueAsBytes(json);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.getResponseHeaders().set("Cache-Control", "no-store");
      ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
      boolean head = "HEAD".equals(method);
      ex.sendResponseHeaders(status, head || out.length == 0 ? -1 : out.length);
      if (!head && out.length > 0) {
        try (OutputStream os = ex.getResponseBody()) {
          os.write(out);
        }
      }
    }
  }

  /**
   * Whether a request's {@code Origin} names another host and port than its {@code Host}: a page on
   * another site. No {@code Origin} (curl, scripts) is not foreign.
   */
  static boolean foreignOrigin(@Nullable String origin, @Nullable String host) {
    if (origin == null) {
      return false;
    }
    if (host == null || origin.equals("null")) {
      return true;
    }
    int scheme = origin.indexOf("://");
    String authority = scheme < 0 ? origin : origin.substring(scheme + 3);
    return !authority.equalsIgnoreCase(host);
  }

  // --- control-plane: authenticated admin routes (end) ---

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
