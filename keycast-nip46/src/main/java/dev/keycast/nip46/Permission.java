package dev.keycast.nip46;

import org.jspecify.annotations.Nullable;

/**
 * One NIP-46 permission, {@code method[:param]}. Only {@code sign_event} takes a parameter, the
 * event kind: {@code sign_event:4} allows signing kind-4 events, plain {@code sign_event} allows
 * every kind.
 *
 * @param method the method the permission grants
 * @param kind for {@link Nip46Method#SIGN_EVENT} the one event kind it is limited to (0–65535), or
 *     {@code null} for every kind; always {@code null} for other methods
 */
public record Permission(Nip46Method method, @Nullable Integer kind) {

  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException if a kind is given for a method other than {@code sign_event},
   *     or is outside 0–65535
   */
  public Permission {
    if (kind != null) {
      if (method != Nip46Method.SIGN_EVENT) {
        throw new IllegalArgumentException(
            "only sign_event takes a parameter, not " + method.wireName());
      }
      if (kind < 0 || kind > 65535) {
        throw new IllegalArgumentException("event kind out of range 0-65535: " + kind);
      }
    }
  }

  /**
   * A permission without parameter.
   *
   * @param method the method
   * @return {@code method} (for {@code sign_event}: every kind)
   */
  public static Permission of(Nip46Method method) {
    return new Permission(method, null);
  }

  /**
   * A {@code sign_event:<kind>} permission.
   *
   * @param kind the event kind, 0–65535
   * @return the permission
   * @throws IllegalArgumentException if the kind is out of range
   */
  public static Permission signEvent(int kind) {
    return new Permission(Nip46Method.SIGN_EVENT, kind);
  }

  /** Returns the wire form, {@code method} or {@code sign_event:<kind>}. */
  @Override
  public String toString() {
    return kind == null ? method.wireName() : method.wireName() + ":" + kind;
  }
}
