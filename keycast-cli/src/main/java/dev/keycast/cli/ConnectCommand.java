package dev.keycast.cli;

import dev.keycast.cli.internal.CliPolicies;
import dev.keycast.cli.internal.TerminalText;
import dev.keycast.nip46.InvalidConnectUriException;
import dev.keycast.nip46.NostrConnectUri;
import dev.keycast.nip46.bunker.Bunker;
import dev.keycast.nip46.bunker.NostrConnectFlow;
import dev.keycast.nip46.relay.RelayState;
import dev.keycast.nip46.server.BunkerHealth;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.KeycastDatabase;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code keycast connect 'nostrconnect://…'}: accepts a client-initiated connection. Creates an
 * authorization for the key on the URI's relays, connects the client to it with the perms it asked
 * for (within the policy) and sends the client the unprompted connect response. It then answers
 * that client's requests itself for {@code --linger} seconds (and only that client's: it never
 * answers for other authorizations), while the running daemon ({@code keycast serve}, which polls
 * the store about every second) picks the new authorization up; clients typically send their first
 * requests right after the connect response.
 */
@Command(
    name = "connect",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description = {
      "Accepts a client-initiated nostrconnect:// connection for a key.",
      "The running daemon (keycast serve) serves the client afterwards; it must use one of the URI's relays."
    })
public final class ConnectCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin StoreOptions store = new StoreOptions();

  @Parameters(
      index = "0",
      paramLabel = "URI",
      description = "The client's nostrconnect:// URI (quote it).")
  String uri;

  @Option(
      names = "--key",
      required = true,
      paramLabel = "NAME",
      description = "The user key to grant.")
  String key;

  @Option(
      names = "--policy",
      paramLabel = "NAME",
      defaultValue = "social",
      description =
          "Named policy: "
              + CliPolicies.NAMES
              + "; the client's requested perms are narrowed to it.")
  String policy;

  @Option(
      names = "--relay-timeout",
      paramLabel = "SECONDS",
      defaultValue = "10",
      description = "How long to wait for one of the URI's relays to connect.")
  int relayTimeoutSeconds;

  @Option(
      names = "--linger",
      paramLabel = "SECONDS",
      defaultValue = "3",
      description =
          "How long to answer the client's first requests here before leaving it to the daemon.")
  int lingerSeconds;

  /** Creates the command. */
  public ConnectCommand() {}

  @Override
  public Integer call() throws InterruptedException {
    NostrConnectUri parsed;
    try {
      parsed = NostrConnectUri.parse(uri.strip());
    } catch (InvalidConnectUriException | IllegalArgumentException e) {
      throw new UsageException("not a valid nostrconnect:// URI: " + e.getMessage(), e);
    }
    if (relayTimeoutSeconds < 1 || lingerSeconds < 0) {
      throw new UsageException("--relay-timeout must be >= 1 and --linger >= 0");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (KeycastDatabase db = store.open(Globals.home(spec))) {
      if (db.keys().find(key).isEmpty()) {
        throw new UsageException("unknown key '" + key + "' (see keycast keys list)");
      }
      String policyName = CliPolicies.forAuthorization(db.policies(), policy, null);
      // the short-lived bunker here serves only the authorization it creates: the daemon keeps
      // serving the others
      try (Bunker bunker =
          Bunker.builder()
              .stores(new NewAuthorizationsOnly(db.authorizations()), db.keys(), db.audit())
              .relays(parsed.relays())
              .policies(db.policies()::resolve)
              .shutdownDeadline(Duration.ofSeconds(2))
              .build()) {
        bunker.start();
        awaitRelay(bunker, parsed);
        Authorization a = NostrConnectFlow.accept(bunker, parsed, key, policyName, null);
        out.println(
            "Accepted "
                + (parsed.name() == null
                    ? "the client"
                    : "'" + TerminalText.escape(parsed.name()) + "'")
                + " for key '"
                + key
                + "' as authorization "
                + a.id()
                + " (policy "
                + a.policyName()
                + ")");
        out.println("  client:  " + parsed.clientPubkey().toHex());
        out.println("  bunker:  " + a.bunkerPublicKey().toHex());
        out.println("  relays:  " + TerminalText.escape(String.join(", ", a.relays())));
        out.flush();
        if (lingerSeconds > 0) {
          Thread.sleep(lingerSeconds * 1000L);
        }
      }
    }
    out.println(
        "The running daemon serves this client from now on (keycast serve with one of its relays).");
    out.flush();
    return ExitCodes.OK;
  }

  private void awaitRelay(Bunker bunker, NostrConnectUri parsed) throws InterruptedException {
    long end = System.nanoTime() + relayTimeoutSeconds * 1_000_000_000L;
    @Nullable BunkerHealth h = null;
    while (System.nanoTime() < end) {
      h = bunker.health();
      if (h.connectedRelays() > 0) {
        return;
      }
      Thread.sleep(100);
    }
    throw new RelayUnavailableException(
        "none of the client's relays answered within "
            + relayTimeoutSeconds
            + " s ("
            + String.join(", ", parsed.relays())
            + ")"
            + (h == null ? "" : ": " + RelayState.wireNames(h.relays())));
  }
}
