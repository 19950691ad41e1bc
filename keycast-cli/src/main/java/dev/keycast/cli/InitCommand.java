package dev.keycast.cli;

import dev.keycast.cli.internal.AdminToken;
import dev.keycast.cli.internal.DataFolder;
import dev.keycast.cli.internal.JdbcUrls;
import dev.keycast.nip46.store.AesGcmKeyEncryption;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.store.MasterKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code keycast init}: creates the data folder, a new master key file (mode 0600; never overwrites
 * one), the admin token ({@code admin.token}, mode 0600; added to an existing data folder that has
 * none) and the database schema. If the database cannot be created, the master key just written is
 * removed again.
 */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description =
        "Creates KEYCAST_HOME, a new master key file (mode 0600; refuses to overwrite one), the admin token (mode 0600; added to an existing home that lacks it) and the database.")
public final class InitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin StoreOptions store = new StoreOptions();

  /** Creates the command. */
  public InitCommand() {}

  @Override
  public Integer call() {
    Path home = Globals.home(spec);
    Path keyFile = store.masterKeyFile(home);
    String url = store.jdbcUrl(home);
    if (Files.exists(keyFile)) {
      // control-plane: an existing home gets its admin token, nothing else changes
      if (Files.isDirectory(home) && AdminToken.createIfMissing(home)) {
        PrintWriter out = spec.commandLine().getOut();
        out.println("Master key " + keyFile + " kept; added the admin token:");
        out.println("  admin token: " + AdminToken.file(home) + " (mode 0600)");
        out.flush();
        return ExitCodes.OK;
      }
      throw new UsageException(
          "master key file "
              + keyFile
              + " already exists; refusing to overwrite it (delete it only if no database depends on it)");
    }
    DataFolder.create(home);
    if (keyFile.getParent() != null && !Files.isDirectory(keyFile.getParent())) {
      DataFolder.create(keyFile.getParent());
    }
    MasterKey key = MasterKey.generate(keyFile);
    int schema;
    try (KeycastDatabase db = KeycastDatabase.open(url, AesGcmKeyEncryption.create(key))) {
      schema = db.schemaVersion();
    } catch (RuntimeException e) {
      deleteQuietly(keyFile); // nothing half-made: no key without its database
      throw e;
    }
    AdminToken.createIfMissing(home);
    PrintWriter out = spec.commandLine().getOut();
    out.println("Initialized Keycast in " + home);
    out.println(
        "  master key: "
            + keyFile
            + " (mode 0600; back it up: stored keys cannot be decrypted without it)");
    out.println("  database:   " + JdbcUrls.redact(url) + " (schema version " + schema + ")");
    out.println(
        "  admin token: "
            + AdminToken.file(home)
            + " (mode 0600; the admin API and web console ask for it)");
    out.println(
        "Next: keycast keys generate --name NAME, then keycast authorize --key NAME --relay URL");
    out.flush();
    return ExitCodes.OK;
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // best effort
    }
  }
}
