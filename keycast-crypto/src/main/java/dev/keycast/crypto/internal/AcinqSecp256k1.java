package dev.keycast.crypto.internal;

import dev.keycast.crypto.CryptoBackend;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
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
 * <p>Why method handles instead of plain calls: ACINQ's jars split the package {@code
 * fr.acinq.secp256k1} ({@code secp256k1-kmp-jvm} and {@code secp256k1-kmp-jni-common} both hold
 * classes of it), so they cannot be modules of the same layer: a module path holding both fails
 * with {@code ResolutionException}. {@code dev.keycast.crypto} therefore does not require them;
 * they stay on the class path (the unnamed module), where Maven puts jars that no module requires,
 * and this class reaches them by name through its own class loader. {@link
 * MethodHandles#publicLookup()} needs no readability edge to the unnamed module, and the handles
 * live in static finals, so the JIT inlines them like direct calls. The same code runs unchanged
 * when everything is on the class path.
 *
 * <p>Thread-safety: ACINQ uses one libsecp256k1 context, read-only after creation; safe for
 * concurrent use without locks. JNI calls pin a virtual thread's carrier for their duration (tens
 * of microseconds).
 */
public final class AcinqSecp256k1 implements Secp256k1 {
  private static final String API_CLASS = "fr.acinq.secp256k1.Secp256k1";
  private static final String EXCEPTION_CLASS = "fr.acinq.secp256k1.Secp256k1Exception";

  private AcinqSecp256k1() {}

  /**
   * Loads ACINQ's JNI library ({@code libsecp256k1-jni}) into this class loader, extracting it from
   * the {@code secp256k1-kmp-jni-jvm-*} jar on first use. The FFM backend calls this first, so that
   * {@code SymbolLookup.loaderLookup()} finds the library's symbols.
   *
   * @throws LinkageError if the ACINQ jars are absent or the native library cannot be loaded (first
   *     attempt: {@code ExceptionInInitializerError}, later: {@code NoClassDefFoundError})
   */
  public static void loadLibrary() {
    Object unused = Jni.LIB;
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
    loadLibrary();
    AcinqSecp256k1 backend = new AcinqSecp256k1();
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
    if (sec32.length != 32) {
      return false;
    }
    try {
      return (boolean) Jni.SEC_KEY_VERIFY.invokeExact(Jni.LIB, sec32);
    } catch (Throwable t) {
      throw Jni.unexpected(t);
    }
  }

  @Override
  public boolean isValidXOnly(byte[] x32) {
    if (x32.length != 32) {
      return false;
    }
    try {
      byte[] unused = (byte[]) Jni.PUBKEY_PARSE.invokeExact(Jni.LIB, compressedEven(x32));
      return true;
    } catch (Throwable t) {
      if (Jni.isAcinqFailure(t)) {
        return false;
      }
      throw Jni.unexpected(t);
    }
  }

  @Override
  public byte[] xOnlyPublicKey(byte[] sec32) {
    Bytes.requireLength(sec32, 32, "secret key");
    try {
      return Arrays.copyOfRange((byte[]) Jni.PUBKEY_CREATE.invokeExact(Jni.LIB, sec32), 1, 33);
    } catch (Throwable t) {
      if (Jni.isAcinqFailure(t)) {
        throw new IllegalArgumentException("secret key out of range [1, n-1]");
      }
      throw Jni.unexpected(t);
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
      return (boolean) Jni.VERIFY_SCHNORR.invokeExact(Jni.LIB, sig64, message, x32);
    } catch (Throwable t) {
      // ACINQ throws instead of returning false when x is not on the curve.
      if (Jni.isAcinqFailure(t)) {
        return false;
      }
      throw Jni.unexpected(t);
    }
  }

  @Override
  public byte[] ecdhX(byte[] sec32, byte[] x32) {
    Bytes.requireLength(sec32, 32, "secret key");
    Bytes.requireLength(x32, 32, "x-only public key");
    try {
      return Arrays.copyOfRange(
          (byte[]) Jni.PUBKEY_TWEAK_MUL.invokeExact(Jni.LIB, compressedEven(x32), sec32), 1, 33);
    } catch (Throwable t) {
      if (Jni.isAcinqFailure(t)) {
        throw new IllegalArgumentException("invalid secret key or public key not on the curve");
      }
      throw Jni.unexpected(t);
    }
  }

  private static byte[] compressedEven(byte[] x32) {
    byte[] enc = new byte[33];
    enc[0] = 0x02;
    System.arraycopy(x32, 0, enc, 1, 32);
    return enc;
  }

  private static final class AcinqPreparedKey implements PreparedKey {
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
      try {
        return (byte[]) Jni.SIGN_SCHNORR.invokeExact(Jni.LIB, message, sec, aux32);
      } catch (Throwable t) {
        throw Jni.unexpected(t);
      }
    }
  }

  /**
   * ACINQ's {@code Secp256k1} instance and the handles of the methods used, looked up once. Class
   * initialization fails (a {@link LinkageError}) if the jars are absent or the library cannot
   * load.
   */
  private static final class Jni {
    static final Object LIB;
    static final MethodHandle SEC_KEY_VERIFY;
    static final MethodHandle PUBKEY_PARSE;
    static final MethodHandle PUBKEY_CREATE;
    static final MethodHandle VERIFY_SCHNORR;
    static final MethodHandle PUBKEY_TWEAK_MUL;
    static final MethodHandle SIGN_SCHNORR;

    static {
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      try {
        Class<?> api = Class.forName(API_CLASS, true, AcinqSecp256k1.class.getClassLoader());
        // Kotlin's companion `get()`, a static method of the interface (@JvmStatic): extracts and
        // System.loads the library, or throws.
        LIB = lookup.findStatic(api, "get", MethodType.methodType(api)).invoke();
        SEC_KEY_VERIFY = handle(lookup, api, "secKeyVerify", boolean.class, byte[].class);
        PUBKEY_PARSE = handle(lookup, api, "pubkeyParse", byte[].class, byte[].class);
        PUBKEY_CREATE = handle(lookup, api, "pubkeyCreate", byte[].class, byte[].class);
        VERIFY_SCHNORR =
            handle(
                lookup,
                api,
                "verifySchnorr",
                boolean.class,
                byte[].class,
                byte[].class,
                byte[].class);
        PUBKEY_TWEAK_MUL =
            handle(lookup, api, "pubKeyTweakMul", byte[].class, byte[].class, byte[].class);
        SIGN_SCHNORR =
            handle(
                lookup, api, "signSchnorr", byte[].class, byte[].class, byte[].class, byte[].class);
      } catch (Error | RuntimeException e) {
        throw e;
      } catch (Throwable e) {
        throw new LinkageError("ACINQ secp256k1 is not usable: " + e, e);
      }
    }

    private Jni() {}

    /** A virtual method of ACINQ's API, adapted to take the instance as {@code Object}. */
    private static MethodHandle handle(
        MethodHandles.Lookup lookup,
        Class<?> api,
        String name,
        Class<?> returns,
        Class<?>... params)
        throws ReflectiveOperationException {
      MethodHandle h = lookup.findVirtual(api, name, MethodType.methodType(returns, params));
      return h.asType(h.type().changeParameterType(0, Object.class));
    }

    /** Whether ACINQ reported invalid input (its {@code Secp256k1Exception} or a subclass). */
    static boolean isAcinqFailure(Throwable t) {
      for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
        if (c.getName().equals(EXCEPTION_CLASS)) {
          return true;
        }
      }
      return false;
    }

    /** Rethrows unchecked throwables as they are; anything else cannot happen here. */
    static RuntimeException unexpected(Throwable t) {
      if (t instanceof RuntimeException r) {
        return r;
      }
      if (t instanceof Error e) {
        throw e;
      }
      return new IllegalStateException("ACINQ secp256k1 call failed", t);
    }
  }
}
