package dev.keycast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keycast policies create|list|show|delete} and {@code authorize --policy NAME}. */
class PoliciesCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path home;
  private Cli cli;

  @BeforeEach
  void setUp() {
    cli = new Cli(home);
    ok("init");
  }

  private Cli.Result ok(String... args) {
    Cli.Result r = cli.run(args);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return r;
  }

  private Cli.Result fails(String messagePart, String... args) {
    Cli.Result r = cli.run(args);
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).as(r.toString()).startsWith("keycast: ").contains(messagePart);
    return r;
  }

  private JsonNode json(Cli.Result r) throws Exception {
    return JSON.readTree(r.out());
  }

  @Test
  void create_show_list_delete_roundTrip() throws Exception {
    ok(
        "policies",
        "create",
        "notes-only",
        "--allow",
        "sign_event:1,sign_event:7",
        "--allow",
        "nip44_encrypt",
        "--rate-limit",
        "30/min",
        "--max-future",
        "2m",
        "--max-past",
        "1d");
    JsonNode p = json(ok("policies", "show", "notes-only", "--json"));
    assertThat(p.get("name").asText()).isEqualTo("notes-only");
    assertThat(p.get("built_in").asBoolean()).isFalse();
    assertThat(p.get("allow").toString()).contains("sign_event:1", "sign_event:7", "nip44_encrypt");
    assertThat(p.get("rate_limit").get("max").asInt()).isEqualTo(30);
    assertThat(p.get("rate_limit").get("window_s").asInt()).isEqualTo(60);
    assertThat(p.get("max_future_s").asLong()).isEqualTo(120);
    assertThat(p.get("max_past_s").asLong()).isEqualTo(86_400);

    JsonNode list = json(ok("policies", "list", "--json"));
    assertThat(list.findValuesAsText("name"))
        .containsExactly("full", "readonly", "social", "notes-only");
    assertThat(ok("policies", "list").out())
        .contains(
            "notes-only: allow nip44_encrypt,sign_event:1,sign_event:7, rate 30/min, max future 2m, max past 1d");

    ok("keys", "generate", "--name", "alice");
    JsonNode a =
        json(
            ok(
                "authorize",
                "--key",
                "alice",
                "--relay",
                "ws://h:1",
                "--policy",
                "notes-only",
                "--json"));
    assertThat(json(ok("authorizations", "list", "--json")).get(0).get("policy").asText())
        .isEqualTo("notes-only");
    fails("used by 1", "policies", "delete", "notes-only");
    ok("authorizations", "revoke", a.get("id").asText());
    // a revoked authorization still names the policy: deleting it stays refused
    fails("used by", "policies", "delete", "notes-only");
  }

  @Test
  void defaults_maxFutureTenMinutes_noPastBound_nothingAllowed() throws Exception {
    ok("policies", "create", "bare", "--json");
    JsonNode p = json(ok("policies", "show", "bare", "--json"));
    assertThat(p.get("allow").size()).isZero();
    assertThat(p.get("max_future_s").asLong()).isEqualTo(600);
    assertThat(p.get("max_past_s").isNull()).isTrue();
    assertThat(json(ok("policies", "show", "social", "--json")).get("max_future_s").asLong())
        .isEqualTo(600);
    ok("policies", "delete", "bare");
    fails("unknown policy", "policies", "show", "bare");
  }

  @Test
  void badInput_exit64_withClearMessages() {
    fails("--allow", "policies", "create", "x", "--allow", "sign_everything");
    fails("--rate-limit", "policies", "create", "x", "--rate-limit", "lots");
    fails("--rate-limit", "policies", "create", "x", "--rate-limit", "0/min");
    fails("--max-future", "policies", "create", "x", "--max-future", "soon");
    fails("--max-past", "policies", "create", "x", "--max-past", "0s");
    fails("policy name", "policies", "create", "Bad Name");
    fails("built-in", "policies", "create", "social");
    fails("built-in", "policies", "delete", "full");
    fails("unknown policy", "policies", "delete", "nope");
    ok("policies", "create", "x");
    fails("already exists", "policies", "create", "x", "--allow", "sign_event");
    ok("policies", "create", "x", "--allow", "sign_event", "--replace");
  }

  @Test
  void ask_savedShownAndUsableWithKinds() throws Exception {
    fails(
        "--ask: unknown permission 'sign_everything'",
        "policies",
        "create",
        "a",
        "--ask",
        "sign_everything");
    Cli.Result created =
        ok(
            "policies",
            "create",
            "asking",
            "--allow",
            "sign_event:1",
            "--ask",
            "sign_event:0,nip44_decrypt");
    assertThat(created.out()).contains("ask nip44_decrypt,sign_event:0");
    JsonNode p = json(ok("policies", "show", "asking", "--json"));
    assertThat(p.get("ask").toString()).contains("sign_event:0").contains("nip44_decrypt");
    assertThat(json(ok("policies", "show", "social", "--json")).get("ask").size()).isZero();
    assertThat(ok("policies", "show", "asking").out())
        .contains("ask:          nip44_decrypt,sign_event:0");
    ok("keys", "generate", "--name", "alice");
    // --kinds may narrow to a kind the policy only asks about; the narrowed policy still asks
    ok(
        "authorize",
        "--key",
        "alice",
        "--relay",
        "ws://127.0.0.1:9",
        "--policy",
        "asking",
        "--kinds",
        "0");
    JsonNode narrowed = json(ok("policies", "show", "asking.kinds.0", "--json"));
    assertThat(narrowed.get("allow").size()).isZero();
    assertThat(narrowed.get("ask").toString()).isEqualTo("[\"nip44_decrypt\",\"sign_event:0\"]");
  }
}
