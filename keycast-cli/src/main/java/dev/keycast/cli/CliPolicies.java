package dev.keycast.cli;

import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.policy.Policies;
import dev.keycast.nip46.policy.Policy;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The policy names the CLI writes and the daemon resolves: a built-in policy ({@code full}, {@code social},
 * {@code readonly}), optionally narrowed to a list of event kinds by {@code authorize --kinds}, which is recorded in
 * the name itself ({@code social.kinds.1-7}) so the authorization row stays self-describing.
 */
final class CliPolicies {
  static final String NAMES = "full, social, readonly";
  private static final String KINDS = ".kinds.";
  private static final String ENCRYPTION = "nip04_encrypt,nip04_decrypt,nip44_encrypt,nip44_decrypt";

  private CliPolicies() {}

  /**
   * @return the policy name to store
   * @throws UsageException for an unknown base policy, bad kinds, or a name that would be too long
   */
  static String nameFor(String base, @Nullable List<Integer> kinds) {
    if (Policies.builtIn(base).isEmpty()) {
      throw new UsageException("unknown policy '" + base + "' (known: " + NAMES + ")");
    }
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
    String name = base + KINDS + sorted.stream().map(String::valueOf).collect(Collectors.joining("-"));
    if (name.length() > 64) {
      throw new UsageException("--kinds: too many kinds for one authorization (the policy name is limited to 64 "
          + "characters); use fewer kinds or the 'full' policy");
    }
    return name;
  }

  /**
   * Resolves a stored policy name.
   *
   * @return the policy, or empty if the name is unknown (the daemon then denies)
   */
  static Optional<Policy> resolve(String name) {
    int i = name.indexOf(KINDS);
    if (i < 0) {
      return Policies.builtIn(name);
    }
    Optional<Policy> base = Policies.builtIn(name.substring(0, i));
    if (base.isEmpty()) {
      return Optional.empty();
    }
    StringBuilder perms = new StringBuilder(ENCRYPTION);
    try {
      for (String k : name.substring(i + KINDS.length()).split("-")) {
        int kind = Integer.parseInt(k);
        if (kind < 0 || kind > 65535) {
          return Optional.empty();
        }
        perms.append(",sign_event:").append(kind);
      }
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    Policy b = base.get();
    PermissionSet narrowed = b.permissions().intersect(PermissionSet.parse(perms.toString()));
    return Optional.of(Policy.builder(name)
        .permissions(narrowed)
        .blockedWords(b.blockedWords())
        .selfEncryptionOnly(b.selfEncryptionOnly())
        .rateLimit(b.rateLimit())
        .build());
  }
}
