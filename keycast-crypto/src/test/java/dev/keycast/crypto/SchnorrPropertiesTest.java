package dev.keycast.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.crypto.internal.Secp256k1;
import dev.keycast.crypto.testing.CryptoArbitraries;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** BIP-340 properties, checked on every backend in every try, plus cross-backend equality. */
class SchnorrPropertiesTest {
  private static final List<Secp256k1> BACKENDS = TestBackends.all();

  @Provide
  Arbitrary<SecretKey> keys() {
    return CryptoArbitraries.secretKeys();
  }

  @Provide
  Arbitrary<byte[]> aux() {
    return CryptoArbitraries.bytes(32);
  }

  @Provide
  Arbitrary<byte[]> messages() {
    return CryptoArbitraries.bytes(0, 100);
  }

  @Provide
  Arbitrary<byte[]> nonEmptyMessages() {
    return CryptoArbitraries.bytes(1, 64);
  }

  private static byte[] sec(SecretKey k) {
    return k.toBytes(InsecureSecretKeyAccess.get());
  }

  @Property(tries = 150)
  void sign_anyKeyMessageAux_verifiesAndIsIdenticalOnEveryBackend(
      @ForAll("keys") SecretKey key,
      @ForAll("messages") byte[] message,
      @ForAll("aux") byte[] aux) {
    byte[] firstSig = null;
    byte[] firstPub = null;
    for (Secp256k1 b : BACKENDS) {
      byte[] pub = b.xOnlyPublicKey(sec(key));
      byte[] sig = b.prepare(sec(key)).sign(message, aux);
      assertThat(b.verify(sig, message, pub)).as(b.name()).isTrue();
      assertThat(b.preparePublic(pub).verify(sig, message)).as(b.name()).isTrue();
      for (Secp256k1 other : BACKENDS) {
        assertThat(other.verify(sig, message, pub))
            .as(b.name() + " signature on " + other.name())
            .isTrue();
      }
      if (firstSig == null) {
        firstSig = sig;
        firstPub = pub;
      } else {
        assertThat(sig).as(b.name() + " signature").isEqualTo(firstSig);
        assertThat(pub).as(b.name() + " public key").isEqualTo(firstPub);
      }
    }
  }

  @Property(tries = 150)
  void verify_flippedSignatureBit_fails(
      @ForAll("keys") SecretKey key,
      @ForAll("nonEmptyMessages") byte[] message,
      @ForAll("aux") byte[] aux,
      @ForAll @IntRange(min = 0, max = 511) int bit) {
    byte[] pub = BACKENDS.get(0).xOnlyPublicKey(sec(key));
    byte[] sig = BACKENDS.get(0).prepare(sec(key)).sign(message, aux);
    sig[bit / 8] ^= (byte) (1 << (bit % 8));
    for (Secp256k1 b : BACKENDS) {
      assertThat(b.verify(sig, message, pub)).as(b.name()).isFalse();
    }
  }

  @Property(tries = 150)
  void verify_flippedMessageBit_fails(
      @ForAll("keys") SecretKey key,
      @ForAll("nonEmptyMessages") byte[] message,
      @ForAll("aux") byte[] aux,
      @ForAll @IntRange(min = 0, max = 511) int bitSeed) {
    byte[] pub = BACKENDS.get(0).xOnlyPublicKey(sec(key));
    byte[] sig = BACKENDS.get(0).prepare(sec(key)).sign(message, aux);
    byte[] tampered = message.clone();
    int bit = bitSeed % (message.length * 8);
    tampered[bit / 8] ^= (byte) (1 << (bit % 8));
    for (Secp256k1 b : BACKENDS) {
      assertThat(b.verify(sig, tampered, pub)).as(b.name()).isFalse();
    }
  }

  @Property(tries = 150)
  void verify_flippedPublicKeyBit_fails(
      @ForAll("keys") SecretKey key,
      @ForAll("nonEmptyMessages") byte[] message,
      @ForAll("aux") byte[] aux,
      @ForAll @IntRange(min = 0, max = 255) int bit) {
    byte[] pub = BACKENDS.get(0).xOnlyPublicKey(sec(key));
    byte[] sig = BACKENDS.get(0).prepare(sec(key)).sign(message, aux);
    byte[] otherPub = pub.clone();
    otherPub[bit / 8] ^= (byte) (1 << (bit % 8));
    for (Secp256k1 b : BACKENDS) {
      assertThat(b.verify(sig, message, otherPub)).as(b.name()).isFalse();
    }
  }

  @Property(tries = 100)
  void verify_signatureFromOtherKey_fails(
      @ForAll("keys") SecretKey key,
      @ForAll("keys") SecretKey other,
      @ForAll("messages") byte[] message,
      @ForAll("aux") byte[] aux) {
    byte[] sig = BACKENDS.get(0).prepare(sec(other)).sign(message, aux);
    byte[] pub = BACKENDS.get(0).xOnlyPublicKey(sec(key));
    boolean same = Arrays.equals(pub, BACKENDS.get(0).xOnlyPublicKey(sec(other)));
    for (Secp256k1 b : BACKENDS) {
      assertThat(b.verify(sig, message, pub)).as(b.name()).isEqualTo(same);
    }
  }

  @Property(tries = 100)
  void publicSigner_signThenVerify_roundTrips(
      @ForAll("keys") SecretKey key, @ForAll("messages") byte[] message) throws Exception {
    SchnorrSigner signer = SchnorrSigner.create(key);
    assertThat(signer.publicKey()).isEqualTo(key.publicKey());
    byte[] sig = signer.sign(message);
    SchnorrVerifier.create(key.publicKey()).verify(sig, message);
  }

  @Property(tries = 150)
  void ecdhX_anyTwoKeys_symmetricAndIdenticalOnEveryBackend(
      @ForAll("keys") SecretKey a, @ForAll("keys") SecretKey b) {
    byte[] first = null;
    for (Secp256k1 backend : BACKENDS) {
      byte[] ab = backend.ecdhX(sec(a), backend.xOnlyPublicKey(sec(b)));
      byte[] ba = backend.ecdhX(sec(b), backend.xOnlyPublicKey(sec(a)));
      assertThat(ab).as(backend.name() + " symmetry").isEqualTo(ba);
      if (first == null) {
        first = ab;
      } else {
        assertThat(ab).as(backend.name()).isEqualTo(first);
      }
    }
  }

  @Property(tries = 150)
  void isValidXOnly_randomBytes_agreesOnEveryBackend(@ForAll("aux") byte[] x) {
    boolean expected = BACKENDS.get(0).isValidXOnly(x);
    for (Secp256k1 b : BACKENDS) {
      assertThat(b.isValidXOnly(x)).as(b.name()).isEqualTo(expected);
    }
  }
}
