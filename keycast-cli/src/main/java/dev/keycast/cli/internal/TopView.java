package dev.keycast.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Renders {@code GET /api/v1/tasks} as {@code keycast top}'s screen: a summary of the queue, the
 * workers, the CPU pool and stuck tasks, then one line per request in flight, sorted by age or CPU
 * time (largest first), cut to a number of rows. Strings from the daemon are escaped ({@link
 * TerminalText}) so they cannot drive the terminal.
 *
 * <p>Thread-safe (stateless).
 */
public final class TopView {
  /** How {@code keycast top} orders the requests. */
  public enum Sort {
    /** Oldest first. */
    AGE,
    /** Most CPU-pool time first. */
    CPU
  }

  private TopView() {}

  /**
   * Renders one screen.
   *
   * @param tasks the JSON of {@code GET /api/v1/tasks}
   * @param sort the order of the request lines
   * @param rows at most this many request lines
   * @return the text, lines ending with a newline
   */
  public static String render(JsonNode tasks, Sort sort, int rows) {
    StringBuilder sb = new StringBuilder();
    JsonNode q = tasks.path("queue");
    JsonNode w = tasks.path("workers");
    JsonNode c = tasks.path("cpu_pool");
    sb.append(
        String.format(
            Locale.ROOT,
            "keycast top  %s  sorted by %s%n",
            TerminalText.escape(tasks.path("at").asText("")),
            sort.name().toLowerCase(Locale.ROOT)));
    sb.append(
        String.format(
            Locale.ROOT,
            "queue    %d / %d (%.0f%%)  awaiting approval %d%n",
            q.path("depth").asInt(),
            q.path("capacity").asInt(),
            q.path("fill").asDouble() * 100,
            q.path("pending_approval").asInt()));
    sb.append(pool("workers ", w)).append(pool("cpu pool", c));
    sb.append(
        String.format(
            Locale.ROOT,
            "tasks    %d in flight, %d stuck%n%n",
            tasks.path("tasks").size(),
            tasks.path("stuck").size()));
    sb.append(
        String.format(
            Locale.ROOT,
            "%-16s %-15s %-17s %9s %8s  %s%n",
            "ID",
            "METHOD",
            "STAGE",
            "AGE_MS",
            "CPU_MS",
            "THREAD"));
    List<JsonNode> list = new ArrayList<>();
    tasks.path("tasks").forEach(list::add);
    Comparator<JsonNode> order =
        sort == Sort.CPU
            ? Comparator.comparingDouble((JsonNode t) -> t.path("cpu_ms").asDouble())
            : Comparator.comparingLong((JsonNode t) -> t.path("age_ms").asLong());
    list.sort(order.reversed());
    for (JsonNode t : list.subList(0, Math.min(rows, list.size()))) {
      String id = t.path("id").asText("");
      sb.append(
          String.format(
              Locale.ROOT,
              "%-16s %-15s %-17s %9d %8.1f  %s%n",
              TerminalText.escape(id.length() > 16 ? id.substring(0, 16) : id),
              TerminalText.escape(t.path("method").asText("-")),
              TerminalText.escape(t.path("stage").asText("")),
              t.path("age_ms").asLong(),
              t.path("cpu_ms").asDouble(),
              TerminalText.escape(t.path("thread").asText("-"))));
    }
    for (JsonNode s : tasks.path("stuck")) {
      sb.append(
          String.format(
              Locale.ROOT,
              "STUCK %s on %s for %d ms%n",
              TerminalText.escape(s.path("task").asText("")),
              TerminalText.escape(s.path("thread").asText("")),
              s.path("running_ms").asLong()));
    }
    return sb.toString();
  }

  private static String pool(String label, JsonNode p) {
    return String.format(
        Locale.ROOT,
        "%s %d / %d busy, %.1f%% utilized since start%n",
        label,
        p.path("busy").asInt(),
        p.path("total").asInt(),
        p.path("utilization").asDouble() * 100);
  }
}
