package dev.keycast.cli;

import dev.keycast.cli.internal.DataFolder;
import dev.keycast.cli.internal.SqliteFiles;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.store.MasterKeyFileEncryption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** The database and master-key options shared by every command that touches the store. */
final class StoreOptions {
  /** How long a command waits for the database before giving up with exit code 75. */
  static final Duration CLI_DB_TIMEOUT = Duration.ofSeconds(3);

  @Option(
      names = "--db",
      paramLabel = "JDBC_URL",
      defaultValue = "${env:KEYCAST_DB_URL}",
      description =
          "Database JDBC URL, jdbc:sqlite:… or jdbc:postgresql:… (env KEYCAST_DB_URL; "
              + "default: SQLite file keycast.db under --home).")
  @Nullable String dbUrl;

  @Option(
      names = "--master-key-file",
      paramLabel = "PATH",
      defaultValue = "${env:KEYCAST_MASTER_KEY_FILE}",
      description =
          "Master key file encrypting the stored keys (env KEYCAST_MASTER_KEY_FILE; "
              + "default: master.key under --home).")
  @Nullable Path masterKeyFile;

  String jdbcUrl(Path home) {
    if (dbUrl != null && !dbUrl.isBlank()) {
      String url = dbUrl.strip();
      if (!url.startsWith("jdbc:sqlite:") && !url.startsWith("jdbc:postgresql:")) {
        throw new UsageException("--db must be a jdbc:sqlite: or jdbc:postgresql: URL");
      }
      return url;
    }
    return "jdbc:sqlite:" + home.resolve("keycast.db");
  }

  /**
   * For commands that work on the database file ({@code backup}, {@code restore}).
   *
   * @param postgresAdvice what to do instead on PostgreSQL, one line for the user
   * @return the SQLite database file
   * @throws UsageException with {@code postgresAdvice} for a PostgreSQL URL, or if the URL names no
   *     file
   */
  Path sqliteFile(Path home, String postgresAdvice) {
    String url = jdbcUrl(home);
    if (url.startsWith("jdbc:postgresql:")) {
      throw new UsageException(postgresAdvice);
    }
    return SqliteFiles.path(url);
  }

  Path masterKeyFile(Path home) {
    return masterKeyFile != null
        ? masterKeyFile.toAbsolutePath().normalize()
        : home.resolve("master.key");
  }

  /**
   * Opens the database with the existing master key (never creates a key).
   *
   * @throws UsageException if there is no master key, it is not the database's, or the URL is wrong
   */
  KeycastDatabase open(Path home) {
    Path keyFile = masterKeyFile(home);
    if (!Files.exists(keyFile)) {
      throw new UsageException(
          "no master key at "
              + keyFile
              + ": run 'keycast init' first (or point --master-key-file / KEYCAST_MASTER_KEY_FILE at yours)");
    }
    if (dbUrl == null || dbUrl.isBlank()) {
      DataFolder.create(home);
    }
    // Follows the key file: a daemon keeps working across 'keycast master-key rotate'. Gives up on
    // an unreachable database within CLI_DB_TIMEOUT (exit code 75), well inside the 5 s an operator
    // waits before deciding something is wrong.
    return KeycastDatabase.builder(jdbcUrl(home))
        .keyEncryption(MasterKeyFileEncryption.read(keyFile))
        .connectionTimeout(CLI_DB_TIMEOUT)
        .open();
  }
}
