package dev.keycast.cli;

import dev.keycast.cli.internal.Durations;
import dev.keycast.cli.internal.Json;
import dev.keycast.nip46.Nip46Method;
import dev.keycast.nip46.NostrFormatException;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.policy.Policies;
import dev.keycast.nip46.policy.Policy;
import dev.keycast.nip46.policy.RateLimit;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.store.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
  private static final Pattern RATE = Pattern.compile("(\\d{1,9})\\s*(?:/\\s*(s|sec|min|m|h))?");

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
      Policy policy;
      try {
        policy =
            Policy.builder(name)
                .permissions(parsePerms("--allow", String.join(",", allow)))
                .ask(parsePerms("--ask", String.join(",", ask)))
                .rateLimit(parseRate(rateLimit))
                .maxFuture(
                    maxFuture.strip().equals("0")
                        ? Duration.ZERO
                        : duration("--max-future", maxFuture))
                .maxPast(maxPast == null ? null : duration("--max-past", maxPast))
                .blockedWords(blockedWords)
                .selfEncryptionOnly(selfOnly)
                .build();
      } catch (IllegalArgumentException e) {
        throw new UsageException(Objects.requireNonNullElse(e.getMessage(), e.toString()), e);
      }
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
        out.println(Json.write(toJson(policy, false)));
      } else {
        out.println("Saved policy '" + name + "': " + summary(policy));
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
          .forEach(p -> rows.add(toJson(p, true)));
      custom.forEach(p -> rows.add(toJson(p, false)));
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(Json.write(rows));
      } else {
        for (Policy p :
            Policies.builtIns().values().stream()
                .sorted((a, b) -> a.name().compareTo(b.name()))
                .toList()) {
          out.println(p.name() + " (built-in): " + summary(p));
        }
        for (Policy p : custom) {
          out.println(p.name() + ": " + summary(p));
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
        out.println(Json.write(toJson(p, builtIn)));
      } else {
        out.println(p.name() + (builtIn ? " (built-in)" : ""));
        out.println("  allow:        " + (p.permissions().isEmpty() ? "-" : p.permissions()));
        out.println("  ask:          " + (p.askPermissions().isEmpty() ? "-" : p.askPermissions()));
        out.println("  rate limit:   " + rate(p.rateLimit()));
        out.println("  max future:   " + human(p.maxFuture()));
        Duration past = p.maxPast();
        out.println("  max past:     " + (past == null ? "no bound" : human(past)));
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

  static PermissionSet parsePerms(String perms) {
    return parsePerms("--allow", perms);
  }

  static PermissionSet parsePerms(String option, String perms) {
    if (perms.isBlank()) {
      return PermissionSet.empty();
    }
    // PermissionSet.parse drops unknown methods (clients send them); an operator's typo is an error
    for (String raw : perms.split(",", -1)) {
      String entry = raw.strip();
      int colon = entry.indexOf(':');
      String method = colon < 0 ? entry : entry.substring(0, colon).strip();
      if (!entry.isEmpty() && Nip46Method.fromWireName(method).isEmpty()) {
        throw new UsageException(
            option
                + ": unknown permission '"
                + method
                + "' (use sign_event, sign_event:KIND, nip04_encrypt, nip04_decrypt, nip44_encrypt,"
                + " nip44_decrypt)");
      }
    }
    try {
      return PermissionSet.parse(perms);
    } catch (NostrFormatException e) {
      throw new UsageException(option + ": " + e.getMessage(), e);
    }
  }

  static RateLimit parseRate(String text) {
    Matcher m = RATE.matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!m.matches() || Long.parseLong(m.group(1)) < 1) {
      throw new UsageException("--rate-limit: expected N/s, N/min or N/h with N >= 1, got " + text);
    }
    int n = Integer.parseInt(m.group(1));
    String unit = m.group(2) == null ? "min" : m.group(2);
    Duration window =
        switch (unit) {
          case "s", "sec" -> Duration.ofSeconds(1);
          case "h" -> Duration.ofHours(1);
          default -> Duration.ofMinutes(1);
        };
    return new RateLimit(n, window);
  }

  private static Duration duration(String option, String text) {
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + ": " + e.getMessage(), e);
    }
  }

  private static String rate(RateLimit r) {
    return r.maxRequests()
        + "/"
        + (r.window().equals(Duration.ofMinutes(1)) ? "min" : human(r.window()));
  }

  /** {@code 10m}, {@code 1d}, {@code 90s}: the largest unit that divides the duration. */
  static String human(Duration d) {
    long s = d.toSeconds();
    if (s == 0) {
      return "0";
    }
    if (s % 86_400 == 0) {
      return s / 86_400 + "d";
    }
    if (s % 3_600 == 0) {
      return s / 3_600 + "h";
    }
    if (s % 60 == 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }

  private static String summary(Policy p) {
    Duration past = p.maxPast();
    return "allow "
        + (p.permissions().isEmpty() ? "-" : p.permissions().toString())
        + (p.askPermissions().isEmpty() ? "" : ", ask " + p.askPermissions())
        + ", rate "
        + rate(p.rateLimit())
        + ", max future "
        + human(p.maxFuture())
        + (past == null ? "" : ", max past " + human(past))
        + (p.selfEncryptionOnly() ? ", self encryption only" : "")
        + (p.blockedWords().isEmpty() ? "" : ", " + p.blockedWords().size() + " blocked word(s)");
  }

  /** The JSON shape shared with the admin API: seconds for durations, null for no bound. */
  static Map<String, Object> toJson(Policy p, boolean builtIn) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", p.name());
    m.put("built_in", builtIn);
    m.put("allow", p.permissions().permissions().stream().map(Object::toString).toList());
    m.put("ask", p.askPermissions().permissions().stream().map(Object::toString).toList());
    m.put(
        "rate_limit",
        Map.of("max", p.rateLimit().maxRequests(), "window_s", p.rateLimit().window().toSeconds()));
    m.put("max_future_s", p.maxFuture().toSeconds());
    Duration past = p.maxPast();
    m.put("max_past_s", past == null ? null : past.toSeconds());
    m.put("self_encryption_only", p.selfEncryptionOnly());
    m.put("blocked_words", p.blockedWords());
    return m;
  }
}
