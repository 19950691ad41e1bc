package dev.keycast.nip46;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * An immutable set of NIP-46 permissions, as written in a {@code perms} parameter: a
 * comma-separated list of {@code method[:param]} such as {@code
 * nip44_encrypt,sign_event:4,sign_event:1}.
 *
 * <p>The set is normalised: {@code sign_event} (every kind) absorbs any {@code sign_event:<kind>}.
 * Two sets with the same meaning are {@link #equals equal} and {@link #toString() format}
 * identically (methods in enum order, kinds ascending).
 *
 * <p>Thread-safety: immutable, safe to share between threads.
 */
public final class PermissionSet {
  private static final PermissionSet EMPTY =
      new PermissionSet(EnumSet.noneOf(Nip46Method.class), Set.of());

  /** Methods granted without restriction (for sign_event: every kind). */
  private final Set<Nip46Method> methods;

  /** Kinds granted by sign_event:<kind>; empty when sign_event is in {@link #methods}. */
  private final TreeSet<Integer> signKinds;

  private PermissionSet(EnumSet<Nip46Method> methods, Set<Integer> signKinds) {
    this.methods = Collections.unmodifiableSet(EnumSet.copyOf(methods));
    this.signKinds =
        methods.contains(Nip46Method.SIGN_EVENT) ? new TreeSet<>() : new TreeSet<>(signKinds);
  }

  /**
   * The empty set: grants nothing.
   *
   * @return the empty set
   */
  public static PermissionSet empty() {
    return EMPTY;
  }

  /**
   * Every method, {@code sign_event} for every kind.
   *
   * @return the full set
   */
  public static PermissionSet all() {
    return new PermissionSet(EnumSet.allOf(Nip46Method.class), Set.of());
  }

  /**
   * A set of the given permissions.
   *
   * @param permissions the permissions
   * @return the normalised set
   */
  public static PermissionSet of(Collection<Permission> permissions) {
    EnumSet<Nip46Method> methods = EnumSet.noneOf(Nip46Method.class);
    Set<Integer> kinds = new TreeSet<>();
    for (Permission p : permissions) {
      if (p.kind() == null) {
        methods.add(p.method());
      } else {
        kinds.add(p.kind());
      }
    }
    return new PermissionSet(methods, kinds);
  }

  /**
   * A set of the given permissions.
   *
   * @param permissions the permissions
   * @return the normalised set
   */
  public static PermissionSet of(Permission... permissions) {
    return of(List.of(permissions));
  }

  /**
   * Parses a comma-separated {@code method[:param]} list.
   *
   * <p>Whitespace around entries and empty entries are ignored ({@code ""} parses to the empty
   * set). Entries naming a method Keycast does not know are dropped: a permission that is not
   * understood grants nothing, and clients do send such entries. A parameter on any method but
   * {@code sign_event}, or a {@code sign_event} parameter that is not a decimal kind in 0–65535, is
   * an error.
   *
   * @param text the list, for example {@code "nip44_encrypt,sign_event:4"}
   * @return the normalised set
   * @throws NostrFormatException if an entry is malformed
   */
  public static PermissionSet parse(String text) {
    EnumSet<Nip46Method> methods = EnumSet.noneOf(Nip46Method.class);
    Set<Integer> kinds = new TreeSet<>();
    for (String raw : text.split(",", -1)) {
      String entry = raw.strip();
      if (entry.isEmpty()) {
        continue;
      }
      int colon = entry.indexOf(':');
      String name = colon < 0 ? entry : entry.substring(0, colon).strip();
      @Nullable String param = colon < 0 ? null : entry.substring(colon + 1).strip();
      Nip46Method method = Nip46Method.fromWireName(name).orElse(null);
      if (method == null) {
        continue;
      }
      if (param == null) {
        methods.add(method);
      } else if (method != Nip46Method.SIGN_EVENT) {
        throw new NostrFormatException("permission " + name + " takes no parameter");
      } else {
        kinds.add(parseKind(param));
      }
    }
    return new PermissionSet(methods, kinds);
  }

  private static int parseKind(String param) {
    if (param.isEmpty()
        || param.length() > 5
        || !param.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new NostrFormatException("sign_event parameter must be an event kind 0-65535");
    }
    int kind = Integer.parseInt(param);
    if (kind > 65535) {
      throw new NostrFormatException("sign_event parameter must be an event kind 0-65535");
    }
    return kind;
  }

  /**
   * Whether the set grants a method (for {@code sign_event}: at least one kind).
   *
   * @param method the method
   * @return true if some use of the method is allowed
   */
  public boolean allowsAny(Nip46Method method) {
    return methods.contains(method) || (method == Nip46Method.SIGN_EVENT && !signKinds.isEmpty());
  }

  /**
   * Whether the set grants a method without a parameter. For {@code sign_event} use {@link
   * #allowsSignEvent(int)}.
   *
   * @param method the method
   * @return true if {@code method} is granted (for {@code sign_event}: for every kind)
   */
  public boolean allows(Nip46Method method) {
    return methods.contains(method);
  }

  /**
   * Whether the set grants signing an event of a kind.
   *
   * @param kind the event kind
   * @return true if {@code sign_event} or {@code sign_event:<kind>} is in the set
   */
  public boolean allowsSignEvent(int kind) {
    return methods.contains(Nip46Method.SIGN_EVENT) || signKinds.contains(kind);
  }

  /**
   * The permissions granted by both sets: what a client asked for, limited by what a policy allows.
   * {@code sign_event} ∩ {@code sign_event:4} is {@code sign_event:4}.
   *
   * @param other the other set
   * @return the intersection
   */
  public PermissionSet intersect(PermissionSet other) {
    EnumSet<Nip46Method> m = EnumSet.noneOf(Nip46Method.class);
    m.addAll(methods);
    m.retainAll(other.methods);
    Set<Integer> kinds = new TreeSet<>();
    for (int k : signKinds) {
      if (other.allowsSignEvent(k)) {
        kinds.add(k);
      }
    }
    for (int k : other.signKinds) {
      if (allowsSignEvent(k)) {
        kinds.add(k);
      }
    }
    return new PermissionSet(m, kinds);
  }

  /**
   * Whether the set grants nothing.
   *
   * @return true for the empty set
   */
  public boolean isEmpty() {
    return methods.isEmpty() && signKinds.isEmpty();
  }

  /**
   * The permissions as a list, methods in enum order, then {@code sign_event:<kind>} by ascending
   * kind.
   *
   * @return an immutable list
   */
  public List<Permission> permissions() {
    List<Permission> out = new ArrayList<>();
    for (Nip46Method m : methods) {
      out.add(Permission.of(m));
    }
    for (int k : signKinds) {
      out.add(Permission.signEvent(k));
    }
    return List.copyOf(out);
  }

  /**
   * Returns the comma-separated wire form, {@code ""} for the empty set; {@link #parse} reads it
   * back.
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Permission p : permissions()) {
      if (!sb.isEmpty()) {
        sb.append(',');
      }
      sb.append(p);
    }
    return sb.toString();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof PermissionSet other
        && methods.equals(other.methods)
        && signKinds.equals(other.signKinds);
  }

  @Override
  public int hashCode() {
    return methods.hashCode() * 31 + signKinds.hashCode();
  }
}
