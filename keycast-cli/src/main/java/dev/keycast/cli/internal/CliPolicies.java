package dev.keycast.cli.internal;

import dev.keycast.cli.UsageException;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.policy.Policies;
import dev.keycast.nip46.policy.Policy;
import dev.keycast.nip46.store.PolicyStore;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The policy an authorization gets from {@code --policy} and {@code --kinds}: a built-in ({@code
 * full}, {@code social}, {@code readonly}) or custom policy from the database, optionally narrowed
 * to a list of event kinds. A narrowed policy is saved as a custom policy named after what it is
 * ({@code social.kinds.1-7}), so the daemon resolves it like any other and the authorization row
 * stays self-describing.
 *
 * <p>Stateless and thread-safe; may do I/O (the policy store).
 */
public final class CliPolicies {
  /** The policy names {@code --policy} accepts, for option descriptions. */
  public static final String NAMES = "full, social, readonly, or a custom policy in the database";

  private static final String KINDS = ".kinds.";
  private static final String ENCRYPTION =
      "nip04_encrypt,nip04_decrypt,nip44_encrypt,nip44_decrypt";

  private CliPolicies() {}

  /**
   * Resolves (and, for {@code --kinds}, saves) the policy and returns the name to store in the
   * authorization.
   *
   * @throws UsageException for an unknown policy, kinds out of range or not allowed by the base
   *     policy, or a name that would be too long
   */
  public static String forAuthorization(
      PolicyStore store, String base, @Nullable List<Integer> kinds) {
    Policy basePolicy =
        store
            .resolve(base)
            .orElseThrow(
                () ->
                    new UsageException(
                        "unknown policy '"
                            + base
                            + "' (known: "
                            + String.join(
                                ", ", Policies.builtIns().keySet().stream().sorted().toList())
                            + customNames(store)
                            + ")"));
    if (kinds == null || kinds.isEmpty()) {
      return base;
    }
    TreeSet<Integer> sorted = new TreeSet<>();
    for (Integer k : kinds) {
      if (k == null || k < 0 || k > 65535) {
        throw new UsageException("--kinds: event kinds are 0 to 65535, got " + k);
      }
      sorted.add(k);
    }
    List<Integer> outside =
        sorted.stream()
            .filter(
                k -> !basePolicy.allowsKind(k) && !basePolicy.askPermissions().allowsSignEvent(k))
            .toList();
    if (!outside.isEmpty()) {
      // control-plane: a narrowed policy that could sign nothing (or less than asked) is an error
      throw new UsageException(
          "--kinds: policy '"
              + base
              + "' does not allow kind(s) "
              + outside.stream().map(String::valueOf).collect(Collectors.joining(","))
              + "; choose a policy that does (keycast policies list) or create one with"
              + " keycast policies create NAME --allow sign_event:KIND");
    }
    String name =
        base + KINDS + sorted.stream().map(String::valueOf).collect(Collectors.joining("-"));
    if (name.length() > 64) {
      throw new UsageException(
          "--kinds: too many kinds for one authorization (the policy name is limited to 64 "
              + "characters); use fewer kinds or a custom policy");
    }
    StringBuilder perms = new StringBuilder(ENCRYPTION);
    sorted.forEach(k -> perms.append(",sign_event:").append(k));
    store.save(
        Policy.builder(name)
            .permissions(basePolicy.permissions().intersect(PermissionSet.parse(perms.toString())))
            .ask(basePolicy.askPermissions().intersect(PermissionSet.parse(perms.toString())))
            .blockedWords(basePolicy.blockedWords())
            .selfEncryptionOnly(basePolicy.selfEncryptionOnly())
            .rateLimit(basePolicy.rateLimit())
            .maxFuture(basePolicy.maxFuture())
            .maxPast(basePolicy.maxPast())
            .build());
    return name;
  }

  private static String customNames(PolicyStore store) {
    List<String> custom = store.list().stream().map(Policy::name).sorted().toList();
    return custom.isEmpty() ? "" : ", " + String.join(", ", custom);
  }
}
