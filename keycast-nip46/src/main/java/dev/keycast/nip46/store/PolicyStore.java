package dev.keycast.nip46.store;

import dev.keycast.nip46.policy.Policies;
import dev.keycast.nip46.policy.Policy;
import java.util.List;
import java.util.Optional;

/**
 * Custom named policies kept in the database, next to the built-in ones of {@link Policies}. Obtain
 * the default from {@link KeycastDatabase#policies()}.
 *
 * <p>Thread-safe. Every method may do I/O and blocks until done; failures are {@link
 * StoreException}s. Writes bump the change version ({@link AuthorizationStore#changeVersion()}), so
 * a daemon that reloads policies whenever the version moves picks up edits made by another process.
 */
public interface PolicyStore {

  /**
   * Creates or replaces a custom policy.
   *
   * @param policy the policy
   * @throws IllegalArgumentException if its name is that of a built-in policy
   */
  void save(Policy policy);

  /**
   * Finds a custom policy (not built-in ones; see {@link #resolve(String)}).
   *
   * @param name the name
   * @return the policy, or empty
   */
  Optional<Policy> find(String name);

  /**
   * Lists the custom policies, ordered by name.
   *
   * @return the custom policies
   */
  List<Policy> list();

  /**
   * Deletes a custom policy that no authorization uses.
   *
   * @param name the name
   * @return true if it existed
   * @throws StoreException if authorizations still use it
   */
  boolean delete(String name);

  /**
   * Resolves the policy an authorization names: a built-in policy, otherwise a custom one. A
   * request through an authorization whose policy does not resolve must be denied ({@link
   * dev.keycast.nip46.policy.PolicyDecision.Deny#UNKNOWN_POLICY}).
   *
   * @param name the policy name
   * @return the policy, or empty if unknown
   */
  default Optional<Policy> resolve(String name) {
    return Policies.builtIn(name).or(() -> find(name));
  }
}
