package dev.keycast.nip46.policy;

import dev.keycast.nip46.PermissionSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The built-in policies. Immutable; thread-safe.
 *
 * <table>
 *   <caption>Built-in policies</caption>
 *   <tr><th>name</th><th>sign_event kinds</th><th>encrypt/decrypt</th><th>rate limit</th></tr>
 *   <tr><td>{@code full}</td><td>all</td><td>nip04 + nip44, any peer</td><td>600/min</td></tr>
 *   <tr><td>{@code social}</td><td>{@link #SOCIAL_KINDS}</td><td>nip04 + nip44, any peer</td><td>300/min</td></tr>
 *   <tr><td>{@code readonly}</td><td>none</td><td>none</td><td>60/min</td></tr>
 * </table>
 */
public final class Policies {

  /**
   * Kinds the {@code social} policy signs: profile (0), note (1), follows (3), legacy DM (4),
   * deletion (5), repost (6), reaction (7), seal (13), generic repost (16), comment (1111), zap
   * request (9734), mute/pin/relay/ bookmark lists (10000, 10001, 10002, 10003), DM relays (10050),
   * relay auth (22242), Blossom auth (24242), HTTP auth (27235), follow sets (30000), long-form
   * (30023, 30024), app data (30078).
   */
  public static final List<Integer> SOCIAL_KINDS =
      List.of(
          0, 1, 3, 4, 5, 6, 7, 13, 16, 1111, 9734, 10000, 10001, 10002, 10003, 10050, 22242, 24242,
          27235, 30000, 30023, 30024, 30078);

  private static final String ENCRYPTION =
      "nip04_encrypt,nip04_decrypt,nip44_encrypt,nip44_decrypt";

  /** Everything: every kind, encryption and decryption with any peer. */
  public static final Policy FULL =
      Policy.builder("full")
          .permissions("sign_event," + ENCRYPTION)
          .rateLimit(RateLimit.perMinute(600))
          .build();

  /** Ordinary social-client use: {@link #SOCIAL_KINDS}, encryption and decryption with any peer. */
  public static final Policy SOCIAL =
      Policy.builder("social")
          .permissions(socialPerms())
          .rateLimit(RateLimit.perMinute(300))
          .build();

  /**
   * Identity only: {@code get_public_key} and {@code ping}; no signing, no encryption, no
   * decryption.
   */
  public static final Policy READONLY =
      Policy.builder("readonly")
          .permissions(PermissionSet.empty())
          .rateLimit(RateLimit.perMinute(60))
          .build();

  private static final Map<String, Policy> BUILT_IN =
      Map.of(FULL.name(), FULL, SOCIAL.name(), SOCIAL, READONLY.name(), READONLY);

  private Policies() {}

  private static String socialPerms() {
    StringBuilder sb = new StringBuilder(ENCRYPTION);
    for (int kind : SOCIAL_KINDS) {
      sb.append(",sign_event:").append(kind);
    }
    return sb.toString();
  }

  /**
   * A built-in policy by name.
   *
   * @param name the name
   * @return the policy, or empty if no built-in policy has that name
   */
  public static Optional<Policy> builtIn(String name) {
    return Optional.ofNullable(BUILT_IN.get(name));
  }

  /**
   * All built-in policies.
   *
   * @return an immutable map from name to policy
   */
  public static Map<String, Policy> builtIns() {
    return BUILT_IN;
  }
}
