package dev.keycast.cli;

import dev.keycast.cli.internal.Logging;
import dev.keycast.nip46.InvalidConnectUriException;
import dev.keycast.nip46.KeycastException;
import dev.keycast.nip46.RelayException;
import dev.keycast.nip46.store.DatabaseUnavailableException;
import dev.keycast.nip46.store.DuplicateEntryException;
import dev.keycast.nip46.store.KeyEncryptionException;
import dev.keycast.nip46.store.MasterKeyException;
import dev.keycast.nip46.store.SchemaVersionException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The root {@code keycast} command. Run without a subcommand it prints its usage to stderr and
 * exits with {@link ExitCodes#USAGE}.
 *
 * <p>The global options ({@code --home}, {@code --verbose}, {@code --log-format}) are inherited by
 * every subcommand, so they may be given before or after the subcommand name.
 */
@Command(
    name = "keycast",
    mixinStandardHelpOptions = true,
    versionProvider = KeycastCommand.Version.class,
    showDefaultValues = true,
    usageHelpAutoWidth = true,
    sortOptions = false,
    exitCodeOnInvalidInput = ExitCodes.USAGE,
    exitCodeOnExecutionException = ExitCodes.INTERNAL,
    description =
        "NIP-46 remote signer (bunker) for Nostr: the daemon and its management commands.",
    subcommands = {
      ServeCommand.class,
      InitCommand.class,
      AdminTokenCommand.class,
      AdminPasswordCommand.class,
      KeysCommand.class,
      AuthorizeCommand.class,
      AuthorizationsCommand.class,
      PoliciesCommand.class,
      ConnectCommand.class,
      AuditCommand.class,
      ClusterCommand.class,
      BackupCommand.class,
      RestoreCommand.class,
      MasterKeyCommand.class,
      RelayCommand.class,
      BenchCommand.class,
      LoadtestCommand.class,
      TopCommand.class,
      HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "64:usage or configuration error (bad option or URI, unknown key, missing or wrong master key, port in use)",
      "70:internal error (see the log; --verbose shows the stack trace)",
      "75:relay or database temporarily unavailable (retry later)"
    },
    footerHeading = "%nEnvironment variables (each sets the default of the matching option):%n",
    footer = {
      "  KEYCAST_HOME              data folder (default ~/.keycast)",
      "  KEYCAST_DB_URL            JDBC URL (default SQLite under KEYCAST_HOME)",
      "  KEYCAST_MASTER_KEY_FILE   master key (default KEYCAST_HOME/master.key)",
      "  KEYCAST_RELAYS            relay URLs, comma-separated",
      "  KEYCAST_HTTP_HOST         serve: HTTP address (default 127.0.0.1)",
      "  KEYCAST_HTTP_PORT         serve: HTTP port (default 3000)",
      "  KEYCAST_WORKERS           serve: request workers",
      "  KEYCAST_CRYPTO_THREADS    serve: crypto threads",
      "  KEYCAST_QUEUE_CAPACITY    serve: request queue capacity",
      "  KEYCAST_CLIENT_RATE_LIMIT, KEYCAST_CLIENT_BURST  serve: per-client limit",
      "  KEYCAST_SHUTDOWN_TIMEOUT  serve: drain deadline on SIGTERM, seconds",
      "  KEYCAST_DEV_RELAY_PORT    serve --dev: dev relay port (default 7777)",
      "  KEYCAST_AUDIT_RETENTION   serve: how long audit entries are kept (default 90d; 0 = forever)",
      "  KEYCAST_ALLOW_PURE_JAVA_CRYPTO  serve: true to start on the non-constant-time pure-Java backend",
      "  KEYCAST_LOG_FORMAT        text or json",
      "  KEYCAST_CRYPTO_BACKEND    native or java (default: native if it loads)",
      "  KEYCAST_NCRYPTSEC_PASSWORD  ncryptsec password (else asked on the tty)",
      "  Any other option --foo-bar may be set with KEYCAST_FOO_BAR (the command line wins)."
    })
public final class KeycastCommand implements Callable<Integer> {

  /** Log output formats. */
  public enum LogFormat {
    /** Human-readable lines. */
    text,
    /** One JSON object per line. */
    json
  }

  @Spec CommandSpec spec;

  @Option(
      names = "--home",
      scope = ScopeType.INHERIT,
      paramLabel = "DIR",
      defaultValue = "${env:KEYCAST_HOME:-~/.keycast}",
      description = "Data folder: database, master key (env KEYCAST_HOME).")
  @Nullable String home;

  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT,
      description = "Debug logging, and stack traces with error messages.")
  boolean verbose;

  @Option(
      names = "--log-format",
      scope = ScopeType.INHERIT,
      paramLabel = "FORMAT",
      defaultValue = "${env:KEYCAST_LOG_FORMAT:-text}",
      description = "Log format: ${COMPLETION-CANDIDATES} (env KEYCAST_LOG_FORMAT).")
  LogFormat logFormat = LogFormat.text;

  private InputStream stdin = System.in;

  /** Creates the command; use {@link #commandLine()} to get one ready to execute. */
  public KeycastCommand() {}

  /**
   * Returns where commands read secrets piped to them ({@code keys import}); {@code System.in} by
   * default.
   */
  InputStream stdin() {
    return stdin;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  /** Returns the data folder, with a leading {@code ~} expanded. */
  public Path home() {
    String h = home == null || home.isBlank() ? "~/.keycast" : home.strip();
    if (h.equals("~") || h.startsWith("~/")) {
      h = System.getProperty("user.home") + h.substring(1);
    }
    return Path.of(h).toAbsolutePath().normalize();
  }

  /** Returns whether {@code --verbose} was given. */
  public boolean verbose() {
    return verbose;
  }

  /**
   * Creates a command line with Keycast's exit codes, one-line error messages and logging set up.
   * Output goes to {@link CommandLine#getOut()} and {@link CommandLine#getErr()}, which tests may
   * replace.
   *
   * @return a new command line; not thread-safe, execute it once
   */
  public static CommandLine commandLine() {
    return commandLine(System.in);
  }

  /**
   * Like {@link #commandLine()}, reading piped input from {@code stdin} (for tests).
   *
   * @param stdin replaces {@code System.in} for this command line
   * @return a new command line; not thread-safe, execute it once
   */
  public static CommandLine commandLine(InputStream stdin) {
    return commandLine(stdin, System::getenv);
  }

  /** Like {@link #commandLine(InputStream)} with the environment given (for tests). */
  static CommandLine commandLine(
      InputStream stdin, java.util.function.Function<String, @Nullable String> env) {
    KeycastCommand root = new KeycastCommand();
    root.stdin = stdin;
    CommandLine cl = new CommandLine(root);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setDefaultValueProvider(new EnvironmentDefaults(env));
    cl.setExitCodeExceptionMapper(KeycastCommand::exitCodeOf);
    cl.setExecutionStrategy(
        parseResult -> {
          List<CommandLine> chain = parseResult.asCommandLineList();
          Object leaf = chain.get(chain.size() - 1).getCommand();
          boolean daemon = leaf instanceof ServeCommand || leaf instanceof RelayCommand;
          Logging.configure(
              root.logFormat == LogFormat.json, root.verbose ? "DEBUG" : daemon ? "INFO" : "WARN");
          return new CommandLine.RunLast().execute(parseResult);
        });
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          CommandLine cmd = ex.getCommandLine();
          PrintWriter err = cmd.getErr();
          err.println("keycast: " + oneLine(ex));
          err.println(
              "Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
          err.flush();
          return ExitCodes.USAGE;
        });
    cl.setExecutionExceptionHandler(
        (ex, cmd, parseResult) -> {
          PrintWriter err = cmd.getErr();
          err.println("keycast: " + oneLine(ex));
          if (root.verbose) {
            ex.printStackTrace(err);
          }
          err.flush();
          return exitCodeOf(ex);
        });
    return cl;
  }

  /** Maps an exception escaping a command to its documented exit code. */
  static int exitCodeOf(Throwable ex) {
    for (Throwable t = ex; t != null; t = t.getCause()) {
      if (t instanceof UsageException
          || t instanceof CommandLine.ParameterException
          || t instanceof MasterKeyException
          || t instanceof KeyEncryptionException
          || t instanceof DuplicateEntryException
          || t instanceof SchemaVersionException
          || t instanceof InvalidConnectUriException) {
        return ExitCodes.USAGE;
      }
      if (t instanceof RelayUnavailableException
          || t instanceof RelayException
          || t instanceof DatabaseUnavailableException) {
        return ExitCodes.TEMPORARILY_UNAVAILABLE;
      }
    }
    return ExitCodes.INTERNAL;
  }

  /** The message for the user: ours as they are, anything else prefixed as an internal error. */
  static String oneLine(Throwable ex) {
    String message =
        ex.getMessage() == null ? "" : ex.getMessage().strip().replaceAll("\\s*\\R\\s*", " ");
    if (ex instanceof UsageException
        || ex instanceof RelayUnavailableException
        || ex instanceof CommandLine.ParameterException) {
      return message;
    }
    if (ex instanceof DatabaseUnavailableException) {
      return "database unreachable: " + message + " (retry when it is back)";
    }
    if (ex instanceof KeycastException && !message.isEmpty()) {
      return message; // our libraries' messages are written for users and never carry secrets
    }
    String type = ex.getClass().getSimpleName();
    return "internal error: "
        + type
        + (message.isEmpty() ? "" : ": " + message)
        + " (run with --verbose for details)";
  }

  /** Reports the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = KeycastCommand.class.getPackage().getImplementationVersion();
      return new String[] {
        "keycast " + (v == null ? "0.1.0-SNAPSHOT" : v),
        "JVM "
            + System.getProperty("java.vm.version")
            + " ("
            + System.getProperty("java.vendor")
            + ") on "
            + System.getProperty("os.name").toLowerCase(Locale.ROOT)
      };
    }
  }
}
