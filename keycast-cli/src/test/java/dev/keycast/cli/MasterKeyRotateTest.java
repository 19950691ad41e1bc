package dev.keycast.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keycast.nip46.store.AesGcmKeyEncryption;
import dev.keycast.nip46.store.KeyEncryptionException;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.store.MasterKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, item 16: {@code keycast master-key rotate} re-encrypts every stored key under a new
 * master key while a daemon runs; the daemon keeps serving real clients before and after, and picks
 * up the new key (for a bunker key it never had cached) without a restart.
 */
class MasterKeyRotateTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path home;

  private static JsonNode signSome(String bunkerUri) throws Exception {
    Cli.Result r =
        Cli.exec(
            "",
            "loadtest",
            "--bunker",
            bunkerUri,
            "--requests",
            "6",
            "--concurrency",
            "2",
            "--clients",
            "1",
            "--method",
            "sign_event",
            "--json");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return JSON.readTree(r.out());
  }

  @Test
  void rotate_whileTheDaemonRuns_clientsServedBeforeAndAfter_oldKeyBackedUp() throws Exception {
    try (DevDaemon d = new DevDaemon(home)) {
      Path keyFile = home.resolve("master.key");
      MasterKey oldKey = MasterKey.read(keyFile);
      assertThat(signSome(d.daemon.demoBunkerUri()).get("ok").asInt()).isEqualTo(6);

      Cli cli = new Cli(home);
      Cli.Result rotated = cli.run("master-key", "rotate");
      assertThat(rotated.exitCode()).as(rotated.toString()).isZero();
      assertThat(rotated.out()).contains("Re-encrypted");

      // The old key is kept as a dated 0600 backup; the key file holds a new key.
      List<Path> backups;
      try (Stream<Path> files = Files.list(home)) {
        backups =
            files
                .filter(
                    p -> p.getFileName().toString().matches("master\\.key\\.\\d{8}T\\d{6}Z\\.bak"))
                .toList();
      }
      assertThat(backups).hasSize(1);
      assertThat(MasterKey.read(backups.get(0))).isEqualTo(oldKey);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backups.get(0))))
          .isEqualTo("rw-------");
      assertThat(MasterKey.read(keyFile)).isNotEqualTo(oldKey);
      assertThat(Files.exists(home.resolve("master.key.new"))).isFalse();
      assertThatThrownBy(
              () ->
                  KeycastDatabase.open(
                          "jdbc:sqlite:" + home.resolve("keycast.db"),
                          AesGcmKeyEncryption.create(oldKey))
                      .close())
          .isInstanceOf(KeyEncryptionException.class);

      // The daemon, started on the old key, serves the client it had and a new authorization
      // (whose bunker key it must decrypt from the store under the new key).
      assertThat(signSome(d.daemon.demoBunkerUri()).get("ok").asInt()).isEqualTo(6);
      Cli.Result auth =
          cli.run(
              "authorize",
              "--key",
              Daemon.DEMO_KEY,
              "--relay",
              d.relay(),
              "--policy",
              "full",
              "--max-uses",
              "0",
              "--json");
      assertThat(auth.exitCode()).as(auth.toString()).isZero();
      JsonNode a = JSON.readTree(auth.out());
      d.awaitSignerKey(a.get("bunker_pubkey").asText());
      JsonNode after = signSome(a.get("bunker_uri").asText());
      assertThat(after.get("ok").asInt()).as(after.toString()).isEqualTo(6);
    }
  }
}
