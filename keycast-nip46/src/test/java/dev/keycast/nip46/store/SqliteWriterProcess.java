package dev.keycast.nip46.store;

import java.nio.file.Path;

/**
 * Entry point of a separate JVM used by {@link SqliteMultiProcessTest}: opens the database as
 * another process (the CLI) would and creates {@code count} authorizations for key {@code alice}.
 */
public final class SqliteWriterProcess {
  private SqliteWriterProcess() {}

  /**
   * Runs.
   *
   * @param args jdbc url, master key file, count
   */
  public static void main(String[] args) {
    KeyEncryption enc = AesGcmKeyEncryption.create(MasterKey.read(Path.of(args[1])));
    try (KeycastDatabase db = KeycastDatabase.open(args[0], enc)) {
      int count = Integer.parseInt(args[2]);
      for (int i = 0; i < count; i++) {
        db.authorizations()
            .create(
                NewAuthorization.builder("alice")
                    .relays("wss://child.example")
                    .label("child-" + i)
                    .build());
      }
    }
  }
}
