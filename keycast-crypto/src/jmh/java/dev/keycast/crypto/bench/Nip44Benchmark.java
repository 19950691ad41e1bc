package dev.keycast.crypto.bench;

import dev.keycast.crypto.Nip44Cipher;
import dev.keycast.crypto.Nip44ConversationKey;
import dev.keycast.crypto.SecretKey;
import java.security.GeneralSecurityException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Single-thread NIP-44 v2 throughput with a conversation key derived once (as a bunker's cache
 * holds it), random nonces as in production. The secp256k1 backend only matters for {@link
 * #conversationKey}; the symmetric part is the JDK's ChaCha20 and HmacSHA256.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class Nip44Benchmark {
  private SecretKey secret;
  private dev.keycast.crypto.PublicKey peer;
  private Nip44ConversationKey key;
  private String text100;
  private String text10k;
  private String payload100;

  @Setup
  public void setup() throws GeneralSecurityException {
    BenchInputs.checkBackend();
    secret = SecretKey.fromBytes(BenchInputs.secret());
    peer = SecretKey.fromBytes(BenchInputs.peerSecret()).publicKey();
    key = Nip44ConversationKey.derive(secret, peer);
    text100 = "a".repeat(100);
    text10k = "b".repeat(10 * 1024);
    payload100 = Nip44Cipher.encrypt(text100, key);
    if (!Nip44Cipher.decrypt(payload100, key).equals(text100)) {
      throw new IllegalStateException("NIP-44 round trip failed");
    }
  }

  @Benchmark
  public String encrypt100B() {
    return Nip44Cipher.encrypt(text100, key);
  }

  @Benchmark
  public String encrypt10KB() {
    return Nip44Cipher.encrypt(text10k, key);
  }

  @Benchmark
  public String decrypt100B() throws GeneralSecurityException {
    return Nip44Cipher.decrypt(payload100, key);
  }

  /** ECDH + HKDF-extract: the cost of a conversation-key cache miss. */
  @Benchmark
  public Nip44ConversationKey conversationKey() throws GeneralSecurityException {
    return Nip44ConversationKey.derive(secret, peer);
  }
}
