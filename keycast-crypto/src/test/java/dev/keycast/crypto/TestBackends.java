package dev.keycast.crypto;

import dev.keycast.crypto.internal.Backends;
import dev.keycast.crypto.internal.Secp256k1;
import java.util.ArrayList;
import java.util.List;

/**
 * The backends every vector and property test runs against, used directly (not through the global
 * choice): Bouncy Castle, ACINQ JNI, and the preferred native backend when it is a different one
 * (FFM on JDK 22+).
 */
public final class TestBackends {
  private TestBackends() {}

  /**
   * All backends under test. Fails if the native library cannot load: the suite must exercise it
   * here.
   */
  public static List<Secp256k1> all() {
    List<Secp256k1> list = new ArrayList<>();
    list.add(Backends.java());
    Secp256k1 acinq =
        Backends.acinq()
            .orElseThrow(
                () -> new AssertionError("ACINQ libsecp256k1 JNI did not load; see the WARN log"));
    list.add(acinq);
    Backends.nativeBackend().filter(b -> b != acinq).ifPresent(list::add);
    return List.copyOf(list);
  }

  /** The native backends under test (JNI, and FFM when present). */
  public static List<Secp256k1> natives() {
    return all().stream().filter(b -> b.kind() == CryptoBackend.NATIVE).toList();
  }
}
