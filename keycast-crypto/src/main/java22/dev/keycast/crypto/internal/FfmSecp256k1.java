package dev.keycast.crypto.internal;

import dev.keycast.crypto.CryptoBackend;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * libsecp256k1 through the Foreign Function &amp; Memory API (JDK 22+), calling the C API exported
 * by the {@code libsecp256k1-jni.so} that ACINQ's {@code secp256k1-kmp-jni-jvm} bundles. Not API,
 * may change at any time.
 *
 * <p>Why: ACINQ's JNI API takes the raw secret on every {@code signSchnorr} call, so libsecp256k1
 * derives the keypair (a full scalar multiplication) every time, and {@code verifySchnorr} parses
 * the public key every time. Through FFM this backend calls the C functions directly: {@link
 * #prepare} runs {@code secp256k1_keypair_create} once per key, {@link #preparePublic} runs {@code
 * secp256k1_xonly_pubkey_parse} once per key, and signing is a single {@code
 * secp256k1_schnorrsig_sign32}. Public keys that arrive as raw bytes ({@link #verify}, {@link
 * #ecdhX}, {@link #isValidXOnly}) go through a small cache of parsed keys (see {@link
 * ParsedKeyCache}), so a peer seen before costs no square root. Results are byte-identical to
 * {@link AcinqSecp256k1} and {@link BouncyCastleSecp256k1} (BIP-340 is deterministic for a given
 * aux).
 *
 * <p>Loading: {@link AcinqSecp256k1#loadLibrary()} ({@code fr.acinq.secp256k1.Secp256k1.get()})
 * extracts and {@code System.load}s the library into this class loader; {@link
 * SymbolLookup#loaderLookup()} (called from this class, which must share that class loader) then
 * finds the {@code secp256k1_*} symbols in that same copy, so no second library is loaded. If
 * anything fails the static initializer throws and {@link Backends} falls back to ACINQ's JNI.
 *
 * <p>This class exists only in {@code META-INF/versions/22} of the multi-release jar: JDK 21 never
 * sees it (and {@link Backends} also checks {@code Runtime.version().feature() >= 22} before
 * looking it up), so Java 21 stays on the JNI path.
 *
 * <p>Memory: keypairs (96 bytes) and parsed keys (64 bytes) are opaque libsecp256k1 structs kept in
 * ordinary {@code byte[]}s and passed, like all other arguments, as heap segments to {@link
 * Linker.Option#critical critical} downcalls; nothing is allocated off-heap on the hot path and
 * nothing needs freeing. Only signing a message that is not 32 bytes long (never the case for Nostr
 * ids) uses a confined arena, because libsecp256k1 then needs a struct holding a pointer to the aux
 * bytes.
 *
 * <p>Thread-safety: one libsecp256k1 context, created and randomized once in the static initializer
 * and read-only afterwards, shared by all threads, as libsecp256k1 allows for every function used
 * here. Prepared keys are immutable after construction. No locks. Critical downcalls may delay
 * garbage collection for the length of one call (tens of microseconds) and, like JNI, pin a virtual
 * thread's carrier for that time.
 */
public final class FfmSecp256k1 implements Secp256k1 {
  private static final int KEYPAIR_BYTES = 96;
  private static final int XONLY_BYTES = 64;
  private static final int PUBKEY_BYTES = 64;

  /** SECP256K1_CONTEXT_NONE. */
  private static final int CONTEXT_NONE = 1;

  /** SECP256K1_EC_COMPRESSED. */
  private static final int EC_COMPRESSED = 0x102;

  /** SECP256K1_SCHNORRSIG_EXTRAPARAMS_MAGIC = { 0xda, 0x6f, 0xb3, 0x8c }. */
  private static final byte[] EXTRAPARAMS_MAGIC = {(byte) 0xda, 0x6f, (byte) 0xb3, (byte) 0x8c};

  private static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
  private static final ValueLayout.OfLong C_SIZE_T = ValueLayout.JAVA_LONG;
  private static final ValueLayout PTR = ValueLayout.ADDRESS;

  private static final MethodHandle EC_SECKEY_VERIFY;
  private static final MethodHandle KEYPAIR_CREATE;
  private static final MethodHandle KEYPAIR_XONLY_PUB;
  private static final MethodHandle XONLY_PUBKEY_SERIALIZE;
  private static final MethodHandle XONLY_PUBKEY_PARSE;
  private static final MethodHandle SCHNORRSIG_SIGN32;
  private static final MethodHandle SCHNORRSIG_SIGN_CUSTOM;
  private static final MethodHandle SCHNORRSIG_VERIFY;
  private static final MethodHandle EC_PUBKEY_PARSE;
  private static final MethodHandle EC_PUBKEY_TWEAK_MUL;
  private static final MethodHandle EC_PUBKEY_SERIALIZE;

  /** The shared, randomized, never destroyed context ({@code secp256k1_context*}). */
  private static final MemorySegment CTX;

  private static final FfmSecp256k1 INSTANCE = new FfmSecp256k1();
  private static final ParsedKeyCache PARSED = new ParsedKeyCache(1024);

  static {
    // Loads libsecp256k1-jni.so into this class loader (throws a LinkageError if it cannot).
    AcinqSecp256k1.loadLibrary();
    SymbolLookup lib = SymbolLookup.loaderLookup();
    Linker linker = Linker.nativeLinker();
    Linker.Option critical = Linker.Option.critical(true);
    EC_SECKEY_VERIFY =
        downcall(
            linker,
            lib,
            "secp256k1_ec_seckey_verify",
            FunctionDescriptor.of(C_INT, PTR, PTR),
            critical);
    KEYPAIR_CREATE =
        downcall(
            linker,
            lib,
            "secp256k1_keypair_create",
            FunctionDescriptor.of(C_INT, PTR, PTR, PTR),
            critical);
    KEYPAIR_XONLY_PUB =
        downcall(
            linker,
            lib,
            "secp256k1_keypair_xonly_pub",
            FunctionDescriptor.of(C_INT, PTR, PTR, PTR, PTR),
            critical);
    XONLY_PUBKEY_SERIALIZE =
        downcall(
            linker,
            lib,
            "secp256k1_xonly_pubkey_serialize",
            FunctionDescriptor.of(C_INT, PTR, PTR, PTR),
            critical);
    XONLY_PUBKEY_PARSE =
        downcall(
            linker,
            lib,
            "secp256k1_xonly_pubkey_parse",
            FunctionDescriptor.of(C_INT, PTR, PTR, PTR),
            critical);
    SCHNORRSIG_SIGN32 =
        downcall(
            linker,
            lib,
            "secp256k1_schnorrsig_sign32",
            FunctionDescriptor.of(C_INT, PTR, PTR, PTR, PTR, PTR),
            critical);
    // Not critical: its extraparams struct holds a pointer, so every argument lives in a confined
    // arena.
    SCHNORRSIG_SIGN_CUSTOM =
        downcall(
            linker,
            lib,
            "secp256k1_schnorrsig_sign_custom",
            FunctionDescriptor.of(C_INT, PTR, PTR, PTR, C_SIZE_T, PTR, PTR));
    SCHNORRSIG_VERIFY =
        downcall(
            linker,
            lib,
            "secp256k1_schnorrsig_verify",
            FunctionDescriptor.of(C_INT, PTR, PTR, PTR, C_SIZE_T, PTR),
            critical);
    EC_PUBKEY_PARSE =
        downcall(
            linker,
            lib,
            "secp256k1_ec_pubkey_parse",
            FunctionDescriptor.of(C_INT, PTR, PTR, PTR, C_SIZE_T),
            critical);
    EC_PUBKEY_TWEAK_MUL =
        downcall(
            linker,
            lib,
            "secp256k1_ec_pubkey_tweak_mul",
            FunctionDescriptor.of(C_INT, PTR, PTR, PTR),
            critical);
    EC_PUBKEY_SERIALIZE =
        downcall(
            linker,
            lib,
            "secp256k1_ec_pubkey_serialize",
            FunctionDescriptor.of(C_INT, PTR, PTR, PTR, PTR, C_INT),
            critical);
    MethodHandle contextCreate =
        downcall(linker, lib, "secp256k1_context_create", FunctionDescriptor.of(PTR, C_INT));
    MethodHandle contextRandomize =
        downcall(
            linker,
            lib,
            "secp256k1_context_randomize",
            FunctionDescriptor.of(C_INT, PTR, PTR),
            critical);
    try {
      MemorySegment ctx = (MemorySegment) contextCreate.invokeExact(CONTEXT_NONE);
      if (ctx.equals(MemorySegment.NULL)) {
        throw new IllegalStateException("secp256k1_context_create returned NULL");
      }
      // Blinding of the signing context against side channels, as libsecp256k1 recommends; results
      // do not change.
      byte[] seed = new byte[32];
      new SecureRandom().nextBytes(seed);
      int ok = (int) contextRandomize.invokeExact(ctx, MemorySegment.ofArray(seed));
      Arrays.fill(seed, (byte) 0);
      if (ok != 1) {
        throw new IllegalStateException("secp256k1_context_randomize failed");
      }
      CTX = ctx;
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("libsecp256k1 context setup failed", t);
    }
  }

  private FfmSecp256k1() {}

  /**
   * The backend, after a known-answer test (the x-only key of 1 is G's x; a BIP-340 vector signs
   * and verifies). Called reflectively by {@link Backends}.
   *
   * @return the backend
   * @throws LinkageError if the native library or one of its symbols cannot be loaded (first call:
   *     {@link ExceptionInInitializerError}; later calls: {@link NoClassDefFoundError})
   * @throws IllegalStateException if the known-answer test fails
   */
  public static FfmSecp256k1 load() {
    byte[] three = new byte[32];
    three[31] = 3;
    byte[] px =
        Bytes.fromHex(
            "f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9",
            32,
            "vector pubkey");
    byte[] sig =
        Bytes.fromHex(
            "e907831f80848d1069a5371b402410364bdf1c5f8307b0084c55f1ce2dca8215"
                + "25f66a4a85ea8b71e482a74f382d2ce5ebeee8fdb2172f477df4900d310536c0",
            64,
            "vector signature");
    byte[] zero = new byte[32];
    PreparedKey key = INSTANCE.prepare(three);
    if (!Arrays.equals(key.xOnlyPublicKey(), px)
        || !Arrays.equals(key.sign(zero, zero), sig)
        || !INSTANCE.verify(sig, zero, px)) {
      throw new IllegalStateException("libsecp256k1 (FFM) known-answer test failed");
    }
    return INSTANCE;
  }

  @Override
  public CryptoBackend kind() {
    return CryptoBackend.NATIVE;
  }

  @Override
  public String name() {
    return "ffm";
  }

  @Override
  public boolean isValidSecretKey(byte[] sec32) {
    if (sec32.length != 32) {
      return false;
    }
    try {
      return (int) EC_SECKEY_VERIFY.invokeExact(CTX, MemorySegment.ofArray(sec32)) == 1;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  @Override
  public boolean isValidXOnly(byte[] x32) {
    return x32.length == 32 && PARSED.get(x32) != null;
  }

  @Override
  public byte[] xOnlyPublicKey(byte[] sec32) {
    Bytes.requireLength(sec32, 32, "secret key");
    byte[] keypair = keypair(sec32);
    try {
      return xOnlyOf(keypair);
    } finally {
      Arrays.fill(keypair, (byte) 0); // the keypair embeds the secret
    }
  }

  @Override
  public PreparedKey prepare(byte[] sec32) {
    Bytes.requireLength(sec32, 32, "secret key");
    byte[] keypair = keypair(sec32);
    return new FfmPreparedKey(keypair, xOnlyOf(keypair));
  }

  @Override
  public PreparedPublicKey preparePublic(byte[] x32) {
    Bytes.requireLength(x32, 32, "x-only public key");
    byte[] parsed = parseXOnly(x32);
    if (parsed == null) {
      return (sig64, message) -> {
        Bytes.requireLength(sig64, 64, "signature");
        return false; // not a point on the curve: no signature verifies
      };
    }
    return (sig64, message) -> verifyParsed(sig64, message, parsed);
  }

  @Override
  public boolean verify(byte[] sig64, byte[] message, byte[] x32) {
    Bytes.requireLength(sig64, 64, "signature");
    Bytes.requireLength(x32, 32, "x-only public key");
    ParsedKey parsed = PARSED.get(x32);
    return parsed != null && verifyParsed(sig64, message, parsed.xonly());
  }

  @Override
  public byte[] ecdhX(byte[] sec32, byte[] x32) {
    Bytes.requireLength(sec32, 32, "secret key");
    Bytes.requireLength(x32, 32, "x-only public key");
    ParsedKey parsed = PARSED.get(x32);
    if (parsed == null) {
      throw new IllegalArgumentException("public key is not on the curve");
    }
    byte[] point = parsed.evenPoint().clone(); // tweak_mul works in place
    byte[] out = new byte[33];
    long[] outLen = {33};
    try {
      if ((int)
              EC_PUBKEY_TWEAK_MUL.invokeExact(
                  CTX, MemorySegment.ofArray(point), MemorySegment.ofArray(sec32))
          != 1) {
        throw new IllegalArgumentException("secret key out of range [1, n-1]");
      }
      int ok =
          (int)
              EC_PUBKEY_SERIALIZE.invokeExact(
                  CTX,
                  MemorySegment.ofArray(out),
                  MemorySegment.ofArray(outLen),
                  MemorySegment.ofArray(point),
                  EC_COMPRESSED);
      if (ok != 1 || outLen[0] != 33) {
        throw new IllegalStateException("secp256k1_ec_pubkey_serialize failed");
      }
    } catch (Throwable t) {
      throw rethrow(t);
    }
    return Arrays.copyOfRange(out, 1, 33);
  }

  private static byte[] keypair(byte[] sec32) {
    byte[] keypair = new byte[KEYPAIR_BYTES];
    try {
      if ((int)
              KEYPAIR_CREATE.invokeExact(
                  CTX, MemorySegment.ofArray(keypair), MemorySegment.ofArray(sec32))
          != 1) {
        throw new IllegalArgumentException("secret key out of range [1, n-1]");
      }
    } catch (Throwable t) {
      throw rethrow(t);
    }
    return keypair;
  }

  private static byte[] xOnlyOf(byte[] keypair) {
    byte[] xonly = new byte[XONLY_BYTES];
    byte[] out = new byte[32];
    try {
      int ok =
          (int)
              KEYPAIR_XONLY_PUB.invokeExact(
                  CTX,
                  MemorySegment.ofArray(xonly),
                  MemorySegment.NULL,
                  MemorySegment.ofArray(keypair));
      ok &=
          (int)
              XONLY_PUBKEY_SERIALIZE.invokeExact(
                  CTX, MemorySegment.ofArray(out), MemorySegment.ofArray(xonly));
      if (ok != 1) {
        throw new IllegalStateException("secp256k1_keypair_xonly_pub failed");
      }
    } catch (Throwable t) {
      throw rethrow(t);
    }
    return out;
  }

  /**
   * The parsed {@code secp256k1_xonly_pubkey}, or null if x is not on the curve (or not below p).
   */
  private static byte @Nullable [] parseXOnly(byte[] x32) {
    byte[] parsed = new byte[XONLY_BYTES];
    try {
      int ok =
          (int)
              XONLY_PUBKEY_PARSE.invokeExact(
                  CTX, MemorySegment.ofArray(parsed), MemorySegment.ofArray(x32));
      return ok == 1 ? parsed : null;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private static boolean verifyParsed(byte[] sig64, byte[] message, byte[] parsed) {
    Bytes.requireLength(sig64, 64, "signature");
    try {
      return (int)
              SCHNORRSIG_VERIFY.invokeExact(
                  CTX,
                  MemorySegment.ofArray(sig64),
                  MemorySegment.ofArray(message),
                  (long) message.length,
                  MemorySegment.ofArray(parsed))
          == 1;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Both parsed forms of an x-only key, or null if x is not on the curve (or not below p). */
  private static @Nullable ParsedKey parse(byte[] x32) {
    byte[] xonly = parseXOnly(x32);
    if (xonly == null) {
      return null;
    }
    byte[] compressed = new byte[33];
    compressed[0] = 0x02; // lift_x: the point with this x and an even y
    System.arraycopy(x32, 0, compressed, 1, 32);
    byte[] point = new byte[PUBKEY_BYTES];
    try {
      if ((int)
              EC_PUBKEY_PARSE.invokeExact(
                  CTX, MemorySegment.ofArray(point), MemorySegment.ofArray(compressed), 33L)
          != 1) {
        throw new IllegalStateException("secp256k1_ec_pubkey_parse rejected a valid x-only key");
      }
    } catch (Throwable t) {
      throw rethrow(t);
    }
    return new ParsedKey(x32.clone(), xonly, point);
  }

  /**
   * A valid x-only key with its opaque parsed forms: {@code secp256k1_xonly_pubkey} for
   * verification and the {@code secp256k1_pubkey} of (x, even y) for ECDH. Immutable: its arrays
   * are never written after construction (ECDH tweaks a copy), and the final fields publish them
   * safely through the racy cache.
   */
  private record ParsedKey(byte[] x, byte[] xonly, byte[] evenPoint) {}

  /**
   * A direct-mapped cache of parsed public keys: a fixed array of slots indexed by bits of x, each
   * holding the last key parsed there. Lock-free: a lookup is one acquire-read and a 32-byte
   * comparison; a miss parses and publishes with a release-write, and two threads missing on the
   * same slot at once both parse (harmless, same result). Keys that collide evict each other, which
   * only costs a parse (a peer crafting collisions gains nothing: the cache holds public data and
   * is checked byte for byte). Invalid keys are never cached. Memory: slots × ~250 bytes.
   */
  static final class ParsedKeyCache {
    private final AtomicReferenceArray<ParsedKey> slots;
    private final int mask;

    ParsedKeyCache(int slotCount) {
      if (Integer.bitCount(slotCount) != 1) {
        throw new IllegalArgumentException("slot count must be a power of two, got " + slotCount);
      }
      this.slots = new AtomicReferenceArray<>(slotCount);
      this.mask = slotCount - 1;
    }

    @Nullable ParsedKey get(byte[] x32) {
      int slot = ((x32[31] & 0xff) | (x32[30] & 0xff) << 8 | (x32[29] & 0xff) << 16) & mask;
      ParsedKey cached = slots.getAcquire(slot);
      if (cached != null && Arrays.equals(cached.x(), x32)) {
        return cached;
      }
      ParsedKey parsed = parse(x32);
      if (parsed != null) {
        slots.setRelease(slot, parsed);
      }
      return parsed;
    }
  }

  // Restricted: the caller vouches for the signatures below, which follow secp256k1.h and its
  // modules' headers.
  @SuppressWarnings("restricted")
  private static MethodHandle downcall(
      Linker linker,
      SymbolLookup lib,
      String symbol,
      FunctionDescriptor fd,
      Linker.Option... options) {
    MemorySegment address =
        lib.find(symbol)
            .orElseThrow(
                () -> new UnsatisfiedLinkError(symbol + " not found in the loaded libsecp256k1"));
    return linker.downcallHandle(address, fd, options);
  }

  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new IllegalStateException(
        "native call failed", t); // downcalls declare Throwable; none is checked here
  }

  /**
   * A keypair created once; signing is one {@code secp256k1_schnorrsig_sign32} call. Immutable,
   * thread-safe.
   */
  private static final class FfmPreparedKey implements PreparedKey {
    private final byte[] keypair;
    private final byte[] px;

    FfmPreparedKey(byte[] keypair, byte[] px) {
      this.keypair = keypair;
      this.px = px;
    }

    @Override
    public byte[] xOnlyPublicKey() {
      return px.clone();
    }

    @Override
    public byte[] sign(byte[] message, byte[] aux32) {
      Bytes.requireLength(aux32, 32, "aux randomness");
      byte[] sig = new byte[64];
      try {
        int ok;
        if (message.length == 32) {
          ok =
              (int)
                  SCHNORRSIG_SIGN32.invokeExact(
                      CTX,
                      MemorySegment.ofArray(sig),
                      MemorySegment.ofArray(message),
                      MemorySegment.ofArray(keypair),
                      MemorySegment.ofArray(aux32));
        } else {
          ok = signCustom(sig, message, aux32);
        }
        if (ok != 1) {
          throw new IllegalStateException("secp256k1_schnorrsig_sign failed");
        }
      } catch (Throwable t) {
        throw rethrow(t);
      }
      return sig;
    }

    /**
     * BIP-340 for a message of any length: {@code schnorrsig_sign_custom} with {@code ndata =
     * aux32}.
     */
    private int signCustom(byte[] sig, byte[] message, byte[] aux32) throws Throwable {
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment nativeSig = arena.allocate(64);
        MemorySegment msg =
            message.length == 0
                ? MemorySegment.NULL
                : arena.allocateFrom(ValueLayout.JAVA_BYTE, message);
        MemorySegment kp = arena.allocateFrom(ValueLayout.JAVA_BYTE, keypair);
        MemorySegment aux = arena.allocateFrom(ValueLayout.JAVA_BYTE, aux32);
        // struct { unsigned char magic[4]; secp256k1_nonce_function_hardened noncefp; void *ndata;
        // }
        long noncefpOffset = PTR.byteSize(); // magic[4] padded to pointer alignment
        long ndataOffset = noncefpOffset + PTR.byteSize();
        MemorySegment params = arena.allocate(ndataOffset + PTR.byteSize(), PTR.byteAlignment());
        MemorySegment.copy(EXTRAPARAMS_MAGIC, 0, params, ValueLayout.JAVA_BYTE, 0, 4);
        params.set(
            ValueLayout.ADDRESS,
            noncefpOffset,
            MemorySegment.NULL); // default: BIP-340 nonce function
        params.set(ValueLayout.ADDRESS, ndataOffset, aux);
        int ok =
            (int)
                SCHNORRSIG_SIGN_CUSTOM.invokeExact(
                    CTX, nativeSig, msg, (long) message.length, kp, params);
        MemorySegment.copy(nativeSig, ValueLayout.JAVA_BYTE, 0, sig, 0, 64);
        kp.fill((byte) 0);
        return ok;
      }
    }
  }
}
