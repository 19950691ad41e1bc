package dev.keycast.crypto.internal;

import dev.keycast.crypto.CryptoBackend;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECMultiplier;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.util.BigIntegers;
import org.jspecify.annotations.Nullable;

/**
 * Pure-Java secp256k1 and BIP-340 on Bouncy Castle's {@code SecP256K1} curve arithmetic. Not API,
 * may change at any time.
 *
 * <p>BIP-340 (tagged hashes, even-y {@code lift_x}, messages of any length) is implemented here
 * following the BIP's reference algorithm; Bouncy Castle supplies only field and point arithmetic.
 * Generator multiples use a fixed-point comb; other multiplications use the curve's default (GLV)
 * multiplier. This backend is the fallback: it is slower than libsecp256k1 and its side-channel
 * hardening is that of Bouncy Castle.
 *
 * <p>Thread-safety: stateless apart from precomputation; safe for concurrent use. This class takes
 * no locks; Bouncy Castle itself guards each point's precomputation table (for G, and for a
 * prepared public key) with a short {@code synchronized} lookup, held for nanoseconds once the
 * table exists.
 */
public final class BouncyCastleSecp256k1 implements Secp256k1 {
  /** The singleton. */
  public static final BouncyCastleSecp256k1 INSTANCE = new BouncyCastleSecp256k1();

  private static final X9ECParameters PARAMS = CustomNamedCurves.getByName("secp256k1");
  private static final ECCurve CURVE = PARAMS.getCurve();
  private static final ECPoint G = PARAMS.getG();
  private static final BigInteger N = PARAMS.getN();
  private static final BigInteger P = CURVE.getField().getCharacteristic();
  private static final ECMultiplier G_MULTIPLIER = new FixedPointCombMultiplier();

  private static final MessageDigest AUX_TAG = taggedPrototype("BIP0340/aux");
  private static final MessageDigest NONCE_TAG = taggedPrototype("BIP0340/nonce");
  private static final MessageDigest CHALLENGE_TAG = taggedPrototype("BIP0340/challenge");

  private BouncyCastleSecp256k1() {}

  @Override
  public CryptoBackend kind() {
    return CryptoBackend.JAVA;
  }

  @Override
  public String name() {
    return "bouncycastle";
  }

  @Override
  public boolean isValidSecretKey(byte[] sec32) {
    if (sec32.length != 32) {
      return false;
    }
    BigInteger d = new BigInteger(1, sec32);
    return d.signum() > 0 && d.compareTo(N) < 0;
  }

  @Override
  public boolean isValidXOnly(byte[] x32) {
    return x32.length == 32 && liftX(x32) != null;
  }

  @Override
  public byte[] xOnlyPublicKey(byte[] sec32) {
    return xBytes(G_MULTIPLIER.multiply(G, scalar(sec32)).normalize());
  }

  @Override
  public PreparedKey prepare(byte[] sec32) {
    return new BcPreparedKey(scalar(sec32));
  }

  @Override
  public boolean verify(byte[] sig64, byte[] message, byte[] x32) {
    Bytes.requireLength(sig64, 64, "signature");
    Bytes.requireLength(x32, 32, "x-only public key");
    return verifyLifted(sig64, message, x32, liftX(x32));
  }

  /** Caches lift_x (a square root mod p) for repeated verification against the same key. */
  @Override
  public PreparedPublicKey preparePublic(byte[] x32) {
    Bytes.requireLength(x32, 32, "x-only public key");
    byte[] x = x32.clone();
    ECPoint pk = liftX(x);
    return (sig64, message) -> {
      Bytes.requireLength(sig64, 64, "signature");
      return verifyLifted(sig64, message, x, pk);
    };
  }

  private static boolean verifyLifted(
      byte[] sig64, byte[] message, byte[] x32, @Nullable ECPoint pk) {
    if (pk == null) {
      return false;
    }
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(sig64, 0, 32));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(sig64, 32, 64));
    if (r.compareTo(P) >= 0 || s.compareTo(N) >= 0) {
      return false;
    }
    MessageDigest h = copy(CHALLENGE_TAG);
    h.update(sig64, 0, 32);
    h.update(x32);
    h.update(message);
    BigInteger e = new BigInteger(1, h.digest()).mod(N);
    // R = s·G - e·P
    ECPoint rPoint = ECAlgorithms.sumOfTwoMultiplies(G, s, pk, N.subtract(e).mod(N)).normalize();
    if (rPoint.isInfinity() || rPoint.getAffineYCoord().testBitZero()) {
      return false;
    }
    return rPoint.getAffineXCoord().toBigInteger().equals(r);
  }

  @Override
  public byte[] ecdhX(byte[] sec32, byte[] x32) {
    BigInteger d = scalar(sec32);
    Bytes.requireLength(x32, 32, "x-only public key");
    ECPoint pk = liftX(x32);
    if (pk == null) {
      throw new IllegalArgumentException("public key is not on the curve");
    }
    return xBytes(pk.multiply(d).normalize());
  }

  private static final class BcPreparedKey implements PreparedKey {
    private final BigInteger d; // secret adjusted so that d·G has even y
    private final byte[] px;

    BcPreparedKey(BigInteger d0) {
      ECPoint p = G_MULTIPLIER.multiply(G, d0).normalize();
      this.d = p.getAffineYCoord().testBitZero() ? N.subtract(d0) : d0;
      this.px = xBytes(p);
    }

    @Override
    public byte[] xOnlyPublicKey() {
      return px.clone();
    }

    @Override
    public byte[] sign(byte[] message, byte[] aux32) {
      Bytes.requireLength(aux32, 32, "aux randomness");
      byte[] t = BigIntegers.asUnsignedByteArray(32, d);
      byte[] auxHash = copy(AUX_TAG).digest(aux32);
      for (int i = 0; i < 32; i++) {
        t[i] ^= auxHash[i];
      }
      MessageDigest nonce = copy(NONCE_TAG);
      nonce.update(t);
      nonce.update(px);
      nonce.update(message);
      BigInteger k0 = new BigInteger(1, nonce.digest()).mod(N);
      if (k0.signum() == 0) {
        // Probability 2^-256; BIP-340 says fail.
        throw new IllegalStateException("BIP-340 nonce is zero");
      }
      ECPoint r = G_MULTIPLIER.multiply(G, k0).normalize();
      BigInteger k = r.getAffineYCoord().testBitZero() ? N.subtract(k0) : k0;
      byte[] rx = xBytes(r);
      MessageDigest ch = copy(CHALLENGE_TAG);
      ch.update(rx);
      ch.update(px);
      ch.update(message);
      BigInteger e = new BigInteger(1, ch.digest()).mod(N);
      byte[] sig = new byte[64];
      System.arraycopy(rx, 0, sig, 0, 32);
      System.arraycopy(
          BigIntegers.asUnsignedByteArray(32, k.add(e.multiply(d)).mod(N)), 0, sig, 32, 32);
      return sig;
    }
  }

  private static BigInteger scalar(byte[] sec32) {
    Bytes.requireLength(sec32, 32, "secret key");
    BigInteger d = new BigInteger(1, sec32);
    if (d.signum() <= 0 || d.compareTo(N) >= 0) {
      throw new IllegalArgumentException("secret key out of range [1, n-1]");
    }
    return d;
  }

  /** BIP-340 lift_x: the point with x coordinate x32 and even y, or null if there is none. */
  private static @Nullable ECPoint liftX(byte[] x32) {
    if (new BigInteger(1, x32).compareTo(P) >= 0) {
      return null;
    }
    byte[] enc = new byte[33];
    enc[0] = 0x02;
    System.arraycopy(x32, 0, enc, 1, 32);
    try {
      return CURVE.decodePoint(enc);
    } catch (IllegalArgumentException notOnCurve) {
      return null;
    }
  }

  private static byte[] xBytes(ECPoint normalized) {
    return BigIntegers.asUnsignedByteArray(32, normalized.getAffineXCoord().toBigInteger());
  }

  private static MessageDigest taggedPrototype(String tag) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] tagHash = md.digest(tag.getBytes(StandardCharsets.US_ASCII));
      md.update(tagHash);
      md.update(tagHash);
      var unused = md.clone(); // fail fast here if the provider cannot clone
      return md;
    } catch (NoSuchAlgorithmException | CloneNotSupportedException e) {
      throw new IllegalStateException("SHA-256 unavailable or not cloneable", e);
    }
  }

  private static MessageDigest copy(MessageDigest prototype) {
    try {
      return (MessageDigest) prototype.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException(e);
    }
  }
}
