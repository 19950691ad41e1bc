package dev.keycast.cli;

import dev.keycast.cli.internal.Json;
import dev.keycast.cli.internal.SecretKeyText;
import dev.keycast.cli.internal.Terminals;
import dev.keycast.crypto.Nip19;
import dev.keycast.crypto.Nip49;
import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.store.StoredKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code keycast keys}: the named user keys in the store. Secrets never travel as arguments. */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = "Manages the user keys (generate, import, list, export).",
    subcommands = {
      KeysCommand.Generate.class,
      KeysCommand.Import.class,
      KeysCommand.ListKeys.class,
      KeysCommand.Export.class
    })
public final class KeysCommand implements Callable<Integer> {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  @Spec CommandSpec spec;

  /** Creates the command. */
  public KeysCommand() {}

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  /**
   * Checks a key name (1-64 letters, digits, {@code .}, {@code _} or {@code -}, starting with a
   * letter or digit).
   *
   * @param name the name to check
   * @return the name
   * @throws UsageException if it is not one
   */
  public static String checkName(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new UsageException(
          "invalid key name '"
              + name
              + "': use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    return name;
  }

  /**
   * The JSON shape of a key, shared with the admin API.
   *
   * @param k the key
   * @return name, pubkey (hex), npub
   */
  public static Map<String, Object> describe(StoredKey k) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", k.name());
    m.put("pubkey", k.publicKey().toHex());
    m.put("npub", Nip19.encodeNpub(k.publicKey()));
    return m;
  }

  /** {@code keys generate}. */
  @Command(
      name = "generate",
      mixinStandardHelpOptions = true,
      showDefaultValues = true,
      description = "Generates a new user key and stores it encrypted under the master key.")
  static final class Generate implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions store = new StoreOptions();

    @Option(
        names = "--name",
        required = true,
        paramLabel = "NAME",
        description = "Name of the new key.")
    String name;

    @Option(names = "--json", description = "Print {\"name\",\"pubkey\",\"npub\"}.")
    boolean json;

    @Override
    public Integer call() throws IOException {
      checkName(name);
      try (KeycastDatabase db = store.open(Globals.home(spec))) {
        StoredKey k = db.keys().generate(name);
        print(spec, json, k, "Generated");
      }
      return ExitCodes.OK;
    }
  }

  static void print(CommandSpec spec, boolean json, StoredKey k, String verb) throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.write(describe(k)));
    } else {
      out.println(verb + " key '" + k.name() + "'");
      out.println("  pubkey: " + k.publicKey().toHex());
      out.println("  npub:   " + Nip19.encodeNpub(k.publicKey()));
    }
    out.flush();
  }

  /** {@code keys import}. */
  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      showDefaultValues = true,
      description = {
        "Imports a secret key (nsec, 64 hex characters or ncryptsec) from stdin or --nsec-file, never as an argument.",
        "An ncryptsec asks for its password on the terminal, or reads env KEYCAST_NCRYPTSEC_PASSWORD or --password-file."
      })
  static final class Import implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions store = new StoreOptions();

    @Option(
        names = "--name",
        required = true,
        paramLabel = "NAME",
        description = "Name for the key.")
    String name;

    @Option(
        names = "--nsec-file",
        paramLabel = "PATH",
        description = "Read the secret from this file instead of stdin.")
    @Nullable Path nsecFile;

    @Option(
        names = "--password-file",
        paramLabel = "PATH",
        description = "ncryptsec password file (first line).")
    @Nullable Path passwordFile;

    @Option(names = "--json", description = "Print {\"name\",\"pubkey\",\"npub\"}.")
    boolean json;

    @Override
    public Integer call() throws IOException {
      checkName(name);
      SecretKey key = readSecret();
      try (KeycastDatabase db = store.open(Globals.home(spec))) {
        StoredKey k = db.keys().importKey(name, key);
        print(spec, json, k, "Imported");
      }
      return ExitCodes.OK;
    }

    private SecretKey readSecret() throws IOException {
      byte[] raw;
      java.io.Console terminal = Globals.stdin(spec) == System.in ? Terminals.console() : null;
      if (nsecFile != null) {
        try {
          raw = Files.readAllBytes(nsecFile);
        } catch (IOException e) {
          throw new UsageException(
              "cannot read --nsec-file " + nsecFile + ": " + e.getClass().getSimpleName(), e);
        }
      } else if (terminal != null) {
        // typed or pasted on a terminal: hidden input, one line
        char[] typed = terminal.readPassword("secret key (nsec, hex or ncryptsec): ");
        if (typed == null) {
          typed = new char[0];
        }
        raw = new String(typed).getBytes(StandardCharsets.UTF_8);
        Arrays.fill(typed, '\0');
      } else {
        raw = Globals.stdin(spec).readNBytes(16 * 1024);
      }
      String text = new String(raw, StandardCharsets.UTF_8).strip();
      Arrays.fill(raw, (byte) 0);
      if (text.isEmpty()) {
        throw new UsageException(
            "no secret key given: pipe an nsec, hex or ncryptsec to stdin or use --nsec-file");
      }
      return SecretKeyText.parse(text, () -> password(spec, passwordFile, false));
    }
  }

  /** Reads a password: env, file, or the terminal (twice when {@code confirm}). */
  static char[] password(CommandSpec spec, @Nullable Path file, boolean confirm) {
    String env = System.getenv("KEYCAST_NCRYPTSEC_PASSWORD");
    if (file != null) {
      try {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || lines.get(0).isEmpty()) {
          throw new UsageException("--password-file " + file + " is empty");
        }
        return lines.get(0).toCharArray();
      } catch (IOException e) {
        throw new UsageException(
            "cannot read --password-file " + file + ": " + e.getClass().getSimpleName(), e);
      }
    }
    if (env != null && !env.isEmpty()) {
      return env.toCharArray();
    }
    java.io.Console console = Terminals.console();
    if (console == null) {
      throw new UsageException(
          "an ncryptsec password is needed: set KEYCAST_NCRYPTSEC_PASSWORD or use --password-file (no terminal)");
    }
    char[] pw = console.readPassword("ncryptsec password: ");
    if (pw == null || pw.length == 0) {
      throw new UsageException("no password given");
    }
    if (confirm) {
      char[] again = console.readPassword("repeat the password: ");
      boolean same = again != null && Arrays.equals(pw, again);
      if (again != null) {
        Arrays.fill(again, '\0');
      }
      if (!same) {
        Arrays.fill(pw, '\0');
        throw new UsageException("the passwords differ");
      }
    }
    return pw;
  }

  /** {@code keys list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists the stored keys (public parts only).")
  static final class ListKeys implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions store = new StoreOptions();

    @Option(
        names = "--json",
        description = "Print a JSON array of {\"name\",\"pubkey\",\"npub\",\"created_at\"}.")
    boolean json;

    @Override
    public Integer call() throws IOException {
      List<StoredKey> keys;
      try (KeycastDatabase db = store.open(Globals.home(spec))) {
        keys = db.keys().list();
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (StoredKey k : keys) {
          Map<String, Object> m = describe(k);
          m.put("created_at", k.createdAt().getEpochSecond());
          rows.add(m);
        }
        out.println(Json.write(rows));
      } else if (keys.isEmpty()) {
        out.println("No keys yet: keycast keys generate --name NAME");
      } else {
        out.println(String.format(Locale.ROOT, "%-20s %-64s %s", "NAME", "PUBKEY", "CREATED"));
        for (StoredKey k : keys) {
          out.println(
              String.format(
                  Locale.ROOT, "%-20s %-64s %s", k.name(), k.publicKey().toHex(), k.createdAt()));
        }
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  /** {@code keys export}. */
  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      showDefaultValues = true,
      description =
          "Exports a key: npub (public) or ncryptsec (secret, password-encrypted, NIP-49).")
  static final class Export implements Callable<Integer> {
    /** Export formats. */
    enum Format {
      npub,
      ncryptsec
    }

    @Spec CommandSpec spec;
    @Mixin StoreOptions store = new StoreOptions();

    @Option(
        names = "--name",
        required = true,
        paramLabel = "NAME",
        description = "The key to export.")
    String name;

    @Option(
        names = "--format",
        required = true,
        paramLabel = "FORMAT",
        description = "npub or ncryptsec.")
    Format format;

    @Option(
        names = "--password-file",
        paramLabel = "PATH",
        description = "ncryptsec password file (first line).")
    @Nullable Path passwordFile;

    @Option(
        names = "--log-n",
        paramLabel = "N",
        defaultValue = "16",
        description = "ncryptsec scrypt cost: 2^N iterations (16 to 22).")
    int logN;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (KeycastDatabase db = store.open(Globals.home(spec))) {
        StoredKey k =
            db.keys()
                .find(name)
                .orElseThrow(
                    () -> new UsageException("unknown key '" + name + "' (see keycast keys list)"));
        switch (format) {
          case npub -> out.println(Nip19.encodeNpub(k.publicKey()));
          case ncryptsec -> {
            if (logN < 16 || logN > 22) {
              throw new UsageException("--log-n must be 16 to 22, was " + logN);
            }
            SecretKey secret =
                db.keys()
                    .loadSecret(name)
                    .orElseThrow(() -> new UsageException("unknown key '" + name + "'"));
            char[] password = password(spec, passwordFile, true);
            try {
              out.println(Nip49.encrypt(secret, password, logN, Nip49.KEY_SECURITY_UNKNOWN));
            } finally {
              Arrays.fill(password, '\0');
            }
          }
        }
      }
      out.flush();
      return ExitCodes.OK;
    }
  }
}
