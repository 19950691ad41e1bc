package dev.keycast.cli;

import dev.keycast.cli.internal.BunkerUris;
import dev.keycast.cli.internal.CliPolicies;
import dev.keycast.cli.internal.Durations;
import dev.keycast.cli.internal.Json;
import dev.keycast.cli.internal.Relays;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.store.NewAuthorization;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keycast authorize}: creates an authorization for a key and prints its {@code bunker://}
 * URI.
 */
@Command(
    name = "authorize",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description =
        "Creates an authorization (a bunker identity with its own key and a connection secret) for a user "
            + "key and prints its bunker:// URI for the client app.")
public final class AuthorizeCommand implements Callable<Integer> {
  private static final Duration DAEMON_WAIT = Duration.ofSeconds(5);

  @Spec CommandSpec spec;
  @Mixin StoreOptions store = new StoreOptions();

  @Option(
      names = "--key",
      required = true,
      paramLabel = "NAME",
      description = "The user key clients will sign with.")
  String key;

  @Option(
      names = "--relay",
      paramLabel = "URL",
      split = ",",
      defaultValue = "${env:KEYCAST_RELAYS}",
      showDefaultValue = CommandLine.Help.Visibility.NEVER,
      description =
          "Relay for this authorization, repeatable (env KEYCAST_RELAYS, comma-separated).")
  List<String> relays = new ArrayList<>();

  @Option(
      names = "--policy",
      paramLabel = "NAME",
      defaultValue = "social",
      description = "Named policy: " + CliPolicies.NAMES + ".")
  String policy;

  @Option(
      names = "--kinds",
      paramLabel = "K,…",
      split = ",",
      description = "Restrict sign_event to these event kinds (within the policy).")
  @Nullable List<Integer> kinds;

  @Option(
      names = "--max-uses",
      paramLabel = "N",
      defaultValue = "1",
      description = "How many client connections the secret admits; 0 for unlimited.")
  int maxUses;

  @Option(
      names = "--expires-in",
      paramLabel = "DURATION",
      description = "Expiry, e.g. 30d, 12h, 90m.")
  @Nullable String expiresIn;

  @Option(
      names = "--label",
      paramLabel = "TEXT",
      description = "A note for yourself (shown by authorizations list).")
  @Nullable String label;

  @Option(
      names = "--json",
      description = "Print {\"id\",\"bunker_uri\",\"bunker_pubkey\",\"user_pubkey\"}.")
  boolean json;

  /** Creates the command. */
  public AuthorizeCommand() {}

  @Override
  public Integer call() throws IOException {
    return run();
  }

  /**
   * Waits (at most {@link #DAEMON_WAIT}) until every live daemon on this database has the new
   * authorization's subscription in place (its {@code applied_version} in {@code cluster_members}
   * reached {@code version}), so that a {@code connect} sent the moment this command returns is
   * answered (kind 24133 is not stored by relays). Warns on stderr if one has not.
   */
  private void awaitDaemons(KeycastDatabase db, long version) {
    long end = System.nanoTime() + DAEMON_WAIT.toNanos();
    List<String> behind = List.of();
    while (true) {
      behind =
          db.cluster().members().stream()
              .filter(m -> m.live() && m.appliedVersion() < version)
              .map(m -> m.instanceId())
              .toList();
      if (behind.isEmpty() || System.nanoTime() - end > 0) {
        break;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (!behind.isEmpty()) {
      PrintWriter err = spec.commandLine().getErr();
      err.println(
          "keycast: warning: running daemon(s) "
              + String.join(", ", behind)
              + " did not pick up the new authorization within "
              + DAEMON_WAIT.toSeconds()
              + " s; a connect sent right now may go unanswered (retry it)");
      err.flush();
    }
  }

  private Integer run() throws IOException {
    List<String> relayList = Relays.normalize(relays);
    if (relayList.isEmpty()) {
      throw new UsageException("give at least one --relay URL (or KEYCAST_RELAYS)");
    }
    if (maxUses < 0) {
      throw new UsageException("--max-uses must be 0 (unlimited) or more, was " + maxUses);
    }
    Instant expiresAt = null;
    if (expiresIn != null) {
      Duration d;
      try {
        d = Durations.parse(expiresIn);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--expires-in: " + e.getMessage(), e);
      }
      expiresAt = Instant.now().plus(d);
    }
    try (KeycastDatabase db = store.open(Globals.home(spec))) {
      if (db.keys().find(key).isEmpty()) {
        throw new UsageException("unknown key '" + key + "' (see keycast keys list)");
      }
      String policyName = CliPolicies.forAuthorization(db.policies(), policy, kinds);
      NewAuthorization request;
      try {
        request =
            NewAuthorization.builder(key)
                .relays(relayList)
                .policyName(policyName)
                .maxUses(maxUses == 0 ? null : maxUses)
                .expiresAt(expiresAt)
                .label(label)
                .build();
      } catch (IllegalArgumentException e) {
        throw new UsageException(Objects.requireNonNullElse(e.getMessage(), e.toString()), e);
      }
      Authorization a = db.authorizations().create(request);
      awaitDaemons(db, db.changeVersion());
      print(spec.commandLine().getOut(), json, a);
    }
    return ExitCodes.OK;
  }

  static void print(PrintWriter out, boolean json, Authorization a) throws IOException {
    String uri = BunkerUris.of(a);
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", a.id());
      m.put("bunker_uri", uri);
      m.put("bunker_pubkey", a.bunkerPublicKey().toHex());
      m.put("user_pubkey", a.userPublicKey().toHex());
      out.println(Json.write(m));
    } else {
      out.println(
          "Authorization "
              + a.id()
              + " for key '"
              + a.keyName()
              + "' (policy "
              + a.policyName()
              + (a.maxUses() == null
                  ? ", unlimited connections"
                  : ", " + a.maxUses() + " connection(s)")
              + (a.expiresAt() == null ? "" : ", expires " + a.expiresAt())
              + ")");
      out.println(uri);
    }
    out.flush();
  }
}
