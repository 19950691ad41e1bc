package dev.keycast.crypto.internal;

import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the secp256k1 backend once per JVM. Not API, may change at any time.
 *
 * <p>Selection, made lazily on first use and logged once at INFO:
 *
 * <ol>
 *   <li>The system property {@value #PROPERTY}, else the environment variable {@value #ENV}: {@code
 *       java} forces Bouncy Castle; {@code native} requires libsecp256k1 (if it cannot load, every
 *       call to {@link #active()} throws {@link IllegalStateException}); {@code auto} or unset
 *       tries native, then falls back. Any other value fails the same way as an unloadable required
 *       native backend: a bad setting must stop startup.
 *   <li>Native: on JDK 22+ the FFM backend {@value #FFM_CLASS} if that class is present (it is
 *       added by a multi-release jar) and its {@code static Secp256k1 load()} succeeds, unless the
 *       system property {@value #FFM_PROPERTY} is {@code false}; otherwise ACINQ's JNI. JDK 21
 *       never sees the class (it lives in {@code META-INF/versions/22}, and the feature-version
 *       check below skips the lookup), so it uses JNI.
 *   <li>If the native library cannot load ({@link LinkageError} or {@link RuntimeException} while
 *       probing), a WARN with the cause is logged and Bouncy Castle is used.
 * </ol>
 *
 * <p>Thread-safety: the choice is published through class-holder initialization; all methods are
 * safe from any thread and never block after the first call (the first call may extract and load a
 * native library).
 */
public final class Backends {
  /** System property that selects the backend: {@code java}, {@code native} or {@code auto}. */
  public static final String PROPERTY = "keycast.crypto.backend";

  /** Environment variable used when {@link #PROPERTY} is not set. */
  public static final String ENV = "KEYCAST_CRYPTO_BACKEND";

  /**
   * Fully qualified name of the optional FFM backend (JDK 22+). It must be a {@link Secp256k1} with
   * a public static no-argument {@code load()} method that returns an instance or throws if
   * libsecp256k1 is unavailable.
   */
  public static final String FFM_CLASS = "dev.keycast.crypto.internal.FfmSecp256k1";

  /**
   * System property that, set to {@code false}, keeps the native choice on ACINQ's JNI even where
   * the FFM backend is available (an escape hatch, and how benchmarks measure JNI on JDK 22+).
   */
  public static final String FFM_PROPERTY = "keycast.crypto.ffm";

  private static final Logger LOG = LoggerFactory.getLogger(Backends.class);

  private Backends() {}

  /**
   * The backend chosen for this JVM.
   *
   * @return the active backend
   * @throws IllegalStateException if {@code native} was required and cannot load, or the setting is
   *     invalid
   */
  public static Secp256k1 active() {
    Choice c = ActiveHolder.CHOICE;
    if (c.backend == null) {
      throw new IllegalStateException(c.error);
    }
    return c.backend;
  }

  /**
   * The pure-Java backend, always available.
   *
   * @return Bouncy Castle backend
   */
  public static Secp256k1 java() {
    return BouncyCastleSecp256k1.INSTANCE;
  }

  /**
   * The preferred native backend (FFM on JDK 22+ when present, else ACINQ JNI), probed once.
   *
   * @return the native backend, or empty if libsecp256k1 cannot be loaded here
   */
  public static Optional<Secp256k1> nativeBackend() {
    return Optional.ofNullable(NativeHolder.NATIVE);
  }

  /**
   * ACINQ's JNI backend, probed once, regardless of whether FFM is available (for tests and
   * benchmarks).
   *
   * @return the JNI backend, or empty if it cannot be loaded here
   */
  public static Optional<Secp256k1> acinq() {
    return Optional.ofNullable(AcinqHolder.ACINQ);
  }

  /**
   * The setting in effect: the system property, else the environment variable, else {@code auto}.
   *
   * @return lower-case setting
   */
  public static String requestedSetting() {
    String v = System.getProperty(PROPERTY);
    if (v == null || v.isBlank()) {
      v = System.getenv(ENV);
    }
    return v == null || v.isBlank() ? "auto" : v.trim().toLowerCase(Locale.ROOT);
  }

  private record Choice(@Nullable Secp256k1 backend, String error) {}

  private static final class ActiveHolder {
    static final Choice CHOICE = choose();

    private static Choice choose() {
      String setting = requestedSetting();
      Choice choice;
      switch (setting) {
        case "java" -> choice = new Choice(java(), "");
        case "native" -> {
          Secp256k1 n = NativeHolder.NATIVE;
          choice =
              n != null
                  ? new Choice(n, "")
                  : new Choice(
                      null,
                      PROPERTY + "=native but libsecp256k1 could not be loaded (see the WARN log)");
        }
        case "auto" -> {
          Secp256k1 n = NativeHolder.NATIVE;
          choice = new Choice(n != null ? n : java(), "");
        }
        default ->
            choice =
                new Choice(
                    null,
                    "invalid "
                        + PROPERTY
                        + "/"
                        + ENV
                        + " value '"
                        + setting
                        + "': expected java, native or auto");
      }
      if (choice.backend != null) {
        LOG.info(
            "keycast-crypto backend: {} ({}), setting {}",
            choice.backend.kind(),
            choice.backend.name(),
            setting);
      } else {
        LOG.error("keycast-crypto backend unavailable: {}", choice.error);
      }
      return choice;
    }
  }

  private static final class AcinqHolder {
    static final @Nullable Secp256k1 ACINQ = probeAcinq();

    private static @Nullable Secp256k1 probeAcinq() {
      try {
        return AcinqSecp256k1.load();
      } catch (LinkageError | RuntimeException e) {
        LOG.warn(
            "native libsecp256k1 (ACINQ JNI) could not be loaded; using pure-Java Bouncy Castle",
            e);
        return null;
      }
    }
  }

  private static final class NativeHolder {
    static final @Nullable Secp256k1 NATIVE = probeNative();

    private static @Nullable Secp256k1 probeNative() {
      Secp256k1 ffm = probeFfm();
      return ffm != null ? ffm : AcinqHolder.ACINQ;
    }

    /** The hook for the FFM backend: loaded by name so this class compiles and runs on JDK 21. */
    private static @Nullable Secp256k1 probeFfm() {
      if (Runtime.version().feature() < 22
          || "false".equalsIgnoreCase(System.getProperty(FFM_PROPERTY))) {
        return null;
      }
      Class<?> type;
      try {
        type = Class.forName(FFM_CLASS, true, Backends.class.getClassLoader());
      } catch (ClassNotFoundException absent) {
        return null; // not built into this jar (or running from target/classes): JNI it is
      } catch (LinkageError | RuntimeException e) {
        LOG.warn("FFM secp256k1 backend could not be initialised; trying ACINQ JNI", e);
        return null;
      }
      try {
        Object backend = type.getMethod("load").invoke(null);
        return (Secp256k1) backend;
      } catch (java.lang.reflect.InvocationTargetException e) {
        LOG.warn("FFM secp256k1 backend could not be loaded; trying ACINQ JNI", e.getCause());
        return null;
      } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
        LOG.warn("FFM secp256k1 backend could not be loaded; trying ACINQ JNI", e);
        return null;
      }
    }
  }
}
