package dev.keycast.cli.internal;

import java.util.Map;
import java.util.function.Supplier;

/**
 * What the web console needs beyond the admin API: the console's files ({@link ConsolePage}) and
 * {@code GET /api/v1/stats} (the live chart figures of {@link ConsoleStats}), behind the admin
 * token. The task view it shows is the admin API's {@code GET /api/v1/tasks}.
 *
 * <p>Thread-safe; never blocks.
 */
public final class ConsoleRoutes {
  private ConsoleRoutes() {}

  /**
   * Serves the console and its stats route.
   *
   * @param http the running endpoints
   * @param token the current admin token
   * @param stats the sampled figures
   */
  public static void register(HttpEndpoints http, Supplier<AdminToken> token, ConsoleStats stats) {
    http.addPage(ConsolePage.PATH, new ConsolePage());
    http.addAdminRoute(
        "/api/v1/stats",
        token,
        (method, path, query, body) -> {
          if (!method.equals("GET") && !method.equals("HEAD")) {
            return new HttpEndpoints.AdminResponse(405, Map.of("error", "use GET"));
          }
          return new HttpEndpoints.AdminResponse(200, stats.recent());
        });
  }
}
