package dev.keycast.examples;

import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.BunkerUri;
import dev.keycast.nip46.EventTemplate;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.client.Nip46Client;
import dev.keycast.nip46.policy.Policies;
import dev.keycast.nip46.policy.Policy;
import dev.keycast.nip46.policy.RateLimit;
import dev.keycast.nip46.relay.DevRelay;
import dev.keycast.nip46.bunker.Bunker;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.KeyEncryption;
import dev.keycast.nip46.store.KeyEncryptionException;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.store.NewAuthorization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Embeds the signer in your own program: your own protection for the stored keys (a {@link KeyEncryption}, here a
 * stand-in for a KMS or HSM) and your own policy (a "notes-only" policy resolved by name), served over an in-process
 * dev relay and called by a NIP-46 client.
 *
 * <p>Run: {@code ./mvnw -q -pl examples -am compile exec:java -Dexec.mainClass=dev.keycast.examples.EmbeddedSignerExample}
 */
public final class EmbeddedSignerExample {
  private EmbeddedSignerExample() {}

  /**
   * Your key protection: AES-256-GCM under a key that, in real life, never leaves your KMS/HSM. Thread-safe
   * (stateless apart from the key); never logs.
   */
  static final class VaultKeyEncryption implements KeyEncryption {
    private final javax.crypto.SecretKey vaultKey;
    private final SecureRandom random = new SecureRandom();

    VaultKeyEncryption() throws GeneralSecurityException {
      KeyGenerator g = KeyGenerator.getInstance("AES");
      g.init(256);
      vaultKey = g.generateKey();
    }

    @Override
    public String schemeId() {
      return "example-vault-v1";
    }

    @Override
    public byte[] encrypt(byte[] plaintext, String associatedData) {
      try {
        byte[] iv = new byte[12];
        random.nextBytes(iv);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, vaultKey, new GCMParameterSpec(128, iv));
        c.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
        byte[] ct = c.doFinal(plaintext);
        byte[] out = Arrays.copyOf(iv, 12 + ct.length);
        System.arraycopy(ct, 0, out, 12, ct.length);
        return out;
      } catch (GeneralSecurityException e) {
        throw new KeyEncryptionException("vault encryption failed", e);
      }
    }

    @Override
    public byte[] decrypt(byte[] ciphertext, String associatedData) {
      try {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, vaultKey, new GCMParameterSpec(128, ciphertext, 0, 12));
        c.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
        return c.doFinal(ciphertext, 12, ciphertext.length - 12);
      } catch (GeneralSecurityException e) {
        throw new KeyEncryptionException("vault decryption failed", e);
      }
    }
  }

  /** Your policy: short text notes (kind 1) only, no encryption, no "password" in content, 60 requests a minute. */
  static final Policy NOTES_ONLY = Policy.builder("notes-only")
      .permissions("sign_event:1")
      .blockedWords(List.of("password"))
      .rateLimit(RateLimit.perMinute(60))
      .build();

  static Optional<Policy> policies(String name) {
    return NOTES_ONLY.name().equals(name) ? Optional.of(NOTES_ONLY) : Policies.builtIn(name);
  }

  /**
   * Runs the example.
   *
   * @param args ignored
   * @throws Exception if anything fails
   */
  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("keycast-embedded");
    try (DevRelay relay = DevRelay.start("127.0.0.1", 0);
        KeycastDatabase db = KeycastDatabase.builder("jdbc:sqlite:" + dir.resolve("signer.db"))
            .keyEncryption(new VaultKeyEncryption())
            .open()) {
      db.keys().generate("alice");
      Authorization auth = db.authorizations().create(NewAuthorization.builder("alice")
          .relays(relay.url()).policyName(NOTES_ONLY.name()).maxUses(null).build());
      String uri = new BunkerUri(auth.bunkerPublicKey(), auth.relays(), auth.secret()).format();
      System.out.println("bunker URI: " + uri);

      try (Bunker bunker = Bunker.builder()
              .database(db)
              .relays(List.of(relay.url()))
              .policies(EmbeddedSignerExample::policies)
              .build()
              .start();
          Nip46Client client = Nip46Client.builder(BunkerUri.parse(uri), SecretKey.generate())
              .timeout(Duration.ofSeconds(20)).build()) {
        client.awaitConnected(Duration.ofSeconds(20));
        System.out.println("connect:        " + client.connect(PermissionSet.all()).get());
        System.out.println("get_public_key: " + client.getPublicKey().get());
        long now = Instant.now().getEpochSecond();
        System.out.println("sign kind 1:    " + client.signEvent(new EventTemplate(1, "hello", List.of(), now)).get());
        System.out.println("sign kind 7:    " + client.signEvent(new EventTemplate(7, "+", List.of(), now)).get());
        System.out.println("blocked word:   "
            + client.signEvent(new EventTemplate(1, "my password is hunter2", List.of(), now)).get());
        PublicKey someone = SecretKey.generate().publicKey();
        System.out.println("nip44_encrypt:  " + client.nip44Encrypt(someone, "hi").get());
        System.out.println("health:         " + bunker.health().status());
      }
    }
  }
}
