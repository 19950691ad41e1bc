package dev.keycast.cli;

import dev.keycast.nip46.store.AesGcmKeyEncryption;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.store.MasterKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code keycast master-key}: operations on the master key that encrypts the stored keys. */
@Command(
    name = "master-key",
    mixinStandardHelpOptions = true,
    description = "Manages the master key that encrypts the stored keys.",
    subcommands = {MasterKeyCommand.Rotate.class})
public final class MasterKeyCommand {
  /** Creates the command. */
  public MasterKeyCommand() {}

  /** {@code keycast master-key rotate}. */
  @Command(
      name = "rotate",
      mixinStandardHelpOptions = true,
      description = {
        "Re-encrypts every stored key under a new master key, in one database transaction.",
        "The old key file is kept beside the new one as <file>.<UTC time>.bak (mode 0600): delete it once "
            + "backups made before the rotation are no longer needed (they open only with it).",
        "Safe while 'keycast serve' runs: the daemon reads the key file again when a key does not decrypt."
      })
  public static final class Rotate implements Callable<Integer> {
    private static final DateTimeFormatter STAMP =
        DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    @Spec CommandSpec spec;
    @Mixin StoreOptions store = new StoreOptions();

    /** Creates the command. */
    public Rotate() {}

    @Override
    public Integer call() throws IOException {
      Path home = Globals.home(spec);
      Path keyFile = store.masterKeyFile(home);
      Path fresh = keyFile.resolveSibling(keyFile.getFileName() + ".new");
      if (Files.exists(fresh)) {
        throw new UsageException(
            fresh
                + " exists (left by an interrupted rotation?): if the database still opens with "
                + keyFile
                + ", delete it and run rotate again");
      }
      int count;
      try (KeycastDatabase db = store.open(home)) {
        MasterKey next = MasterKey.generate(fresh);
        try {
          count = db.reencryptAll(AesGcmKeyEncryption.create(next));
        } catch (RuntimeException e) {
          Files.deleteIfExists(fresh); // nothing changed in the database
          throw e;
        }
      }
      // The database is under the new key now: put it in place, the old one kept as a backup.
      String stamp = ZonedDateTime.now(ZoneOffset.UTC).format(STAMP);
      Path backup = keyFile.resolveSibling(keyFile.getFileName() + "." + stamp + ".bak");
      Files.copy(keyFile, backup, StandardCopyOption.COPY_ATTRIBUTES);
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.setPosixFilePermissions(backup, PosixFilePermissions.fromString("rw-------"));
      }
      Files.move(
          fresh, keyFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          "Re-encrypted "
              + count
              + " stored key(s) under a new master key in "
              + keyFile
              + "; the old key is in "
              + backup
              + " (needed only to open backups made before now).");
      return ExitCodes.OK;
    }
  }
}
