package dev.keycast.cli.internal;

import dev.keycast.nip46.server.TaskSnapshot;
import dev.keycast.queue.StuckTask;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the web console needs beyond the admin API: the console's files ({@link ConsolePage}),
 * {@code GET /api/v1/stats} (the live chart figures of {@link ConsoleStats}) and {@code GET
 * /api/v1/tasks} (the task view, issue 14 item 5), both behind the admin token.
 *
 * <p>Thread-safe; never blocks.
 */
public final class ConsoleRoutes {
  private ConsoleRoutes() {}

  /**
   * Serves the console and its two routes.
   *
   * @param http the running endpoints
   * @param token the current admin token
   * @param stats the sampled figures
   * @param tasks the bunker's task view
   */
  public static void register(
      HttpEndpoints http,
      Supplier<AdminToken> token,
      ConsoleStats stats,
      Supplier<TaskSnapshot> tasks) {
    http.addPage(ConsolePage.PATH, new ConsolePage());
    http.addAdminRoute(
        "/api/v1/stats",
        token,
        (method, path, body) -> {
          if (!method.equals("GET") && !method.equals("HEAD")) {
            return new HttpEndpoints.AdminResponse(405, Map.of("error", "use GET"));
          }
          return new HttpEndpoints.AdminResponse(200, stats.recent());
        });
    http.addAdminRoute(
        "/api/v1/tasks",
        token,
        (method, path, body) -> {
          if (!method.equals("GET") && !method.equals("HEAD")) {
            return new HttpEndpoints.AdminResponse(405, Map.of("error", "use GET"));
          }
          return new HttpEndpoints.AdminResponse(200, toJson(tasks.get()));
        });
  }

  /** The JSON shape of the task view. */
  static Map<String, Object> toJson(TaskSnapshot s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("at", s.at().toString());
    Map<String, Object> q = new LinkedHashMap<>();
    q.put("depth", s.queue().depth());
    q.put("capacity", s.queue().capacity());
    q.put("pending_approval", s.queue().pendingApproval());
    m.put("queue", q);
    m.put("workers", pool(s.workers()));
    m.put("cpu_pool", pool(s.cpuPool()));
    m.put(
        "tasks",
        s.tasks().stream()
            .map(
                t -> {
                  Map<String, Object> j = new LinkedHashMap<>();
                  j.put("id", t.id());
                  j.put("request_id", t.requestId());
                  j.put("method", t.method());
                  j.put("client", t.client());
                  j.put("stage", t.stage().wireName());
                  j.put("age_ms", t.ageNanos() / 1_000_000);
                  j.put("cpu_ms", t.cpuNanos() / 1e6);
                  j.put("thread", t.thread());
                  return j;
                })
            .toList());
    m.put("stuck", s.stuck().stream().map(ConsoleRoutes::stuck).toList());
    return m;
  }

  private static Map<String, Object> pool(TaskSnapshot.Pool p) {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("busy", p.busy());
    j.put("total", p.total());
    j.put("utilization", p.utilization());
    return j;
  }

  private static Map<String, Object> stuck(StuckTask t) {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("task", t.taskName());
    j.put("pool", t.poolName());
    j.put("thread", t.threadName());
    j.put("running_ms", t.runningFor().toMillis());
    j.put("stack", t.stackTrace().stream().map(String::valueOf).toList());
    return j;
  }
}
