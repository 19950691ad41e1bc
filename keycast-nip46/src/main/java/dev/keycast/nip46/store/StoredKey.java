package dev.keycast.nip46.store;

import dev.keycast.crypto.PublicKey;
import java.time.Instant;

/**
 * Public information about a stored user key. Carries no secret material.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param name the unique key name ({@code [A-Za-z0-9._-]}, 1 to 64 characters)
 * @param publicKey the user's public key (the key {@code get_public_key} returns and events are
 *     signed with)
 * @param createdAt when the key was stored (millisecond precision)
 */
public record StoredKey(String name, PublicKey publicKey, Instant createdAt) {}
