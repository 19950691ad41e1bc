package dev.keycast.nip46.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.crypto.InsecureSecretKeyAccess;
import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.testing.TestDatabase;
import dev.keycast.nip46.testing.TestDatabase.Backend;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A dump of every table (and, for SQLite, the raw database and WAL files) contains no secret key.
 */
class NoPlaintextKeyInDumpTest {

  @ParameterizedTest
  @EnumSource(Backend.class)
  void dump_containsNoSecretKeyHexOrBytes(Backend backend) throws Exception {
    try (TestDatabase t = TestDatabase.create(backend)) {
      byte[] masterBytes = new byte[32];
      new java.security.SecureRandom().nextBytes(masterBytes);
      KeycastDatabase db = t.open(AesGcmKeyEncryption.create(MasterKey.fromBytes(masterBytes)));
      List<byte[]> secrets = new ArrayList<>();
      secrets.add(masterBytes); // the master key never goes into the database either
      SecretKey imported = SecretKey.generate();
      db.keys().importKey("imported", imported);
      db.keys().generate("generated");
      secrets.add(imported.toBytes(InsecureSecretKeyAccess.get()));
      secrets.add(
          db.keys().loadSecret("generated").orElseThrow().toBytes(InsecureSecretKeyAccess.get()));
      List<String> connectSecrets = new ArrayList<>();
      for (String name : List.of("imported", "generated")) {
        Authorization a =
            db.authorizations()
                .create(NewAuthorization.builder(name).relays("wss://relay.example").build());
        connectSecrets.add(java.util.Objects.requireNonNull(a.secret()));
        connectSecrets.add(
            java.util.Objects.requireNonNull(
                db.authorizations()
                    .create(
                        NewAuthorization.builder(name)
                            .relays("wss://relay.example")
                            .secret("client-chosen-" + name)
                            .build())
                    .secret()));
        db.authorizations()
            .connect(
                a.id(),
                SecretKey.generate().publicKey(),
                a.secret(),
                PermissionSet.empty(),
                Instant.now());
        secrets.add(
            db.authorizations()
                .loadBunkerSecret(a.id())
                .orElseThrow()
                .toBytes(InsecureSecretKeyAccess.get()));
      }
      List<String> dump = t.dumpAllTables();
      assertThat(dump).anyMatch(row -> row.startsWith("user_keys:"));
      assertThat(dump).anyMatch(row -> row.startsWith("authorizations:"));
      String all = String.join("\n", dump);
      for (byte[] secret : secrets) {
        String hex = HexFormat.of().formatHex(secret);
        assertThat(all).doesNotContain(hex);
        assertThat(all).doesNotContain(hex.substring(0, 16)); // not even a fragment
      }
      // Issue 13, item 8: connect secrets are stored as hashes only.
      for (String connectSecret : connectSecrets) {
        assertThat(all).doesNotContain(connectSecret);
      }
      if (backend == Backend.SQLITE) {
        byte[] files = rawFiles(t.dir());
        assertThat(files.length).isGreaterThan(4096);
        for (byte[] secret : secrets) {
          assertThat(indexOf(files, java.util.Arrays.copyOf(secret, 12)))
              .as("raw secret bytes in file")
              .isEqualTo(-1);
        }
        for (String connectSecret : connectSecrets) {
          assertThat(
                  indexOf(files, connectSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
              .as("plaintext connect secret in the database file")
              .isEqualTo(-1);
        }
      }
    }
  }

  private static byte[] rawFiles(Path dir) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.toList()) {
        out.write(Files.readAllBytes(p));
      }
    }
    return out.toByteArray();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
