package dev.keycast.cli;

import dev.keycast.cli.internal.Json;
import dev.keycast.cli.internal.PolicyText;
import dev.keycast.nip46.policy.Policies;
import dev.keycast.nip46.policy.Policy;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.store.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code keycast policies create|list|show|delete}: named policies in the database, which {@code
 * authorize --policy NAME} and a running daemon use (the daemon picks up changes through the
 * store's change version). Built-in policies ({@code full}, {@code social}, {@code readonly}) are
 * listed and shown but cannot be replaced or deleted.
 */
@Command(
    name = "policies",
    mixinStandardHelpOptions = true,
    description = "Named policies: what an authorization lets its clients do.",
    subcommands = {
      PoliciesCommand.Create.class,
      PoliciesCommand.ListPolicies.class,
      PoliciesCommand.Show.class,
      PoliciesCommand.Delete.class
    })
public final class PoliciesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** Creates the command. */
  public PoliciesCommand() {}

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  /** {@code policies create NAME …}. */
  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      showDefaultValues = true,
      description = "Creates a named policy (refuses an existing name unless --replace).")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions store = new StoreOptions();

    @Parameters(index = "0", paramLabel = "NAME", description = "1 to 64 of [a-z0-9._-].")
    String name;

    @Option(
        names = "--allow",
        paramLabel = "PERMS",
        description =
            "Allowed operations in NIP-46 syntax, comma-separated and repeatable: sign_event"
                + " (every kind), sign_event:KIND, nip04_encrypt, nip04_decrypt, nip44_encrypt,"
                + " nip44_decrypt. connect, ping, get_public_key, switch_relays and logout are"
                + " always allowed.")
    List<String> allow = new ArrayList<>();

    @Option(
        names = "--ask",
        paramLabel = "PERMS",
        description =
            "Operations allowed only once a human approves each request (same syntax as --allow):"
                + " the client is answered with a NIP-46 auth_url to the daemon's approval page"
                + " (serve --public-url). --allow wins where both list an operation.")
    List<String> ask = new ArrayList<>();

    @Option(
        names = "--rate-limit",
        paramLabel = "N/min",
        defaultValue = "120/min",
        description = "Requests per client: N/s, N/min or N/h (N alone is per minute).")
    String rateLimit;

    @Option(
        names = "--max-future",
        paramLabel = "DURATION",
        defaultValue = "10m",
        description =
            "sign_event refuses a created_at further ahead than this (e.g. 10m, 1h; 0 for none).")
    String maxFuture;

    @Option(
        names = "--max-past",
        paramLabel = "DURATION",
        description = "sign_event refuses a created_at further back than this (default: no bound).")
    @Nullable String maxPast;

    @Option(
        names = "--blocked-word",
        paramLabel = "WORD",
        description = "Refuse content or plaintext containing it (case-insensitive); repeatable.")
    List<String> blockedWords = new ArrayList<>();

    @Option(
        names = "--self-encryption-only",
        description = "Encrypt and decrypt only with the user's own key as peer.")
    boolean selfOnly;

    @Option(names = "--replace", description = "Replace a custom policy of the same name.")
    boolean replace;

    @Option(names = "--json", description = "Print the policy as JSON.")
    boolean json;

    @Override
    public Integer call() throws IOException {
      Policy policy =
          PolicyText.build(
              name,
              String.join(",", allow),
              String.join(",", ask),
              rateLimit,
              maxFuture,
              maxPast,
              blockedWords,
              selfOnly);
      if (Policies.builtIn(name).isPresent()) {
        throw new UsageException("'" + name + "' is a built-in policy; choose another name");
      }
      try (KeycastDatabase db = store.open(Globals.home(spec))) {
        if (!replace && db.policies().find(name).isPresent()) {
          throw new UsageException(
              "policy '" + name + "' already exists; add --replace to replace it");
        }
        db.policies().save(policy);
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(Json.write(PolicyText.toJson(policy, false)));
      } else {
        out.println("Saved policy '" + name + "': " + PolicyText.summary(policy));
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  /** {@code policies list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists the built-in and custom policies.")
  static final class ListPolicies implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions store = new StoreOptions();

    @Option(names = "--json", description = "Print a JSON array.")
    boolean json;

    @Override
    public Integer call() throws IOException {
      List<Policy> custom;
      try (KeycastDatabase db = store.open(Globals.home(spec))) {
        custom = db.policies().list();
      }
      List<Map<String, Object>> rows = new ArrayList<>();
      Policies.builtIns().values().stream()
          .sorted((a, b) -> a.name().compareTo(b.name()))
          .forEach(p -> rows.add(PolicyText.toJson(p, true)));
      custom.forEach(p -> rows.add(PolicyText.toJson(p, false)));
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(Json.write(rows));
      } else {
        for (Policy p :
            Policies.builtIns().values().stream()
                .sorted((a, b) -> a.name().compareTo(b.name()))
                .toList()) {
          out.println(p.name() + " (built-in): " + PolicyText.summary(p));
        }
        for (Policy p : custom) {
          out.println(p.name() + ": " + PolicyText.summary(p));
        }
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  /** {@code policies show NAME}. */
  @Command(name = "show", mixinStandardHelpOptions = true, description = "Shows one policy.")
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions store = new StoreOptions();

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = "--json", description = "Print a JSON object.")
    boolean json;

    @Override
    public Integer call() throws IOException {
      Policy p;
      try (KeycastDatabase db = store.open(Globals.home(spec))) {
        p =
            db.policies()
                .resolve(name)
                .orElseThrow(
                    () ->
                        new UsageException(
                            "unknown policy '" + name + "' (see keycast policies list)"));
      }
      boolean builtIn = Policies.builtIn(name).isPresent();
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(Json.write(PolicyText.toJson(p, builtIn)));
      } else {
        out.println(p.name() + (builtIn ? " (built-in)" : ""));
        out.println("  allow:        " + (p.permissions().isEmpty() ? "-" : p.permissions()));
        out.println("  ask:          " + (p.askPermissions().isEmpty() ? "-" : p.askPermissions()));
        out.println("  rate limit:   " + PolicyText.rate(p.rateLimit()));
        out.println("  max future:   " + PolicyText.human(p.maxFuture()));
        Duration past = p.maxPast();
        out.println("  max past:     " + (past == null ? "no bound" : PolicyText.human(past)));
        out.println("  self only:    " + p.selfEncryptionOnly());
        out.println("  blocked:      " + p.blockedWords().size() + " word(s)");
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  /** {@code policies delete NAME}. */
  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Deletes a custom policy that no authorization uses.")
  static final class Delete implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions store = new StoreOptions();

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = "--json", description = "Print {\"deleted\": NAME}.")
    boolean json;

    @Override
    public Integer call() throws IOException {
      if (Policies.builtIn(name).isPresent()) {
        throw new UsageException("'" + name + "' is a built-in policy and cannot be deleted");
      }
      try (KeycastDatabase db = store.open(Globals.home(spec))) {
        boolean deleted;
        try {
          deleted = db.policies().delete(name);
        } catch (StoreException e) {
          throw new UsageException(
              Objects.requireNonNullElse(e.getMessage(), "cannot delete") + "; revoke them first",
              e);
        }
        if (!deleted) {
          throw new UsageException("unknown policy '" + name + "' (see keycast policies list)");
        }
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println(json ? Json.write(Map.of("deleted", name)) : "Deleted policy '" + name + "'");
      out.flush();
      return ExitCodes.OK;
    }
  }
}
