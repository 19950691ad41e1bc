package dev.keycast.nip46.policy;

import dev.keycast.nip46.Nip46Method;
import dev.keycast.nip46.PermissionSet;
import java.text.Normalizer;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What an authorization lets clients do.
 *
 * <ul>
 *   <li>{@code permissions}: the <em>sensitive</em> operations allowed: {@code sign_event} (all
 *       kinds) or {@code sign_event:<kind>} for an explicit kind list, {@code nip04/nip44_encrypt},
 *       {@code nip04/nip44_decrypt}. The empty set allows none of them (see {@link
 *       Policies#READONLY}). There is no "empty means everything": allowing all kinds must be said
 *       explicitly with {@code sign_event}. The basic methods ({@code connect}, {@code ping},
 *       {@code get_public_key}, {@code switch_relays}, {@code logout}) are always allowed to a
 *       connected client and are not listed.
 *   <li>{@code blockedWords}: refused if found as a substring, after {@linkplain #normalise
 *       normalising} both sides (NFKC, invisible format characters such as zero-width spaces and
 *       soft hyphens removed, case folded), in the content or any tag value of an event to sign, or
 *       in a plaintext to encrypt. Stored normalised, blank entries dropped. Best-effort: a
 *       look-alike letter from another script (Cyrillic {@code а} for Latin {@code a}), a word
 *       split by spaces or punctuation ({@code s p a m}), letter substitutions ({@code sp4m}),
 *       combining accents, and text that is itself encoded or encrypted inside the content all
 *       pass; decrypted plaintexts are never checked.
 *   <li>{@code selfEncryptionOnly}: encrypt and decrypt only with the user's own public key as peer
 *       (private notes, NIP-51 lists), never to or from third parties.
 *   <li>{@code rateLimit}: per-client request limit, enforced by the signer pipeline before
 *       decryption.
 *   <li>{@code maxFuture}: {@code sign_event} refuses a {@code created_at} more than this ahead of
 *       the signer's clock (default {@link #DEFAULT_MAX_FUTURE}, every kind), so that a client
 *       cannot sign a profile or list dated years ahead that would override later updates.
 *   <li>{@code maxPast}: if set, {@code sign_event} refuses a {@code created_at} more than this
 *       behind the signer's clock; null means no bound.
 *   <li>{@code askPermissions}: sensitive operations allowed only after a human approves each
 *       request (NIP-46 {@code auth_url}; see {@link PolicyDecision.Ask}), in the same syntax as
 *       {@code permissions}. Every other rule still applies to them. What {@code permissions}
 *       allows is never asked.
 * </ul>
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param name the policy name authorizations refer to ({@code [a-z0-9._-]}, 1 to 64 characters)
 * @param permissions the sensitive operations allowed
 * @param blockedWords lower-cased blocked words
 * @param selfEncryptionOnly whether encrypt/decrypt are limited to the user's own key
 * @param rateLimit the per-client rate limit
 * @param maxFuture how far ahead of now an event's {@code created_at} may be (zero or more)
 * @param maxPast how far behind now an event's {@code created_at} may be, or null for no bound
 * @param askPermissions the sensitive operations allowed after a human's approval of each request
 */
public record Policy(
    String name,
    PermissionSet permissions,
    List<String> blockedWords,
    boolean selfEncryptionOnly,
    RateLimit rateLimit,
    Duration maxFuture,
    @Nullable Duration maxPast,
    PermissionSet askPermissions) {

  /** The default {@link #maxFuture()}: 10 minutes, enough for clock skew between devices. */
  public static final Duration DEFAULT_MAX_FUTURE = Duration.ofMinutes(10);

  /**
   * Validates and normalises.
   *
   * @throws IllegalArgumentException if the name is invalid, {@code maxFuture} is negative or
   *     {@code maxPast} is not positive
   */
  public Policy {
    Objects.requireNonNull(permissions, "permissions");
    Objects.requireNonNull(askPermissions, "askPermissions");
    Objects.requireNonNull(rateLimit, "rateLimit");
    Objects.requireNonNull(maxFuture, "maxFuture");
    if (maxFuture.isNegative()) {
      throw new IllegalArgumentException("maxFuture must not be negative");
    }
    if (maxPast != null && (maxPast.isNegative() || maxPast.isZero())) {
      throw new IllegalArgumentException("maxPast must be positive");
    }
    if (!name.matches("[a-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException("policy name must be 1 to 64 characters of [a-z0-9._-]");
    }
    Set<String> words = new LinkedHashSet<>();
    for (String w : blockedWords) {
      String n = normalise(w).strip();
      if (!n.isEmpty()) {
        words.add(n);
      }
    }
    blockedWords = List.copyOf(words);
  }

  /**
   * A policy that asks for nothing (no {@code askPermissions}).
   *
   * @throws IllegalArgumentException as the canonical constructor
   */
  public Policy(
      String name,
      PermissionSet permissions,
      List<String> blockedWords,
      boolean selfEncryptionOnly,
      RateLimit rateLimit,
      Duration maxFuture,
      @Nullable Duration maxPast) {
    this(
        name,
        permissions,
        blockedWords,
        selfEncryptionOnly,
        rateLimit,
        maxFuture,
        maxPast,
        PermissionSet.empty());
  }

  /**
   * Whether the policy allows signing an event of this kind (before client grants).
   *
   * @param kind the event kind
   * @return true if allowed
   */
  public boolean allowsKind(int kind) {
    return permissions.allowsSignEvent(kind);
  }

  /**
   * The form blocked words and checked text are compared in: Unicode NFKC (full-width and other
   * compatibility forms become plain letters), format characters (Unicode category Cf: zero-width
   * space, zero-width joiners, soft hyphen, byte-order mark, direction marks) removed, then case
   * folded ({@link Locale#ROOT} upper then lower case, so {@code ß} matches {@code ss}).
   *
   * @param text any text
   * @return the normalised text
   */
  public static String normalise(String text) {
    String nfkc = Normalizer.normalize(text, Normalizer.Form.NFKC);
    StringBuilder b = new StringBuilder(nfkc.length());
    nfkc.codePoints()
        .filter(cp -> Character.getType(cp) != Character.FORMAT)
        .forEach(b::appendCodePoint);
    String folded = b.toString().toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    return Normalizer.normalize(folded, Normalizer.Form.NFKC);
  }

  /**
   * Whether the text contains a blocked word, both {@linkplain #normalise normalised}.
   *
   * @param text content or tag values to sign, or plaintext to encrypt
   * @return true if it must be refused
   */
  public boolean containsBlockedWord(String text) {
    if (blockedWords.isEmpty()) {
      return false;
    }
    String lower = normalise(text);
    for (String w : blockedWords) {
      if (lower.contains(w)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether an event's {@code created_at} lies within {@link #maxFuture()} and {@link #maxPast()}
   * of {@code nowSeconds}.
   *
   * @param createdAt the event's {@code created_at}, seconds since the Unix epoch
   * @param nowSeconds the signer's clock, seconds since the Unix epoch
   * @return 0 if within bounds, 1 if too far in the future, -1 if too far in the past
   */
  public int checkCreatedAt(long createdAt, long nowSeconds) {
    if (createdAt - nowSeconds > maxFuture.toSeconds()) {
      return 1;
    }
    if (maxPast != null && nowSeconds - createdAt > maxPast.toSeconds()) {
      return -1;
    }
    return 0;
  }

  /**
   * Starts a builder (no permissions, no blocked words, not self-only, 120 requests per minute,
   * {@code created_at} at most {@link #DEFAULT_MAX_FUTURE} ahead, no past bound).
   *
   * @param name the policy name
   * @return a builder
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Builder for {@link Policy}; not thread-safe. */
  public static final class Builder {
    private final String name;
    private PermissionSet permissions = PermissionSet.empty();
    private List<String> blockedWords = List.of();
    private boolean selfEncryptionOnly;
    private RateLimit rateLimit = RateLimit.perMinute(120);
    private Duration maxFuture = DEFAULT_MAX_FUTURE;
    private @Nullable Duration maxPast;
    private PermissionSet askPermissions = PermissionSet.empty();

    private Builder(String name) {
      this.name = name;
    }

    /**
     * Sets the allowed sensitive operations.
     *
     * @param permissions for example {@code PermissionSet.parse("sign_event:1,nip44_encrypt")}
     * @return this builder
     */
    public Builder permissions(PermissionSet permissions) {
      this.permissions = permissions;
      return this;
    }

    /**
     * Parses and sets the allowed sensitive operations.
     *
     * @param perms comma list such as {@code
     *     "sign_event:1,sign_event:7,nip44_encrypt,nip44_decrypt"}
     * @return this builder
     * @throws dev.keycast.nip46.NostrFormatException if malformed
     */
    public Builder permissions(String perms) {
      return permissions(PermissionSet.parse(perms));
    }

    /**
     * Sets the operations allowed only after a human approves each request.
     *
     * @param permissions for example {@code PermissionSet.parse("sign_event:0,nip44_decrypt")}
     * @return this builder
     */
    public Builder ask(PermissionSet permissions) {
      this.askPermissions = Objects.requireNonNull(permissions, "permissions");
      return this;
    }

    /**
     * Parses and sets the operations allowed only after a human approves each request.
     *
     * @param perms comma list in the syntax of {@link #permissions(String)}
     * @return this builder
     * @throws dev.keycast.nip46.NostrFormatException if malformed
     */
    public Builder ask(String perms) {
      return ask(PermissionSet.parse(perms));
    }

    /**
     * Sets the blocked words.
     *
     * @param words the words (matched case-insensitively as substrings)
     * @return this builder
     */
    public Builder blockedWords(List<String> words) {
      this.blockedWords = List.copyOf(words);
      return this;
    }

    /**
     * Limits encrypt/decrypt to the user's own key.
     *
     * @param selfOnly true to limit
     * @return this builder
     */
    public Builder selfEncryptionOnly(boolean selfOnly) {
      this.selfEncryptionOnly = selfOnly;
      return this;
    }

    /**
     * Sets the per-client rate limit.
     *
     * @param rateLimit the limit
     * @return this builder
     */
    public Builder rateLimit(RateLimit rateLimit) {
      this.rateLimit = rateLimit;
      return this;
    }

    /**
     * Sets how far ahead of now an event's {@code created_at} may be.
     *
     * @param maxFuture zero or more
     * @return this builder
     */
    public Builder maxFuture(Duration maxFuture) {
      this.maxFuture = maxFuture;
      return this;
    }

    /**
     * Sets how far behind now an event's {@code created_at} may be.
     *
     * @param maxPast a positive duration, or null for no bound
     * @return this builder
     */
    public Builder maxPast(@Nullable Duration maxPast) {
      this.maxPast = maxPast;
      return this;
    }

    /**
     * Builds.
     *
     * @return the policy
     * @throws IllegalArgumentException if the name or a duration is invalid
     */
    public Policy build() {
      return new Policy(
          name,
          permissions,
          blockedWords,
          selfEncryptionOnly,
          rateLimit,
          maxFuture,
          maxPast,
          askPermissions);
    }
  }

  /** The methods every connected client may call regardless of policy permissions. */
  static boolean isBasic(Nip46Method method) {
    return switch (method) {
      case CONNECT, PING, GET_PUBLIC_KEY, SWITCH_RELAYS, LOGOUT -> true;
      case SIGN_EVENT, NIP04_ENCRYPT, NIP04_DECRYPT, NIP44_ENCRYPT, NIP44_DECRYPT -> false;
    };
  }
}
