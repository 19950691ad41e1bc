package dev.keycast.nip46.bunker.internal;

import dev.keycast.nip46.Nip46Method;
import dev.keycast.nip46.Nip46Request;

/**
 * The bounded set of method names used as a metrics label: the NIP-46 methods, {@code invalid},
 * {@code unknown}.
 */
final class MethodLabels {
  /** A body that is not a valid request. */
  static final String INVALID = "invalid";

  /** A method this signer does not know. */
  static final String UNKNOWN = "unknown";

  private MethodLabels() {}

  static String of(Nip46Request request) {
    return request instanceof Nip46Request.Unknown
        ? UNKNOWN
        : Nip46Method.fromWireName(request.methodName()).map(Nip46Method::wireName).orElse(UNKNOWN);
  }
}
