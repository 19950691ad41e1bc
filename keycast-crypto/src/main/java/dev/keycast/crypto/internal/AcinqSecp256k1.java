package dev.keycast.crypto.internal;

import dev.keycast.crypto.CryptoBackend;
import fr.acinq.secp256k1.Secp256k1Exception;
import java.util.Arrays;

/**
 * libsecp256k1 through ACINQ's JNI binding ({@code fr.acinq.secp256k1}). Not API, may change at any
 * time.
 *
 * <p>ACINQ's {@code signSchnorr} takes the raw secret and derives the keypair on every call, and
 * {@code verifySchnorr} parses the public key on every call; {@link #prepare} can therefore cache
 * only the public key. Messages that are not 32 bytes long are signed and verified with {@link
 * BouncyCastleSecp256k1} (BIP-340 is deterministic given aux, so the bytes are identical); Nostr
 * only ever signs 32-byte ids.
 *
 * <p>Thread-safety: ACINQ uses one libsecp256k1 context, read-only after creation; safe for
 * concurrent use without locks. JNI calls pin a virtual thread's carrier for their duration (tens
 * of microseconds).
 */
public final class AcinqSecp256k1 implements Secp256k1 {
  private final fr.acinq.secp256k1.Secp256k1 lib;

  private AcinqSecp256k1(fr.acinq.secp256k1.Secp256k1 lib) {
    this.lib = lib;
  }

  /**
   * Loads the native library and checks it with a known-answer test.
   *
   * @return the backend
   * @throws LinkageError if the native library cannot be loaded (first attempt: {@code
   *     ExceptionInInitializerError}, later: {@code NoClassDefFoundError})
   * @throws IllegalStateException if the known-answer test fails
   */
  public static AcinqSecp256k1 load() {
    AcinqSecp256k1 backend = new AcinqSecp256k1(fr.acinq.secp256k1.Secp256k1.get());
    byte[] one = new byte[32];
    one[31] = 1;
    byte[] gx =
        Bytes.fromHex(
            "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798", 32, "generator x");
    if (!Arrays.equals(backend.xOnlyPublicKey(one), gx)) {
      throw new IllegalStateException("libsecp256k1 known-answer test failed");
    }
    return backend;
  }

  @Override
  public CryptoBackend kind() {
    return CryptoBackend.NATIVE;
  }

  @Override
  public String name() {
    return "acinq-jni";
  }

  @Override
  public boolean isValidSecretKey(byte[] sec32) {
    return sec32.length == 32 && lib.secKeyVerify(sec32);
  }

  @Override
  public boolean isValidXOnly(byte[] x32) {
    if (x32.length != 32) {
      return false;
    }
    try {
      lib.pubkeyParse(compressedEven(x32));
      return true;
    } catch (Secp256k1Exception invalid) {
      return false;
    }
  }

  @Override
  public byte[] xOnlyPublicKey(byte[] sec32) {
    Bytes.requireLength(sec32, 32, "secret key");
    try {
      return Arrays.copyOfRange(lib.pubkeyCreate(sec32), 1, 33);
    } catch (Secp256k1Exception e) {
      throw new IllegalArgumentException("secret key out of range [1, n-1]");
    }
  }

  @Override
  public PreparedKey prepare(byte[] sec32) {
    return new AcinqPreparedKey(sec32.clone(), xOnlyPublicKey(sec32));
  }

  @Override
  public boolean verify(byte[] sig64, byte[] message, byte[] x32) {
    Bytes.requireLength(sig64, 64, "signature");
    Bytes.requireLength(x32, 32, "x-only public key");
    if (message.length != 32) {
      return BouncyCastleSecp256k1.INSTANCE.verify(sig64, message, x32);
    }
    try {
      return lib.verifySchnorr(sig64, message, x32);
    } catch (Secp256k1Exception invalidKey) {
      // ACINQ throws instead of returning false when x is not on the curve.
      return false;
    }
  }

  @Override
  public byte[] ecdhX(byte[] sec32, byte[] x32) {
    Bytes.requireLength(sec32, 32, "secret key");
    Bytes.requireLength(x32, 32, "x-only public key");
    try {
      return Arrays.copyOfRange(lib.pubKeyTweakMul(compressedEven(x32), sec32), 1, 33);
    } catch (Secp256k1Exception e) {
      throw new IllegalArgumentException("invalid secret key or public key not on the curve");
    }
  }

  private static byte[] compressedEven(byte[] x32) {
    byte[] enc = new byte[33];
    enc[0] = 0x02;
    System.arraycopy(x32, 0, enc, 1, 32);
    return enc;
  }

  private final class AcinqPreparedKey implements PreparedKey {
    private final byte[] sec;
    private final byte[] px;

    AcinqPreparedKey(byte[] sec, byte[] px) {
      this.sec = sec;
      this.px = px;
    }

    @Override
    public byte[] xOnlyPublicKey() {
      return px.clone();
    }

    @Override
    public byte[] sign(byte[] message, byte[] aux32) {
      Bytes.requireLength(aux32, 32, "aux randomness");
      if (message.length != 32) {
        return BouncyCastleSecp256k1.INSTANCE.prepare(sec).sign(message, aux32);
      }
      return lib.signSchnorr(message, sec, aux32);
    }
  }
}
