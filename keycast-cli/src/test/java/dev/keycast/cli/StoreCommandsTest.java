package dev.keycast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keycast.crypto.InsecureSecretKeyAccess;
import dev.keycast.crypto.Nip19;
import dev.keycast.crypto.Nip49;
import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.store.MasterKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * init, keys, authorize, authorizations: outputs, JSON shapes, failure modes and what they leave in
 * the store.
 */
class StoreCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path home;
  private Cli cli;

  @BeforeEach
  void setUp() {
    cli = new Cli(home);
  }

  private Cli.Result ok(String... args) {
    Cli.Result r = cli.run(args);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return r;
  }

  private static void assertFails(Cli.Result r, int code, String messagePart) {
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(code);
    assertThat(r.err()).as(r.toString()).startsWith("keycast: ").contains(messagePart);
    // one line, plus picocli's "Try '… --help'" hint for usage errors
    assertThat(r.err().strip().lines().skip(1))
        .as("one line: " + r.err())
        .allSatisfy(l -> assertThat(l).startsWith("Try '"));
  }

  private JsonNode json(Cli.Result r) throws Exception {
    return JSON.readTree(r.out());
  }

  private List<String> keyNames() throws Exception {
    JsonNode keys = json(ok("keys", "list", "--json"));
    return keys.findValuesAsText("name");
  }

  @Test
  void init_createsMasterKey0600AndDatabase_refusesToOverwrite() throws Exception {
    Cli.Result r = ok("init");
    Path key = home.resolve("master.key");
    assertThat(r.out()).contains(key.toString()).contains("keycast.db");
    assertThat(Files.getPosixFilePermissions(key))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.exists(home.resolve("keycast.db"))).isTrue();
    byte[] before = Files.readAllBytes(key);

    assertFails(cli.run("init"), ExitCodes.USAGE, "already exists");
    assertThat(Files.readAllBytes(key)).isEqualTo(before);
  }

  @Test
  void init_writesAdminToken_addsItToAnExistingHome_rotateReplacesIt() throws Exception {
    ok("init");
    Path token = home.resolve("admin.token");
    assertThat(Files.getPosixFilePermissions(token))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    String first = Files.readString(token).strip();
    assertThat(ok("admin-token", "show").outTrim()).isEqualTo(first);

    Files.delete(token); // a home made before admin tokens existed
    byte[] key = Files.readAllBytes(home.resolve("master.key"));
    assertThat(ok("init").out()).contains("admin token");
    String added = Files.readString(token).strip();
    assertThat(added).isNotEqualTo(first).hasSize(43);
    assertThat(Files.readAllBytes(home.resolve("master.key"))).isEqualTo(key);

    String rotated = ok("admin-token", "rotate", "--print").outTrim();
    assertThat(rotated).isNotEqualTo(added).isEqualTo(Files.readString(token).strip());
  }

  @Test
  void init_databaseUnreachable_exit75_leavesNoMasterKey() {
    Cli.Result r =
        cli.run("init", "--db", "jdbc:postgresql://127.0.0.1:1/keycast?connectTimeout=2");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.TEMPORARILY_UNAVAILABLE);
    assertThat(r.err()).startsWith("keycast: database unreachable: ");
    assertThat(r.err().strip().lines().count()).isEqualTo(1);
    assertThat(Files.exists(home.resolve("master.key"))).isFalse();
  }

  @Test
  void commands_withoutInit_sayHowToInit_exit64() {
    assertFails(cli.run("keys", "list"), ExitCodes.USAGE, "keycast init");
    assertFails(cli.run("keys", "generate", "--name", "a"), ExitCodes.USAGE, "keycast init");
    assertThat(Files.exists(home.resolve("keycast.db"))).isFalse();
  }

  @Test
  void keysGenerate_json_hasNamePubkeyNpub() throws Exception {
    ok("init");
    JsonNode j = json(ok("keys", "generate", "--name", "alice", "--json"));
    assertThat(j.size()).isEqualTo(3);
    assertThat(j.get("name").asText()).isEqualTo("alice");
    assertThat(j.get("pubkey").asText()).matches("[0-9a-f]{64}");
    assertThat(Nip19.decodeNpub(j.get("npub").asText()).toHex())
        .isEqualTo(j.get("pubkey").asText());

    JsonNode list = json(ok("keys", "list", "--json"));
    assertThat(list.isArray()).isTrue();
    assertThat(list.get(0).get("pubkey").asText()).isEqualTo(j.get("pubkey").asText());
    assertThat(ok("keys", "list").out()).contains("alice");
  }

  @Test
  void keysGenerate_duplicateOrInvalidName_exit64_nothingAdded() throws Exception {
    ok("init");
    ok("keys", "generate", "--name", "alice");
    assertFails(cli.run("keys", "generate", "--name", "alice"), ExitCodes.USAGE, "alice");
    assertFails(
        cli.run("keys", "generate", "--name", "bad name!"), ExitCodes.USAGE, "invalid key name");
    assertThat(keyNames()).containsExactly("alice");
  }

  @Test
  void keysImport_nsecHexFromStdinAndFile_samePubkey() throws Exception {
    ok("init");
    SecretKey sk = SecretKey.generate();
    String hex = HexFormat.of().formatHex(sk.toBytes(InsecureSecretKeyAccess.get()));
    String nsec = Nip19.encodeNsec(sk, InsecureSecretKeyAccess.get());
    Cli.Result a = cli.runWithInput(nsec + "\n", "keys", "import", "--name", "a", "--json");
    assertThat(a.exitCode()).as(a.toString()).isZero();
    assertThat(json(a).get("pubkey").asText()).isEqualTo(sk.publicKey().toHex());
    SecretKey sk2 = SecretKey.generate();
    Path file = home.resolve("secret.txt");
    Files.writeString(
        file, HexFormat.of().formatHex(sk2.toBytes(InsecureSecretKeyAccess.get())) + "\n");
    JsonNode b =
        json(ok("keys", "import", "--name", "b", "--nsec-file", file.toString(), "--json"));
    assertThat(b.get("pubkey").asText()).isEqualTo(sk2.publicKey().toHex());
    // the same key twice is refused, and nothing is added
    assertFails(
        cli.runWithInput(hex, "keys", "import", "--name", "c"), ExitCodes.USAGE, "already stored");
    assertThat(keyNames()).containsExactlyInAnyOrder("a", "b");
    // the secret is never echoed
    assertThat(a.out() + a.err()).doesNotContain(nsec).doesNotContain(hex);
  }

  @Test
  void keysImport_garbageOrEmpty_exit64_nothingStored() throws Exception {
    ok("init");
    assertFails(
        cli.runWithInput("nsec1notreally\n", "keys", "import", "--name", "x"),
        ExitCodes.USAGE,
        "not a valid secret key");
    assertFails(
        cli.runWithInput("", "keys", "import", "--name", "x"), ExitCodes.USAGE, "no secret key");
    assertFails(
        cli.runWithInput("hello", "keys", "import", "--name", "x"),
        ExitCodes.USAGE,
        "unrecognized");
    assertFails(
        cli.runWithInput("00".repeat(32), "keys", "import", "--name", "x"),
        ExitCodes.USAGE,
        "not a valid secret key");
    assertThat(keyNames()).isEmpty();
  }

  @Test
  void keysExport_npubAndNcryptsecRoundTrip() throws Exception {
    ok("init");
    JsonNode k = json(ok("keys", "generate", "--name", "alice", "--json"));
    assertThat(ok("keys", "export", "--name", "alice", "--format", "npub").outTrim())
        .isEqualTo(k.get("npub").asText());
    Path pw = home.resolve("pw.txt");
    Files.writeString(pw, "correct horse battery staple\n");
    String ncryptsec =
        ok(
                "keys",
                "export",
                "--name",
                "alice",
                "--format",
                "ncryptsec",
                "--password-file",
                pw.toString())
            .outTrim();
    assertThat(ncryptsec).startsWith("ncryptsec1");
    assertThat(
            Nip49.decrypt(ncryptsec, "correct horse battery staple".toCharArray())
                .publicKey()
                .toHex())
        .isEqualTo(k.get("pubkey").asText());

    SecretKey other = SecretKey.generate();
    String otherEnc =
        Nip49.encrypt(
            other, "correct horse battery staple".toCharArray(), 16, Nip49.KEY_SECURITY_UNKNOWN);
    Cli.Result imported =
        cli.runWithInput(
            otherEnc,
            "keys",
            "import",
            "--name",
            "copy",
            "--password-file",
            pw.toString(),
            "--json");
    assertThat(imported.exitCode()).as(imported.toString()).isZero();
    assertThat(json(imported).get("pubkey").asText()).isEqualTo(other.publicKey().toHex());

    Files.writeString(pw, "wrong\n");
    assertFails(
        cli.runWithInput(
            Nip49.encrypt(SecretKey.generate(), "x".toCharArray(), 16, Nip49.KEY_SECURITY_UNKNOWN),
            "keys",
            "import",
            "--name",
            "copy2",
            "--password-file",
            pw.toString()),
        ExitCodes.USAGE,
        "wrong password");
    assertFails(
        cli.run("keys", "export", "--name", "nobody", "--format", "npub"),
        ExitCodes.USAGE,
        "unknown key");
  }

  @Test
  void wrongMasterKey_exit64_saysSo() throws Exception {
    ok("init");
    ok("keys", "generate", "--name", "alice");
    Path other = home.resolve("other.key");
    MasterKey.generate(other);
    assertFails(
        cli.run("keys", "list", "--master-key-file", other.toString()),
        ExitCodes.USAGE,
        "wrong master key");
  }

  @Test
  void authorize_json_shapeAndUsableBunkerUri() throws Exception {
    ok("init");
    JsonNode k = json(ok("keys", "generate", "--name", "alice", "--json"));
    JsonNode a =
        json(
            ok(
                "authorize",
                "--key",
                "alice",
                "--relay",
                "ws://127.0.0.1:7777",
                "--relay",
                "wss://relay.example.com",
                "--kinds",
                "1,7",
                "--max-uses",
                "2",
                "--expires-in",
                "30d",
                "--json"));
    assertThat(a.size()).isEqualTo(4);
    assertThat(a.get("id").asLong()).isPositive();
    assertThat(a.get("user_pubkey").asText()).isEqualTo(k.get("pubkey").asText());
    assertThat(a.get("bunker_pubkey").asText())
        .matches("[0-9a-f]{64}")
        .isNotEqualTo(k.get("pubkey").asText());
    String uri = a.get("bunker_uri").asText();
    dev.keycast.nip46.BunkerUri parsed = dev.keycast.nip46.BunkerUri.parse(uri);
    assertThat(parsed.signerPubkey().toHex()).isEqualTo(a.get("bunker_pubkey").asText());
    assertThat(parsed.relays()).containsExactly("ws://127.0.0.1:7777", "wss://relay.example.com");
    assertThat(parsed.secret()).isNotBlank();

    JsonNode list = json(ok("authorizations", "list", "--json"));
    assertThat(list.get(0).get("policy").asText()).isEqualTo("social.kinds.1-7");
    try (var db =
        dev.keycast.nip46.store.KeycastDatabase.open(
            "jdbc:sqlite:" + home.resolve("keycast.db"),
            dev.keycast.nip46.store.AesGcmKeyEncryption.create(
                MasterKey.read(home.resolve("master.key"))))) {
      var policy = db.policies().resolve("social.kinds.1-7").orElseThrow();
      assertThat(policy.allowsKind(1)).isTrue();
      assertThat(policy.allowsKind(7)).isTrue();
      assertThat(policy.allowsKind(4)).isFalse();
      assertThat(policy.permissions().allows(dev.keycast.nip46.Nip46Method.NIP44_ENCRYPT)).isTrue();
    }
    assertThat(list.get(0).get("max_uses").asInt()).isEqualTo(2);
    assertThat(list.get(0).get("status").asText()).isEqualTo("active");
    assertThat(list.toString()).doesNotContain(parsed.secret());
  }

  @Test
  void authorize_failures_exit64_nothingWritten() throws Exception {
    ok("init");
    ok("keys", "generate", "--name", "alice");
    assertFails(
        cli.run("authorize", "--key", "nobody", "--relay", "ws://127.0.0.1:1"),
        ExitCodes.USAGE,
        "unknown key");
    assertFails(
        cli.run("authorize", "--key", "alice", "--relay", "http://x"),
        ExitCodes.USAGE,
        "not a relay URL");
    assertFails(cli.run("authorize", "--key", "alice"), ExitCodes.USAGE, "--relay");
    assertFails(
        cli.run("authorize", "--key", "alice", "--relay", "ws://h", "--expires-in", "soon"),
        ExitCodes.USAGE,
        "--expires-in");
    assertFails(
        cli.run("authorize", "--key", "alice", "--relay", "ws://h", "--policy", "yolo"),
        ExitCodes.USAGE,
        "unknown policy");
    assertFails(
        cli.run("authorize", "--key", "alice", "--relay", "ws://h", "--kinds", "70000"),
        ExitCodes.USAGE,
        "0 to 65535");
    // --kinds outside the base policy: an error, not a policy that signs nothing
    assertFails(
        cli.run(
            "authorize",
            "--key",
            "alice",
            "--relay",
            "ws://h",
            "--policy",
            "readonly",
            "--kinds",
            "7"),
        ExitCodes.USAGE,
        "does not allow kind(s) 7");
    assertFails(
        cli.run("authorize", "--key", "alice", "--relay", "ws://h", "--kinds", "1,31337"),
        ExitCodes.USAGE,
        "does not allow kind(s) 31337");
    assertThat(json(ok("policies", "list", "--json")).size()).isEqualTo(3); // nothing saved
    assertThat(json(ok("authorizations", "list", "--json")).size()).isZero();
  }

  @Test
  void authorizationsRevoke_marksRevoked_unknownIdExit64() throws Exception {
    ok("init");
    ok("keys", "generate", "--name", "alice");
    long id =
        json(ok("authorize", "--key", "alice", "--relay", "ws://h:1", "--json")).get("id").asLong();
    assertThat(ok("authorizations", "revoke", Long.toString(id)).out()).contains("Revoked");
    assertThat(json(ok("authorizations", "list", "--json")).get(0).get("status").asText())
        .isEqualTo("revoked");
    assertThat(ok("authorizations", "revoke", Long.toString(id)).out()).contains("already revoked");
    assertFails(
        cli.run("authorizations", "revoke", "999"), ExitCodes.USAGE, "unknown authorization");
    assertFails(cli.run("authorizations", "revoke", "abc"), ExitCodes.USAGE, "abc");
  }
}
