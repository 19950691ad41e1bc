/**
 * jqwik generators for property tests over Keycast's crypto: keys, events, NIP-44 plaintexts and
 * payloads (valid and tampered), NIP-19 entities. Published as the {@code tests} jar of {@code
 * keycast-crypto} ({@code <type>test-jar</type>}, scope {@code test}; add jqwik yourself, aligned
 * by {@code keycast-bom}). Keycast's own property tests use them. See docs/testing.md.
 */
@NullMarked
package dev.keycast.crypto.testing;

import org.jspecify.annotations.NullMarked;
