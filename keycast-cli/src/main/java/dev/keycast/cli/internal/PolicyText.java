package dev.keycast.cli.internal;

import dev.keycast.cli.UsageException;
import dev.keycast.nip46.Nip46Method;
import dev.keycast.nip46.NostrFormatException;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.policy.Policy;
import dev.keycast.nip46.policy.RateLimit;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Policies as text: the one parser of {@code keycast policies create}'s options and the admin API's
 * {@code POST /api/v1/policies} body, and the one JSON shape both print. Bad input is a {@link
 * UsageException} naming the option (exit code 64 on the CLI, 400 on the API).
 *
 * <p>Thread-safe (stateless).
 */
public final class PolicyText {
  private static final Pattern RATE = Pattern.compile("(\\d{1,9})\\s*(?:/\\s*(s|sec|min|m|h))?");

  private PolicyText() {}

  /**
   * Builds a custom policy from its text form.
   *
   * @param name 1 to 64 of {@code [a-z0-9._-]}
   * @param allow NIP-46 permissions, comma-separated ({@code sign_event:1,nip44_encrypt}); empty
   *     for none
   * @param rateLimit {@code N/s}, {@code N/min} or {@code N/h}
   * @param maxFuture a duration, or {@code 0} for no bound
   * @param maxPast a duration, or null for no bound
   * @param blockedWords words refused in content or plaintext
   * @param selfOnly whether encryption is limited to the user's own key as peer
   * @return the policy
   * @throws UsageException if any part is invalid
   */
  public static Policy build(
      String name,
      String allow,
      String rateLimit,
      String maxFuture,
      @Nullable String maxPast,
      List<String> blockedWords,
      boolean selfOnly) {
    return build(name, allow, "", rateLimit, maxFuture, maxPast, blockedWords, selfOnly);
  }

  /**
   * Builds a custom policy from its text form, with permissions that need a human's approval.
   *
   * @param ask NIP-46 permissions that are asked about (answered with {@code auth_url}), same
   *     syntax as {@code allow}; empty for none
   * @see #build(String, String, String, String, String, List, boolean)
   * @return the policy
   * @throws UsageException if any part is invalid
   */
  public static Policy build(
      String name,
      String allow,
      String ask,
      String rateLimit,
      String maxFuture,
      @Nullable String maxPast,
      List<String> blockedWords,
      boolean selfOnly) {
    try {
      return Policy.builder(name)
          .permissions(parsePerms(allow))
          .ask(parsePerms(ask))
          .rateLimit(parseRate(rateLimit))
          .maxFuture(
              maxFuture.strip().equals("0") ? Duration.ZERO : duration("--max-future", maxFuture))
          .maxPast(maxPast == null ? null : duration("--max-past", maxPast))
          .blockedWords(blockedWords)
          .selfEncryptionOnly(selfOnly)
          .build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(Objects.requireNonNullElse(e.getMessage(), e.toString()), e);
    }
  }

  public static PermissionSet parsePerms(String perms) {
    if (perms.isBlank()) {
      return PermissionSet.empty();
    }
    // PermissionSet.parse drops unknown methods (clients send them); an operator's typo is an error
    for (String raw : perms.split(",", -1)) {
      String entry = raw.strip();
      int colon = entry.indexOf(':');
      String method = colon < 0 ? entry : entry.substring(0, colon).strip();
      if (!entry.isEmpty() && Nip46Method.fromWireName(method).isEmpty()) {
        throw new UsageException(
            "--allow: unknown permission '"
                + method
                + "' (use sign_event, sign_event:KIND, nip04_encrypt, nip04_decrypt, nip44_encrypt,"
                + " nip44_decrypt)");
      }
    }
    try {
      return PermissionSet.parse(perms);
    } catch (NostrFormatException e) {
      throw new UsageException("--allow: " + e.getMessage(), e);
    }
  }

  public static RateLimit parseRate(String text) {
    Matcher m = RATE.matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!m.matches() || Long.parseLong(m.group(1)) < 1) {
      throw new UsageException("--rate-limit: expected N/s, N/min or N/h with N >= 1, got " + text);
    }
    int n = Integer.parseInt(m.group(1));
    String unit = m.group(2) == null ? "min" : m.group(2);
    Duration window =
        switch (unit) {
          case "s", "sec" -> Duration.ofSeconds(1);
          case "h" -> Duration.ofHours(1);
          default -> Duration.ofMinutes(1);
        };
    return new RateLimit(n, window);
  }

  static Duration duration(String option, String text) {
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + ": " + e.getMessage(), e);
    }
  }

  public static String rate(RateLimit r) {
    return r.maxRequests()
        + "/"
        + (r.window().equals(Duration.ofMinutes(1)) ? "min" : human(r.window()));
  }

  /** {@code 10m}, {@code 1d}, {@code 90s}: the largest unit that divides the duration. */
  public static String human(Duration d) {
    long s = d.toSeconds();
    if (s == 0) {
      return "0";
    }
    if (s % 86_400 == 0) {
      return s / 86_400 + "d";
    }
    if (s % 3_600 == 0) {
      return s / 3_600 + "h";
    }
    if (s % 60 == 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }

  public static String summary(Policy p) {
    Duration past = p.maxPast();
    return "allow "
        + (p.permissions().isEmpty() ? "-" : p.permissions().toString())
        + ", rate "
        + rate(p.rateLimit())
        + ", max future "
        + human(p.maxFuture())
        + (past == null ? "" : ", max past " + human(past))
        + (p.selfEncryptionOnly() ? ", self encryption only" : "")
        + (p.blockedWords().isEmpty() ? "" : ", " + p.blockedWords().size() + " blocked word(s)");
  }

  /** The JSON shape shared with the admin API: seconds for durations, null for no bound. */
  public static Map<String, Object> toJson(Policy p, boolean builtIn) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", p.name());
    m.put("built_in", builtIn);
    m.put("allow", p.permissions().permissions().stream().map(Object::toString).toList());
    m.put("ask", p.askPermissions().permissions().stream().map(Object::toString).toList());
    m.put(
        "rate_limit",
        Map.of("max", p.rateLimit().maxRequests(), "window_s", p.rateLimit().window().toSeconds()));
    m.put("max_future_s", p.maxFuture().toSeconds());
    Duration past = p.maxPast();
    m.put("max_past_s", past == null ? null : past.toSeconds());
    m.put("self_encryption_only", p.selfEncryptionOnly());
    m.put("blocked_words", p.blockedWords());
    return m;
  }
}
