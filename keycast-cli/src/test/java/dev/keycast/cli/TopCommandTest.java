package dev.keycast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keycast top} against a real daemon over HTTP, with the token from KEYCAST_HOME. */
class TopCommandTest {
  @TempDir Path home;

  @Test
  void onceJson_printsTheTaskView_onceText_printsTheSummary_errorsAreClear() throws Exception {
    try (DevDaemon d = new DevDaemon(home)) {
      Cli cli = new Cli(home);
      String url = "http://127.0.0.1:" + d.daemon.httpPort();

      Cli.Result json = cli.run("top", "--url", url, "--once", "--json");
      assertThat(json.exitCode()).as(json.toString()).isZero();
      JsonNode view = new ObjectMapper().readTree(json.out());
      assertThat(view.get("queue").get("capacity").asInt()).isEqualTo(256);
      assertThat(view.get("cpu_pool").get("total").asInt()).isEqualTo(2);
      assertThat(view.get("tasks").isArray()).isTrue();
      assertThat(view.get("stuck").isArray()).isTrue();

      Cli.Result text = cli.run("top", "--url", url, "--once", "--sort", "cpu");
      assertThat(text.exitCode()).as(text.toString()).isZero();
      assertThat(text.out())
          .contains("queue    0 / 256")
          .contains("cpu pool 0 / 2 busy")
          .contains("sorted by cpu")
          .contains("STAGE");

      assertThat(cli.run("top", "--url", url, "--sort", "size", "--once").exitCode())
          .isEqualTo(ExitCodes.USAGE);
      assertThat(cli.run("top", "--url", url, "--json").err()).contains("--json needs --once");
      Cli.Result other = new Cli(home.resolve("elsewhere")).run("top", "--url", url, "--once");
      assertThat(other.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(other.err()).contains("no admin token");
    }
  }
}
