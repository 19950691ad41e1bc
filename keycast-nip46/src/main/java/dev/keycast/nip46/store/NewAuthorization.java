package dev.keycast.nip46.store;

import dev.keycast.nip46.store.internal.Validation;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What to create with {@link AuthorizationStore#create(NewAuthorization)}. Build with {@link
 * #builder(String)}. Immutable and thread-safe.
 *
 * @param keyName the stored user key to authorize
 * @param relays relay URLs ({@code wss://} or {@code ws://}); at least one
 * @param policyName the policy name (see {@link dev.keycast.nip46.policy.Policies}); not validated
 *     by the store
 * @param secret the connect secret; {@code null} to have a random one generated
 * @param maxUses how many distinct clients may connect; {@code null} for unlimited; at least 1
 * @param expiresAt expiry time; {@code null} for none
 * @param label display label; {@code null} for none
 */
public record NewAuthorization(
    String keyName,
    List<String> relays,
    String policyName,
    @Nullable String secret,
    @Nullable Integer maxUses,
    @Nullable Instant expiresAt,
    @Nullable String label) {

  /**
   * Validates and copies.
   *
   * @throws IllegalArgumentException if there is no relay, a relay is not a ws(s) URL, maxUses is
   *     below 1, or the secret is blank or longer than 256 characters
   */
  public NewAuthorization {
    Objects.requireNonNull(keyName, "keyName");
    Objects.requireNonNull(policyName, "policyName");
    relays = Validation.relays(relays);
    if (maxUses != null && maxUses < 1) {
      throw new IllegalArgumentException(
          "maxUses must be at least 1 (or null for unlimited), got " + maxUses);
    }
    if (secret != null && (secret.isBlank() || secret.length() > 256)) {
      throw new IllegalArgumentException("secret must be 1 to 256 non-blank characters");
    }
    if (policyName.isBlank()) {
      throw new IllegalArgumentException("policyName must not be blank");
    }
  }

  /**
   * Starts a builder with defaults: policy {@code "social"}, generated secret, {@code maxUses} 1,
   * no expiry.
   *
   * @param keyName the stored user key to authorize
   * @return a builder
   */
  public static Builder builder(String keyName) {
    return new Builder(keyName);
  }

  /** Never shows the secret. */
  @Override
  public String toString() {
    return "NewAuthorization[keyName="
        + keyName
        + ", relays="
        + relays
        + ", policyName="
        + policyName
        + ", maxUses="
        + maxUses
        + ", expiresAt="
        + expiresAt
        + ", label="
        + label
        + "]";
  }

  /** Builder for {@link NewAuthorization}; not thread-safe. */
  public static final class Builder {
    private final String keyName;
    private List<String> relays = List.of();
    private String policyName = "social";
    private @Nullable String secret;
    private @Nullable Integer maxUses = 1;
    private @Nullable Instant expiresAt;
    private @Nullable String label;

    private Builder(String keyName) {
      this.keyName = keyName;
    }

    /**
     * Sets the relays.
     *
     * @param relays relay URLs
     * @return this builder
     */
    public Builder relays(List<String> relays) {
      this.relays = List.copyOf(relays);
      return this;
    }

    /**
     * Sets the relays.
     *
     * @param relays relay URLs
     * @return this builder
     */
    public Builder relays(String... relays) {
      return relays(List.of(relays));
    }

    /**
     * Sets the policy name.
     *
     * @param policyName the policy
     * @return this builder
     */
    public Builder policyName(String policyName) {
      this.policyName = policyName;
      return this;
    }

    /**
     * Sets the connect secret (for example the one a {@code nostrconnect://} URI carries).
     *
     * @param secret the secret, or null to generate one
     * @return this builder
     */
    public Builder secret(@Nullable String secret) {
      this.secret = secret;
      return this;
    }

    /**
     * Sets how many clients may connect with the secret.
     *
     * @param maxUses at least 1, or null for unlimited
     * @return this builder
     */
    public Builder maxUses(@Nullable Integer maxUses) {
      this.maxUses = maxUses;
      return this;
    }

    /**
     * Sets the expiry.
     *
     * @param expiresAt the expiry time, or null for none
     * @return this builder
     */
    public Builder expiresAt(@Nullable Instant expiresAt) {
      this.expiresAt = expiresAt;
      return this;
    }

    /**
     * Sets the display label.
     *
     * @param label the label, or null
     * @return this builder
     */
    public Builder label(@Nullable String label) {
      this.label = label;
      return this;
    }

    /**
     * Builds and validates.
     *
     * @return the request
     * @throws IllegalArgumentException as the record constructor
     */
    public NewAuthorization build() {
      return new NewAuthorization(keyName, relays, policyName, secret, maxUses, expiresAt, label);
    }
  }
}
