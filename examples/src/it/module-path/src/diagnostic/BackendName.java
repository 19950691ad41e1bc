/**
 * A diagnostic, not user code: names the secp256k1 backend keycast-crypto chose when it runs as a named module with
 * ACINQ's jars on the class path. Launched as a single source file with --add-exports, since the backend's name is
 * internal.
 */
public class BackendName {
  public static void main(String[] args) {
    System.out.println("BACKEND " + dev.keycast.crypto.internal.Backends.active().name() + " in "
        + dev.keycast.crypto.internal.Backends.class.getModule());
  }
}
