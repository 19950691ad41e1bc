package dev.keycast.cli.internal;

import dev.keycast.cli.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The data folder ({@code --home}, {@code KEYCAST_HOME}) and other folders holding secrets:
 * owner-only.
 */
public final class DataFolder {
  private DataFolder() {}

  /**
   * Creates {@code folder} with its parents if it does not exist, readable by its owner only (mode
   * 0700 where the file system is POSIX). An existing folder is left as it is.
   *
   * <p>Thread-safe; does file-system I/O.
   *
   * @param folder the folder to create
   * @throws UsageException if it cannot be created
   */
  public static void create(Path folder) {
    try {
      if (!Files.isDirectory(folder)) {
        Files.createDirectories(folder);
        try {
          Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException ignored) {
          // not a POSIX file system
        }
      }
    } catch (IOException e) {
      throw new UsageException(
          "cannot create the data folder " + folder + ": " + e.getMessage(), e);
    }
  }
}
