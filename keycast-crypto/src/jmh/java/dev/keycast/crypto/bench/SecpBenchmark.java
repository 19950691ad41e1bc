package dev.keycast.crypto.bench;

import dev.keycast.crypto.Ecdh;
import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SchnorrSigner;
import dev.keycast.crypto.SchnorrVerifier;
import dev.keycast.crypto.SecretKey;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.crypto.UnsignedEvent;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Single-thread throughput of the secp256k1 operations and NIP-01 events through the public API, on
 * whichever backend the run selects (bench/run-jmh.sh runs it once per backend and sets {@code
 * keycast.bench.expect}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SecpBenchmark {
  private SecretKey secret;
  private PublicKey peer;
  private SchnorrSigner signer;
  private SchnorrVerifier verifier;
  private byte[] message;
  private byte[] aux;
  private byte[] signature;
  private UnsignedEvent event;
  private SignedEvent signed;

  @Setup
  public void setup() throws GeneralSecurityException {
    BenchInputs.checkBackend();
    secret = SecretKey.fromBytes(BenchInputs.secret());
    peer = SecretKey.fromBytes(BenchInputs.peerSecret()).publicKey();
    signer = SchnorrSigner.create(secret);
    verifier = SchnorrVerifier.create(secret.publicKey());
    message = BenchInputs.message();
    aux = BenchInputs.aux();
    signature = signer.sign(message, aux);
    verifier.verify(signature, message);
    // A NIP-46 reply-sized event: kind 24133, one p tag, 256 characters of content.
    event =
        new UnsignedEvent(
            secret.publicKey(),
            1_700_000_000L,
            24133,
            List.of(List.of("p", peer.toHex())),
            "c".repeat(256));
    signed = NostrEvents.sign(event, signer);
    NostrEvents.verify(signed);
  }

  /**
   * BIP-340 sign of a 32-byte message with the signer's cached key and explicit aux (compare: C
   * cached keypair).
   */
  @Benchmark
  public byte[] sign() {
    return signer.sign(message, aux);
  }

  /** The same with fresh aux randomness from SecureRandom, as {@link NostrEvents#sign} does. */
  @Benchmark
  public byte[] signRandomAux() {
    return signer.sign(message);
  }

  /** A new signer per signature: derives the keypair every time (compare: C derive-every-call). */
  @Benchmark
  public byte[] signNewSigner() {
    return SchnorrSigner.create(secret).sign(message, aux);
  }

  /** BIP-340 verify with the verifier's prepared public key. */
  @Benchmark
  public SchnorrVerifier verify() throws GeneralSecurityException {
    verifier.verify(signature, message);
    return verifier;
  }

  /** Shared x coordinate (the NIP-04/NIP-44 ECDH). */
  @Benchmark
  public byte[] ecdhX() throws InvalidKeyException {
    return Ecdh.sharedX(secret, peer);
  }

  /** NIP-01 canonical JSON, sha256 id, and signature with fresh aux. */
  @Benchmark
  public SignedEvent eventIdSign() {
    return NostrEvents.sign(event, signer);
  }

  /** NIP-01 id recomputation and signature verification of a signed event. */
  @Benchmark
  public SignedEvent eventVerify() throws GeneralSecurityException {
    NostrEvents.verify(signed);
    return signed;
  }
}
