package dev.keycast.cli;

import dev.keycast.cli.internal.SqliteFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code keycast backup}: a consistent copy of the SQLite database, safe while {@code serve} runs.
 */
@Command(
    name = "backup",
    mixinStandardHelpOptions = true,
    description = {
      "Copies the SQLite database to FILE (mode 0600), consistently even while 'keycast serve' writes to it.",
      "The stored keys are encrypted under the master key: back the master key file up too, separately.",
      "PostgreSQL: use pg_dump instead (see docs/storage.md)."
    })
public final class BackupCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin StoreOptions store = new StoreOptions();

  @Parameters(index = "0", paramLabel = "FILE", description = "The backup file to write.")
  Path file;

  @Option(names = "--force", description = "Replace FILE if it exists.")
  boolean force;

  /** Creates the command. */
  public BackupCommand() {}

  @Override
  public Integer call() throws IOException, SQLException {
    Path home = Globals.home(spec);
    Path source =
        store.sqliteFile(
            home,
            "backup copies SQLite databases only; for PostgreSQL dump the database "
                + "with pg_dump (e.g. pg_dump -Fc -f keycast.dump DBNAME) and keep a copy of the master key file "
                + store.masterKeyFile(home));
    Path target = file.toAbsolutePath().normalize();
    if (target.equals(source)) {
      throw new UsageException("FILE is the database itself: " + target);
    }
    if (Files.exists(target) && !force) {
      throw new UsageException(
          target + " already exists: choose another FILE or replace it with --force");
    }
    // written beside the target, then moved: a failed backup never leaves a partial FILE or
    // destroys the old one
    Path partial = target.resolveSibling(target.getFileName() + ".partial");
    Files.deleteIfExists(partial);
    SqliteFiles.backup(source, partial);
    Files.move(
        partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    PrintWriter out = spec.commandLine().getOut();
    out.println("Backed up " + source + " to " + target + " (" + Files.size(target) + " bytes).");
    out.println(
        "Its keys open only with the master key "
            + store.masterKeyFile(home)
            + ": back that file up too.");
    out.flush();
    return ExitCodes.OK;
  }
}
