package dev.keycast.cli;

import dev.keycast.cli.internal.Json;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.KeycastDatabase;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code keycast authorizations}: lists and revokes authorizations. */
@Command(
    name = "authorizations",
    mixinStandardHelpOptions = true,
    description =
        "Lists or revokes authorizations (a running daemon picks up changes within seconds).",
    subcommands = {
      AuthorizationsCommand.ListAuthorizations.class,
      AuthorizationsCommand.Revoke.class
    })
public final class AuthorizationsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** Creates the command. */
  public AuthorizationsCommand() {}

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  static String status(Authorization a, Instant now) {
    if (a.isRevoked()) {
      return "revoked";
    }
    if (a.isExpiredAt(now)) {
      return "expired";
    }
    return "active";
  }

  /** {@code authorizations list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists the authorizations (no secrets).")
  static final class ListAuthorizations implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions store = new StoreOptions();

    @Option(names = "--json", description = "Print a JSON array of authorizations.")
    boolean json;

    @Override
    public Integer call() throws IOException {
      List<Authorization> list;
      try (KeycastDatabase db = store.open(Globals.home(spec))) {
        list = db.authorizations().list();
      }
      Instant now = Instant.now();
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Authorization a : list) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("id", a.id());
          m.put("key", a.keyName());
          m.put("user_pubkey", a.userPublicKey().toHex());
          m.put("bunker_pubkey", a.bunkerPublicKey().toHex());
          m.put("relays", a.relays());
          m.put("policy", a.policyName());
          m.put("uses", a.uses());
          m.put("max_uses", a.maxUses());
          m.put("expires_at", a.expiresAt() == null ? null : a.expiresAt().getEpochSecond());
          m.put("status", status(a, now));
          m.put("label", a.label());
          rows.add(m);
        }
        out.println(Json.write(rows));
      } else if (list.isEmpty()) {
        out.println("No authorizations yet: keycast authorize --key NAME --relay URL");
      } else {
        String fmt = "%-6s %-12s %-8s %-24s %-9s %-20s %s";
        out.println(
            String.format(
                Locale.ROOT,
                fmt,
                "ID",
                "KEY",
                "STATUS",
                "POLICY",
                "USES",
                "EXPIRES",
                "BUNKER PUBKEY"));
        for (Authorization a : list) {
          out.println(
              String.format(
                  Locale.ROOT,
                  fmt,
                  a.id(),
                  a.keyName(),
                  status(a, now),
                  a.policyName(),
                  a.uses() + "/" + (a.maxUses() == null ? "∞" : a.maxUses()),
                  a.expiresAt() == null ? "never" : a.expiresAt().toString(),
                  a.bunkerPublicKey().toHex()));
        }
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  /** {@code authorizations revoke}. */
  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = "Revokes an authorization: its clients get 'unauthorized' from then on.")
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions store = new StoreOptions();

    @Parameters(
        index = "0",
        paramLabel = "ID",
        description = "The authorization id (see authorizations list).")
    long id;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (KeycastDatabase db = store.open(Globals.home(spec))) {
        Authorization a =
            db.authorizations()
                .find(id)
                .orElseThrow(
                    () ->
                        new UsageException(
                            "unknown authorization " + id + " (see keycast authorizations list)"));
        if (a.isRevoked()) {
          out.println("Authorization " + id + " was already revoked at " + a.revokedAt());
        } else {
          db.authorizations().revoke(id, Instant.now());
          out.println("Revoked authorization " + id + " (key '" + a.keyName() + "')");
        }
      }
      out.flush();
      return ExitCodes.OK;
    }
  }
}
