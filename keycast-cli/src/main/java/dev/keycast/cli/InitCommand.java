package dev.keycast.cli;

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
 * one) and the database schema. If the database cannot be created, the master key just written is
 * removed again.
 */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description =
        "Creates KEYCAST_HOME, a new master key file (mode 0600; refuses to overwrite one) and the database.")
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
    PrintWriter out = spec.commandLine().getOut();
    out.println("Initialized Keycast in " + home);
    out.println(
        "  master key: "
            + keyFile
            + " (mode 0600; back it up: stored keys cannot be decrypted without it)");
    out.println("  database:   " + JdbcUrls.redact(url) + " (schema version " + schema + ")");
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
