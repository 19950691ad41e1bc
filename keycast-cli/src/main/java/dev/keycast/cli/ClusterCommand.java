package dev.keycast.cli;

import dev.keycast.cli.internal.Json;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.ClusterStore;
import dev.keycast.nip46.store.KeycastDatabase;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code keycast cluster status}: the daemons sharing this database (see docs/cluster.md). */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description = "The daemons (instances) sharing this database and the keys each answers.",
    subcommands = {ClusterCommand.Status.class})
public final class ClusterCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** Creates the command. */
  public ClusterCommand() {}

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  /** {@code cluster status [--json]}. */
  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description =
          "Lists the instances (live, or expired and not yet removed), their last heartbeat, the"
              + " change version they applied and how many bunker keys each answers.")
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions store = new StoreOptions();

    @Option(
        names = "--json",
        description =
            "Print {\"instances\":[{\"instance\",\"member\",\"live\",\"started_at\",\"heartbeat_at\","
                + "\"expires_at\",\"applied_version\",\"slots_owned\",\"keys_owned\"}],\"keys\":N,"
                + "\"released_keys\":N}.")
    boolean json;

    @Override
    public Integer call() throws IOException {
      List<ClusterStore.Member> members;
      long[] slotOwner = new long[ClusterStore.SLOTS];
      List<String> keys = new ArrayList<>();
      try (KeycastDatabase db = store.open(Globals.home(spec))) {
        members = db.cluster().members();
        for (ClusterStore.SlotOwner o : db.cluster().slotOwners()) {
          slotOwner[o.slot()] = o.ownerMember();
        }
        for (Authorization a : db.authorizations().listActive(Instant.now())) {
          keys.add(a.bunkerPublicKey().toHex());
        }
      }
      Map<Long, Integer> slots = new HashMap<>();
      for (long m : slotOwner) {
        if (m != 0) {
          slots.merge(m, 1, Integer::sum);
        }
      }
      Map<Long, Integer> owned = new HashMap<>();
      int released = 0;
      for (String k : keys) {
        long m = slotOwner[ClusterStore.slotOf(k)];
        if (m == 0) {
          released++;
        } else {
          owned.merge(m, 1, Integer::sum);
        }
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ClusterStore.Member m : members) {
          Map<String, Object> r = new LinkedHashMap<>();
          r.put("instance", m.instanceId());
          r.put("member", Long.toHexString(m.memberId()));
          r.put("live", m.live());
          r.put("started_at", Instant.ofEpochMilli(m.startedAtMillis()).toString());
          r.put("heartbeat_at", Instant.ofEpochMilli(m.heartbeatAtMillis()).toString());
          r.put("expires_at", Instant.ofEpochMilli(m.expiresAtMillis()).toString());
          r.put("applied_version", m.appliedVersion());
          r.put("slots_owned", slots.getOrDefault(m.memberId(), 0));
          r.put("keys_owned", owned.getOrDefault(m.memberId(), 0));
          rows.add(r);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("instances", rows);
        doc.put("keys", keys.size());
        doc.put("released_keys", released);
        out.println(Json.write(doc));
      } else if (members.isEmpty()) {
        out.println("No instance is running on this database.");
      } else {
        String fmt = "%-32s %-16s %-5s %-24s %-6s %-8s %s%n";
        out.printf(
            fmt,
            "INSTANCE",
            "MEMBER",
            "LIVE",
            "LAST HEARTBEAT",
            "SLOTS",
            "KEYS",
            "APPLIED VERSION");
        for (ClusterStore.Member m : members) {
          out.printf(
              fmt,
              m.instanceId(),
              Long.toHexString(m.memberId()),
              m.live() ? "yes" : "no",
              Instant.ofEpochMilli(m.heartbeatAtMillis()),
              slots.getOrDefault(m.memberId(), 0),
              owned.getOrDefault(m.memberId(), 0),
              m.appliedVersion());
        }
        out.printf(
            "%d bunker key(s) in %d slots, %d in released slots (waiting for their next owner)%n",
            keys.size(), ClusterStore.SLOTS, released);
      }
      out.flush();
      return ExitCodes.OK;
    }
  }
}
