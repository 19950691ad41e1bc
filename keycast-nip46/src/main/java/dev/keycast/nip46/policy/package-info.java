/**
 * The policy model: what an authorization lets its clients do. A {@link
 * dev.keycast.nip46.policy.Policy} (allowed methods and event kinds, blocked words, encryption to
 * self only, per-client rate limit) is named by each authorization; {@link
 * dev.keycast.nip46.policy.Policies} holds the built-in ones; the {@link
 * dev.keycast.nip46.policy.PolicyEvaluator} decides each request against policy ∩ granted perms ∩
 * expiry/revocation as a pure function, returning a {@link
 * dev.keycast.nip46.policy.PolicyDecision}.
 *
 * <p>Everything here is immutable or stateless, does no I/O and never blocks. This package imports
 * neither the store nor the server: the evaluator takes its inputs as a {@link
 * dev.keycast.nip46.policy.PolicySubject}.
 */
@NullMarked
package dev.keycast.nip46.policy;

import org.jspecify.annotations.NullMarked;
