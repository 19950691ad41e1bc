package dev.keycast.cli;

import dev.keycast.cli.internal.Json;
import dev.keycast.cli.internal.PastInstants;
import dev.keycast.nip46.store.AuditEntry;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.KeycastDatabase;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keycast audit}: reads and purges the audit log (who asked for what, when, with what
 * outcome; no content).
 */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description =
        "Lists or purges audit entries. 'serve' purges entries older than --audit-retention by itself.",
    subcommands = {AuditCommand.ListEntries.class, AuditCommand.Purge.class})
public final class AuditCommand implements Callable<Integer> {
  private static final int MAX_LIMIT = 10_000;

  @Spec CommandSpec spec;

  /** Creates the command. */
  public AuditCommand() {}

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  private static Instant pastInstant(String option, String text) {
    try {
      return PastInstants.parse(text, Instant.now());
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + ": " + e.getMessage(), e);
    }
  }

  /** {@code audit list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      showDefaultValues = true,
      description = "Lists audit entries, newest first.")
  static final class ListEntries implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions store = new StoreOptions();

    @Option(
        names = "--key",
        paramLabel = "NAME",
        description = "Only entries of this key's authorizations.")
    @Nullable String key;

    @Option(
        names = "--authorization",
        paramLabel = "ID",
        description = "Only entries of this authorization.")
    @Nullable Long authorization;

    @Option(
        names = "--since",
        paramLabel = "DATE|DURATION",
        description =
            "Only entries at or after a date (2026-01-31, 2026-01-31T12:00Z; UTC) or that long ago (7d).")
    @Nullable String since;

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "100",
        description = "At most N entries, 1 to 10000.")
    int limit;

    @Option(names = "--json", description = "Print a JSON array of entries.")
    boolean json;

    @Override
    public Integer call() throws IOException {
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new UsageException("--limit must be 1 to " + MAX_LIMIT + ", got " + limit);
      }
      Instant from = since == null ? null : pastInstant("--since", since);
      List<AuditEntry> entries;
      try (KeycastDatabase db = store.open(Globals.home(spec))) {
        entries = read(db);
      }
      // newest first, so the limit keeps the newest and --since only trims older ones
      List<AuditEntry> shown =
          entries.stream()
              .filter(e -> from == null || !e.at().isBefore(from))
              .limit(limit)
              .toList();
      print(spec.commandLine().getOut(), shown);
      return ExitCodes.OK;
    }

    /** The newest {@link #limit} entries matching --key and --authorization, newest first. */
    private List<AuditEntry> read(KeycastDatabase db) {
      List<Long> ids = new ArrayList<>();
      if (key != null) {
        if (db.keys().find(key).isEmpty()) {
          throw new UsageException("unknown key '" + key + "' (see keycast keys list)");
        }
        db.authorizations().listForKey(key).stream().map(Authorization::id).forEach(ids::add);
        if (authorization != null) {
          ids.retainAll(List.of(authorization));
        }
      } else if (authorization != null) {
        ids.add(authorization);
      } else {
        return db.audit().recent(limit);
      }
      List<AuditEntry> all = new ArrayList<>();
      for (long id : ids) {
        all.addAll(db.audit().forAuthorization(id, limit));
      }
      all.sort(Comparator.comparing(AuditEntry::at).reversed());
      return all;
    }

    private void print(PrintWriter out, List<AuditEntry> entries) throws IOException {
      if (json) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (AuditEntry e : entries) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("at", e.at().toString());
          m.put("authorization", e.authorizationId());
          m.put("client_pubkey", e.clientPublicKey() == null ? null : e.clientPublicKey().toHex());
          m.put("method", e.method());
          m.put("kind", e.eventKind());
          m.put("outcome", e.outcome().name().toLowerCase(Locale.ROOT));
          m.put("reason", e.reason());
          rows.add(m);
        }
        out.println(Json.write(rows));
      } else if (entries.isEmpty()) {
        out.println("No audit entries match.");
      } else {
        String fmt = "%-24s %-6s %-16s %-6s %-8s %-64s %s";
        out.println(
            String.format(
                Locale.ROOT,
                fmt,
                "AT",
                "AUTH",
                "METHOD",
                "KIND",
                "OUTCOME",
                "CLIENT PUBKEY",
                "REASON"));
        for (AuditEntry e : entries) {
          out.println(
              String.format(
                  Locale.ROOT,
                  fmt,
                  e.at(),
                  Objects.toString(e.authorizationId(), "-"),
                  e.method(),
                  Objects.toString(e.eventKind(), "-"),
                  e.outcome().name().toLowerCase(Locale.ROOT),
                  e.clientPublicKey() == null ? "-" : e.clientPublicKey().toHex(),
                  Objects.toString(e.reason(), "")));
        }
      }
      out.flush();
    }
  }

  /** {@code audit purge}. */
  @Command(
      name = "purge",
      mixinStandardHelpOptions = true,
      description =
          "Deletes audit entries older than a date or duration (in small batches; safe while serve runs).")
  static final class Purge implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions store = new StoreOptions();

    @Option(
        names = "--before",
        required = true,
        paramLabel = "DATE|DURATION",
        description =
            "Delete entries before a date (2026-01-31, 2026-01-31T12:00Z; UTC) or older than a duration"
                + " (90d).")
    String before;

    @Option(names = "--json", description = "Print {\"purged\":N,\"before\":\"…\"}.")
    boolean json;

    @Override
    public Integer call() throws IOException {
      Instant cutoff = pastInstant("--before", before);
      long purged;
      try (KeycastDatabase db = store.open(Globals.home(spec))) {
        purged = db.audit().purgeBefore(cutoff);
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("purged", purged);
        m.put("before", cutoff.toString());
        out.println(Json.write(m));
      } else {
        out.println("Purged " + purged + " audit entries before " + cutoff);
      }
      out.flush();
      return ExitCodes.OK;
    }
  }
}
